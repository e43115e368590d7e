"""The Temporal schedule of a mailbox (`mailbox-<mailboxId>`): every minute it starts a
`MailboxSyncWorkflow`; a run still going when the next is due is skipped (overlap SKIP).
Disabled mailboxes have their schedule paused. Only the mailbox id travels: the password
stays in the database, out of workflow histories."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
)
from temporalio.common import RetryPolicy, SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode

from outreach import search_attributes as sa_keys
from outreach.config import Settings
from outreach.inbound.contracts import (
    MAILBOX_SYNC_WORKFLOW,
    mailbox_schedule_id,
    mailbox_sync_workflow_id,
)
from outreach.models import Mailbox

SYNC_EVERY = timedelta(minutes=1)
RPC_TIMEOUT = timedelta(seconds=10)


def mailbox_schedule(settings: Settings, mailbox: Mailbox) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            MAILBOX_SYNC_WORKFLOW,
            mailbox.id,
            id=mailbox_sync_workflow_id(mailbox.id),
            task_queue=settings.task_queue,
            execution_timeout=timedelta(minutes=30),
            retry_policy=RetryPolicy(maximum_attempts=1),  # the next tick is the retry
            typed_search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(sa_keys.WORKSPACE_ID, mailbox.workspace_id),
                ]
            ),
            static_summary=f"sync {mailbox.username} {mailbox.folder} on {mailbox.host}"[:200],
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=SYNC_EVERY)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
        state=ScheduleState(
            paused=not mailbox.enabled, note=None if mailbox.enabled else "mailbox disabled"
        ),
    )


async def create_mailbox_schedule(client: Client, settings: Settings, mailbox: Mailbox) -> None:
    """Create it (a first sync runs at once when enabled). Idempotent."""
    try:
        await client.create_schedule(
            mailbox_schedule_id(mailbox.id),
            mailbox_schedule(settings, mailbox),
            trigger_immediately=mailbox.enabled,
            rpc_timeout=RPC_TIMEOUT,
        )
    except ScheduleAlreadyRunningError:
        await set_mailbox_schedule_paused(client, mailbox.id, not mailbox.enabled)


async def set_mailbox_schedule_paused(client: Client, mailbox_id: str, paused: bool) -> None:
    handle = client.get_schedule_handle(mailbox_schedule_id(mailbox_id))
    if paused:
        await handle.pause(note="mailbox disabled", rpc_timeout=RPC_TIMEOUT)
    else:
        await handle.unpause(note="mailbox enabled", rpc_timeout=RPC_TIMEOUT)


async def trigger_mailbox_sync(client: Client, mailbox_id: str) -> None:
    """Run a sync now (skipped if one is running)."""
    await client.get_schedule_handle(mailbox_schedule_id(mailbox_id)).trigger(
        overlap=ScheduleOverlapPolicy.SKIP, rpc_timeout=RPC_TIMEOUT
    )


async def delete_mailbox_schedule(client: Client, mailbox_id: str) -> None:
    try:
        await client.get_schedule_handle(mailbox_schedule_id(mailbox_id)).delete(
            rpc_timeout=RPC_TIMEOUT
        )
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise

"""One Temporal Schedule per campaign (`autopilot-<campaignId>`), kept in line with the
campaign's row: created when the campaign gets autopilot settings, updated when they (or
its time zone) change, paused while the campaign is not active or the autopilot disabled,
deleted when the settings are removed or the campaign archived.

The row is the truth; the schedule follows it through the outbox (outreach/outbox.py): the
change that makes the schedule stale writes an `autopilot_schedule` item in its own
transaction, the API syncs the schedule at once after the commit and deletes the item, and
when Temporal is away the item stays and the sweeper syncs it (from the row as it is then)
once Temporal answers. A failed sync never loses the settings.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
)
from temporalio.common import RetryPolicy
from temporalio.service import RPCError, RPCStatusCode

from outreach.autopilot import rules
from outreach.autopilot.contracts import (
    AUTOPILOT_WORKFLOW,
    AutopilotRequest,
    schedule_id,
    scheduled_workflow_id,
)
from outreach.autopilot.status import AutopilotTrigger
from outreach.campaigns.status import CampaignStatus
from outreach.config import Settings
from outreach.db import Database
from outreach.models import Campaign, OutboxItem
from outreach.outbox import OutboxKind

RPC_TIMEOUT = timedelta(seconds=10)
RUN_TIMEOUT = timedelta(hours=2)  # a run's whole life (discovery, enrichment, drafts)
CATCHUP = timedelta(hours=6)  # a run missed while Temporal was down still happens this late


def sync_key(campaign_id: str) -> str:
    return f"{OutboxKind.AUTOPILOT_SCHEDULE}:{campaign_id}"


def wanted(campaign: Campaign, settings: Settings) -> Schedule:
    assert campaign.autopilot is not None
    runs = rules.should_run(campaign.autopilot, campaign.status)
    return Schedule(
        action=ScheduleActionStartWorkflow(
            AUTOPILOT_WORKFLOW,
            AutopilotRequest(campaign.id, campaign.workspace_id, AutopilotTrigger.SCHEDULE),
            id=scheduled_workflow_id(campaign.id),
            task_queue=settings.task_queue,
            execution_timeout=RUN_TIMEOUT,
            retry_policy=RetryPolicy(maximum_attempts=1),  # the next day is the retry
            static_summary=f"autopilot of {campaign.id}",
        ),
        spec=ScheduleSpec(
            calendars=[rules.calendar(campaign.autopilot)], time_zone_name=campaign.timezone
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=CATCHUP),
        state=ScheduleState(paused=not runs, note=_note(campaign, runs)),
    )


def _note(campaign: Campaign, runs: bool) -> str:
    if runs:
        return "running"
    if campaign.status != CampaignStatus.ACTIVE:
        return f"paused: the campaign is {campaign.status}"
    return "paused: the autopilot is disabled"


async def sync(
    client: Client, settings: Settings, campaign: Campaign | None, campaign_id: str
) -> str:
    """Make the campaign's schedule match its row: `created`, `updated`, `deleted` or
    `absent` (nothing to do). RPCError when Temporal does not answer."""
    handle = client.get_schedule_handle(schedule_id(campaign_id))
    if campaign is None or campaign.autopilot is None or campaign.status == CampaignStatus.ARCHIVED:
        try:
            await handle.delete(rpc_timeout=RPC_TIMEOUT)
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return "absent"
            raise
        return "deleted"
    schedule = wanted(campaign, settings)
    try:
        await client.create_schedule(schedule_id(campaign_id), schedule, rpc_timeout=RPC_TIMEOUT)
        return "created"
    except ScheduleAlreadyRunningError:
        pass
    await handle.update(lambda _: ScheduleUpdate(schedule=schedule), rpc_timeout=RPC_TIMEOUT)
    # An update may keep the schedule's paused state: set it as the row says.
    assert schedule.state.note is not None
    if schedule.state.paused:
        await handle.pause(note=schedule.state.note, rpc_timeout=RPC_TIMEOUT)
    else:
        await handle.unpause(note=schedule.state.note, rpc_timeout=RPC_TIMEOUT)
    return "updated"


# -- through the outbox ------------------------------------------------------------------------


async def mark_stale(session: AsyncSession, campaign: Campaign) -> None:
    """In the transaction of the change: the campaign's schedule must be synced. One
    pending item per campaign (it syncs from the row as it is when delivered)."""
    pending = (
        await session.exec(
            select(OutboxItem.id).where(OutboxItem.dedupe_key == sync_key(campaign.id))
        )
    ).first()
    if pending is None:
        session.add(
            OutboxItem(
                id="obx_" + secrets.token_hex(10),
                workspace_id=campaign.workspace_id,
                kind=OutboxKind.AUTOPILOT_SCHEDULE,  # its `lead_id` holds the campaign id
                dedupe_key=sync_key(campaign.id),
                lead_id=campaign.id,
            )
        )


async def sync_now(
    client: Client, settings: Settings, session: AsyncSession, campaign: Campaign
) -> str:
    """After the commit: sync the schedule and drop the outbox item (left for the sweeper
    when this raises)."""
    outcome = await sync(client, settings, campaign, campaign.id)
    await session.exec(
        delete(OutboxItem).where(col(OutboxItem.dedupe_key) == sync_key(campaign.id))
    )
    await session.commit()
    return outcome


async def deliver(db: Database, settings: Settings, client: Client, item: OutboxItem) -> str:
    """The sweeper's delivery of an `autopilot_schedule` item."""
    async with db.session() as s:
        campaign = await s.get(Campaign, item.lead_id)
        await s.commit()  # no transaction held across the RPCs
        await sync(client, settings, campaign, item.lead_id)
        await s.exec(delete(OutboxItem).where(col(OutboxItem.id) == item.id))
        await s.commit()
    return "delivered"

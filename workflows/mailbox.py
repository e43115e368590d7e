"""MailboxSyncWorkflow: one polling round of an IMAP mailbox, started every minute by the
mailbox's schedule (`mailbox-<mailboxId>`). The activity reads new mail in capped runs;
while it reports more waiting, the workflow runs it again (a bounded number of times).
An unreachable server is not retried here: it is recorded on the mailbox (`lastError`)
and the next tick tries again."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.replies import ReplyActivities
    from outreach.inbound.contracts import MAILBOX_SYNC_WORKFLOW, SyncOutcome
    from outreach.inbound.status import SyncStatus

MAX_ROUNDS = 10
SYNC_TIMEOUT = timedelta(minutes=10)
SYNC_HEARTBEAT = timedelta(minutes=2)
# Database trouble or a worker dying mid-run; IMAP errors are returned, not raised.
SYNC_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    maximum_attempts=3,
)


@workflow.defn(name=MAILBOX_SYNC_WORKFLOW)
class MailboxSyncWorkflow:
    @workflow.run
    async def run(self, mailbox_id: str) -> SyncOutcome:
        total = SyncOutcome(SyncStatus.OK)
        for _ in range(MAX_ROUNDS):
            out = await workflow.execute_activity_method(
                ReplyActivities.sync_mailbox,
                mailbox_id,
                start_to_close_timeout=SYNC_TIMEOUT,
                heartbeat_timeout=SYNC_HEARTBEAT,
                retry_policy=SYNC_RETRY,
            )
            total.status, total.error = out.status, out.error
            total.stored += out.stored
            total.duplicates += out.duplicates
            total.ignored += out.ignored
            total.skipped += out.skipped
            total.unreadable += out.unreadable
            total.last_uid, total.uidvalidity, total.more = (
                out.last_uid,
                out.uidvalidity,
                out.more,
            )
            if not out.more or out.status != SyncStatus.OK:
                break
        return total

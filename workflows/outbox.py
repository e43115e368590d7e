"""OutboxSweepWorkflow: one round of the outbox sweeper, started every minute by the
`outbox-sweeper` schedule (outreach/outbox.py). A failed round is not retried here beyond
a database hiccup: the next tick is the retry."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.outbox import OutboxActivities
    from outreach.outbox import OUTBOX_SWEEP_WORKFLOW, SweepResult

SWEEP_TIMEOUT = timedelta(minutes=10)
SWEEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=3,
)


@workflow.defn(name=OUTBOX_SWEEP_WORKFLOW)
class OutboxSweepWorkflow:
    @workflow.run
    async def run(self) -> SweepResult:
        return await workflow.execute_activity_method(
            OutboxActivities.sweep,
            start_to_close_timeout=SWEEP_TIMEOUT,
            retry_policy=SWEEP_RETRY,
        )

"""CountersRollupWorkflow: one round of the counters roll-up, started every minute by the
`counters-rollup` schedule (outreach/campaigns/rollup.py). A failed round is not retried
here beyond a database hiccup: the next tick is the retry, and reads stay exact meanwhile."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.counters import CounterActivities
    from outreach.campaigns.rollup import ROLLUP_WORKFLOW

ROLLUP_TIMEOUT = timedelta(minutes=10)
ROLLUP_HEARTBEAT = timedelta(minutes=1)
ROLLUP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=3,
)


@workflow.defn(name=ROLLUP_WORKFLOW)
class CountersRollupWorkflow:
    @workflow.run
    async def run(self) -> int:
        return await workflow.execute_activity_method(
            CounterActivities.rollup,
            start_to_close_timeout=ROLLUP_TIMEOUT,
            heartbeat_timeout=ROLLUP_HEARTBEAT,
            retry_policy=ROLLUP_RETRY,
        )

"""The `counters-rollup` schedule: every minute a CountersRollupWorkflow folds the pending
counter deltas into the campaign counters (outreach/campaigns/counters.py). Reads are exact
without it; it keeps them cheap. One schedule per installation (its task queue)."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
)

from outreach import temporal
from outreach.config import Settings

ROLLUP_WORKFLOW = "CountersRollupWorkflow"
SCHEDULE_ID = "counters-rollup"  # + "-<task queue>"
ROLLUP_WORKFLOW_ID = "counters-rollup"
ROLLUP_EVERY = timedelta(minutes=1)


def schedule_id(settings: Settings) -> str:
    return f"{SCHEDULE_ID}-{settings.task_queue}"


def rollup_schedule(settings: Settings) -> Schedule:
    return temporal.housekeeping_schedule(
        ROLLUP_WORKFLOW,
        f"{ROLLUP_WORKFLOW_ID}-{settings.task_queue}",
        settings.task_queue,
        ROLLUP_EVERY,
        "fold counter deltas into the campaign counters",
    )


async def ensure_schedule(client: Client, settings: Settings) -> bool:
    """Create this installation's roll-up schedule unless it exists (True if created)."""
    return await temporal.ensure_schedule(
        client, schedule_id(settings), rollup_schedule(settings), settings.task_queue
    )

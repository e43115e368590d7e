"""The counters roll-up's activity (outreach/campaigns/counters.py): fold pending deltas
into the campaign counters, one batch per transaction, heartbeating between batches."""

from __future__ import annotations

from temporalio import activity

from activities.base import Activities
from outreach.campaigns import counters

MAX_BATCHES = 200  # per run (10 million deltas); the next tick folds the rest


class CounterActivities(Activities):
    @activity.defn(name="rollup_counters")
    async def rollup(self) -> int:
        folded = 0
        for _ in range(MAX_BATCHES):
            async with self.db.session() as s:
                moved = await counters.rollup_batch(s)
            folded += moved
            activity.heartbeat(folded)
            if moved < counters.ROLLUP_BATCH:
                break
        await counters.tidy(self.db, folded)
        return folded

"""The outbox sweeper's activity (outreach/outbox.py): deliver the workflow starts and
signals the API committed while Temporal was unreachable."""

from __future__ import annotations

from temporalio import activity

from activities.base import Activities
from outreach.outbox import SweepResult, sweep


class OutboxActivities(Activities):
    @activity.defn(name="sweep_outbox")
    async def sweep(self) -> SweepResult:
        return await sweep(self.db, self.settings, self.client)

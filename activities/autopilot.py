"""The autopilot's I/O: beginning a run (its row, day and quota, from the campaign as it
is), the drafts it writes, counting the leads it enrolled, and recording its end with
`autopilot.completed`. Thin wrappers around outreach.autopilot.service."""

from __future__ import annotations

from temporalio import activity

from activities.base import Activities
from outreach.autopilot import service
from outreach.autopilot.contracts import BeginRequest, Begun, DraftBatch, Finish


class AutopilotActivities(Activities):
    @activity.defn(name="autopilot_begin")
    async def begin(self, req: BeginRequest) -> Begun:
        return await service.begin(self.db, req)

    @activity.defn(name="autopilot_draft_rows")
    async def draft_rows(self, batch: DraftBatch) -> list[str]:
        return await service.draft_rows(self.db, batch)

    @activity.defn(name="autopilot_count_enrolled")
    async def count_enrolled(self, campaign_id: str, lead_ids: list[str]) -> int:
        return await service.count_enrolled(self.db, campaign_id, lead_ids)

    @activity.defn(name="autopilot_finish")
    async def finish(self, f: Finish) -> None:
        event_id = await service.finish(self.db, f)
        if event_id is not None:
            await self._publish([event_id])

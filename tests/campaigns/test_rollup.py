"""The counters roll-up: its schedule (one per installation) and one round of its workflow,
on the real dev server (the time-skipping server has no schedules)."""

from __future__ import annotations

import sqlalchemy as sa
from temporalio.client import ScheduleActionStartWorkflow

from outreach.campaigns import counters, rollup
from tests.conftest import settings_for
from tests.helpers import make_campaign, make_lead, make_workspace, running_worker


async def _pending(db, campaign_id: str) -> int:
    async with db.session() as s:
        conn = await s.connection()
        sql = sa.text("SELECT COUNT(*) FROM counter_delta WHERE campaign_id = :c")
        return int((await conn.execute(sql, {"c": campaign_id})).scalar_one())


async def test_the_rollup_schedule_and_one_round(dev_env, settings, db) -> None:
    st = settings_for(settings)
    client = dev_env.client
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id)
    for _ in range(5):
        await make_lead(db, camp)
    assert await _pending(db, camp.id) == 10  # `leads` and `leads.queued` for each
    schedule = client.get_schedule_handle(rollup.schedule_id(st))
    try:
        assert await rollup.ensure_schedule(client, st) is True
        assert await rollup.ensure_schedule(client, st) is False  # every worker start asks
        desc = await schedule.describe()
        assert desc.schedule.spec.intervals[0].every == rollup.ROLLUP_EVERY
        assert isinstance(desc.schedule.action, ScheduleActionStartWorkflow)
        assert desc.schedule.action.task_queue == st.task_queue
        async with running_worker(client, st, db):
            folded = await client.execute_workflow(
                rollup.ROLLUP_WORKFLOW,
                id=f"{rollup.ROLLUP_WORKFLOW_ID}-{camp.id}",
                task_queue=st.task_queue,
                result_type=int,
            )
    finally:
        await schedule.delete()
    assert folded >= 10
    assert await _pending(db, camp.id) == 0
    async with db.session() as s:
        (got,) = [c for c in await counters.counters(s, [camp.id]) if c.metric == "leads"]
        assert got.n == 5
        kept, kept_days = await counters.stored(s)
        assert (kept, kept_days) == await counters.recount(s)

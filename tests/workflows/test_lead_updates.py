"""Pause, resume and stop as updates: each answers with the lead as it stands once the
request is applied (the row already shows it), and refuses what cannot be done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from outreach import search_attributes as sa
from outreach.contracts import LeadUpdate, Progress
from outreach.models import Lead
from tests.conftest import settings_for
from tests.helpers import (
    eventually,
    make_campaign,
    make_lead,
    make_workspace,
    reload,
    running_worker,
    search_attribute,
    sends_of,
    start_lead,
)

THREE_STEPS = [
    ("email", "P0D", "Hello {{firstName}}", "one"),
    ("email", "P2D", None, "two"),
    ("email", "P3D", None, "three"),
]


@pytest.fixture
async def running(ts_env, settings, db, smtp):
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id, THREE_STEPS)
    lead = await make_lead(db, camp)
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)

        async def first_sent() -> bool:
            return any(s.status == "sent" for s in await sends_of(db, lead.id))

        await eventually(first_sent)
        yield lead, handle


async def test_pause_and_resume_answer_once_the_row_shows_them(running, ts_env, db):
    lead, handle = running
    paused = await handle.execute_update(LeadUpdate.PAUSE, result_type=Progress)
    assert paused.status == "paused" and paused.currentStep == 1 and paused.nextStep == 2
    assert (await reload(db, Lead, lead.id)).status == "paused"  # no waiting: it is written
    assert await search_attribute(handle, sa.LEAD_STATUS) == "paused"
    await ts_env.sleep(timedelta(days=6))
    assert len(await sends_of(db, lead.id)) == 1

    resumed = await handle.execute_update(LeadUpdate.RESUME, result_type=Progress)
    assert resumed.status == "active" and resumed.currentStep == 1
    assert (await reload(db, Lead, lead.id)).status == "active"
    assert await handle.result() == "completed"  # the sequence went on


async def test_stop_answers_once_the_lead_is_stopped(running, db):
    lead, handle = running
    stopped = await handle.execute_update(LeadUpdate.STOP, result_type=Progress)
    assert stopped.status == "stopped" and stopped.nextStep is None
    row = await reload(db, Lead, lead.id)
    assert row.status == "stopped" and row.finished_at is not None
    assert await handle.result() == "stopped"


async def test_what_cannot_be_done_is_refused(running, db):
    lead, handle = running
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(LeadUpdate.RESUME)
    assert "not paused" in str(refused.value.cause)
    await handle.execute_update(LeadUpdate.STOP)
    for update in (LeadUpdate.PAUSE, LeadUpdate.STOP, LeadUpdate.RESUME):
        # Refused by the workflow, or by the server once the run has closed.
        with pytest.raises((WorkflowUpdateFailedError, RPCError)):
            await handle.execute_update(update)
    assert (await reload(db, Lead, lead.id)).status == "stopped"

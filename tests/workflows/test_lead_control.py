"""Signals, the send-next update, campaign changes and continue-as-new on a running lead."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select
from temporalio.api.enums.v1 import EventType
from temporalio.service import RPCError, RPCStatusCode

from outreach import search_attributes as sa
from outreach.contracts import (
    LEAD_QUERY_PROGRESS,
    LeadSignal,
    LeadUpdate,
    ReplySignal,
)
from outreach.models import Campaign, Lead, Step, Suppression
from tests.conftest import settings_for
from tests.helpers import (
    close_to,
    events_of,
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


async def sent_count(db, lead_id: str) -> int:
    return len([s for s in await sends_of(db, lead_id) if s.status == "sent"])


async def status_of(db, lead_id: str) -> str:
    return (await reload(db, Lead, lead_id)).status


@pytest.fixture
async def running(ts_env, settings, db, smtp):
    """A worker on a fresh task queue, and a lead with three steps whose first is sent."""
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id, THREE_STEPS)
    lead = await make_lead(db, camp)
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        await eventually(lambda: sent_count(db, lead.id))
        yield st, ws, camp, lead, handle


async def test_pause_holds_the_sequence_and_resume_continues_where_it_was(
    running, ts_env, db, smtp
):
    st, ws, camp, lead, handle = running
    await handle.signal(LeadSignal.PAUSE)
    await eventually(lambda: _is(status_of(db, lead.id), "paused"))
    # The row is written by the activity, the attribute upserted by the workflow's next
    # task: they agree a moment apart.
    await eventually(lambda: _is(search_attribute(handle, sa.LEAD_STATUS), "paused"))
    await ts_env.sleep(timedelta(days=6))  # both remaining steps would be due by now
    assert await sent_count(db, lead.id) == 1
    progress = await handle.query(LEAD_QUERY_PROGRESS)
    assert progress["waitingFor"] == "lead_paused" and progress["nextStep"] == 2

    resumed_at = await ts_env.get_current_time()
    await handle.signal(LeadSignal.RESUME)
    # Resume sends the overdue step 2 now, then step 3 its full delay later: no burst.
    await eventually(lambda: _ge(sent_count(db, lead.id), 2))
    assert await status_of(db, lead.id) in ("active", "completed")
    assert await handle.result() == "completed"
    sends = await sends_of(db, lead.id)
    assert close_to(sends[1].scheduled_at, resumed_at, 5)
    assert close_to(sends[2].scheduled_at, sends[1].scheduled_at + timedelta(days=3), 5)
    assert len(smtp.messages) == 3


@pytest.mark.parametrize(
    ("signal", "arg", "status", "event"),
    [
        (
            LeadSignal.REPLY,
            ReplySignal(reply_id="reply_test1", label="interested"),
            "replied",
            "lead.replied",
        ),
        (LeadSignal.UNSUBSCRIBE, "link", "unsubscribed", "lead.unsubscribed"),
        (LeadSignal.BOUNCE, "dsn", "bounced", "lead.bounced"),
        (LeadSignal.STOP, None, "stopped", None),
    ],
)
async def test_each_ending_signal_stops_the_sequence(
    running, ts_env, db, smtp, signal, arg, status, event
):
    st, ws, camp, lead, handle = running
    if arg is None:
        await handle.signal(signal)
    else:
        await handle.signal(signal, arg)
    assert await handle.result() == status
    await ts_env.sleep(timedelta(days=10))
    assert await sent_count(db, lead.id) == 1
    row = await reload(db, Lead, lead.id)
    assert row.status == status and row.finished_at is not None
    assert await search_attribute(handle, sa.LEAD_STATUS) == status
    if event:
        assert len(await events_of(db, ws.id, event)) == 1
    async with db.session() as s:
        suppressed = (
            await s.exec(
                select(Suppression).where(
                    Suppression.workspace_id == ws.id, Suppression.email == lead.email
                )
            )
        ).first()
    assert (suppressed is not None) == (status in ("unsubscribed", "bounced"))


async def test_send_next_update_sends_the_next_step_now(running, ts_env, db, smtp):
    st, ws, camp, lead, handle = running
    before = await ts_env.get_current_time()
    result = await handle.execute_update(LeadUpdate.SEND_NEXT)
    assert result["outcome"] == "sent" and result["sendId"]
    sends = await sends_of(db, lead.id)
    assert [s.step_position for s in sends] == [1, 2]
    assert sends[1].forced and sends[1].id == result["sendId"]
    assert close_to(sends[1].scheduled_at, before, 5)  # not two days later
    assert len(smtp.messages) == 2
    # The last step keeps its own delay after the forced one.
    assert await handle.result() == "completed"
    sends = await sends_of(db, lead.id)
    assert close_to(sends[2].scheduled_at, sends[1].scheduled_at + timedelta(days=3), 5)


async def test_send_next_is_refused_for_a_paused_lead(running, db):
    from temporalio.client import WorkflowUpdateFailedError

    st, ws, camp, lead, handle = running
    await handle.signal(LeadSignal.PAUSE)
    await eventually(lambda: _is(status_of(db, lead.id), "paused"))
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(LeadUpdate.SEND_NEXT)
    assert await sent_count(db, lead.id) == 1


async def test_campaign_edit_reaches_a_lead_before_the_step(running, ts_env, db, smtp):
    st, ws, camp, lead, handle = running
    async with db.session() as s:
        step = (
            await s.exec(select(Step).where(Step.campaign_id == camp.id, Step.position == 2))
        ).one()
        step.body = "two, with the typo fixed"
        s.add(step)
        await s.commit()
    sync = await ts_env.client.start_workflow(
        "CampaignSyncWorkflow", camp.id, id=f"sync-{camp.id}", task_queue=st.task_queue
    )
    assert await sync.result() == 1
    await ts_env.sleep(timedelta(days=2, minutes=1))
    await eventually(lambda: len(smtp.messages) >= 2)
    body = smtp.messages[1].message.get_body(("plain",)).get_content()
    assert "two, with the typo fixed" in body


async def test_campaign_pause_holds_every_lead_and_resume_continues(running, ts_env, db, smtp):
    st, ws, camp, lead, handle = running
    await _set_campaign(db, camp.id, "paused")
    await (
        await ts_env.client.start_workflow(
            "CampaignSyncWorkflow", camp.id, id=f"sync-p-{camp.id}", task_queue=st.task_queue
        )
    ).result()
    await eventually(lambda: _query_is(handle, "waitingFor", "campaign_paused"))
    await ts_env.sleep(timedelta(days=4))
    assert await sent_count(db, lead.id) == 1
    await _set_campaign(db, camp.id, "active")
    await (
        await ts_env.client.start_workflow(
            "CampaignSyncWorkflow", camp.id, id=f"sync-a-{camp.id}", task_queue=st.task_queue
        )
    ).result()
    await eventually(lambda: _ge(sent_count(db, lead.id), 2))
    assert await handle.result() == "completed"
    assert len(smtp.messages) == 3


async def test_continue_as_new_after_hundreds_of_pauses(ts_env, settings, db, smtp):
    """240 pause/resume signals with a history limit of 150 events: the lead continues as
    new several times, each run stays short, and it still sends every step exactly once.
    (A run cannot close while signals keep arriving - Temporal rejects the completion - so
    each pause is let land before the resume, as a person clicking would.)"""
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id, THREE_STEPS)
    lead = await make_lead(db, camp)
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead, history_limit=150)
        first_run = (await handle.describe()).run_id
        await eventually(lambda: sent_count(db, lead.id))
        for _ in range(120):
            await _signal_latest(handle, LeadSignal.PAUSE)
            await eventually(lambda: _is(status_of(db, lead.id), "paused"), every=0.005)
            await _signal_latest(handle, LeadSignal.RESUME)
            await eventually(lambda: _is(status_of(db, lead.id), "active"), every=0.005)
        await eventually(lambda: _is(status_of(db, lead.id), "active"))
        assert await handle.result() == "completed"
        runs = await _runs(ts_env.client, handle.id, first_run)
    assert len(runs) >= 3, runs  # it continued as new, more than once
    # Each run stopped near the limit (a few events of slack for the signals that
    # arrive while it decides).
    assert all(length < 150 + 60 for length in runs), runs
    # Progress carried across runs: every step sent exactly once, nothing lost.
    assert [s.step_position for s in await sends_of(db, lead.id)] == [1, 2, 3]
    assert len(smtp.messages) == 3
    assert await status_of(db, lead.id) == "completed"


async def _signal_latest(handle, name: str) -> None:
    """Signal the current run; the test server can answer "Completed workflow" for a signal
    that races a continue-as-new, as the old run closes (a real server forwards it)."""
    for attempt in range(50):
        try:
            return await handle.signal(name)
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND or attempt == 49:
                raise
            await asyncio.sleep(0.02)


async def _runs(client, workflow_id: str, first_run: str) -> list[int]:
    """History lengths of a workflow's runs, following continue-as-new from the first."""
    lengths, run_id = [], first_run
    while run_id:
        events = [
            e
            async for e in client.get_workflow_handle(
                workflow_id, run_id=run_id
            ).fetch_history_events()
        ]
        lengths.append(len(events))
        last = events[-1]
        run_id = (
            last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
            if last.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
            else None
        )
    return lengths


async def _set_campaign(db, campaign_id: str, status: str) -> None:
    async with db.session() as s:
        camp = await s.get(Campaign, campaign_id)
        camp.status = status
        s.add(camp)
        await s.commit()


async def _is(awaitable, value) -> bool:
    return (await awaitable) == value


async def _ge(awaitable, value) -> bool:
    return (await awaitable) >= value


async def _query_is(handle, key: str, value) -> bool:
    return (await handle.query(LEAD_QUERY_PROGRESS))[key] == value

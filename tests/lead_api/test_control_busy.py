"""Pause / resume / stop when no worker answers: the API does not hang; it answers 202 with
the row as it is and leaves the request as a durable signal in the lead's history, which
the next worker applies (replaying a paused lead's signal is what the replay histories
and the workflow tests cover)."""

from __future__ import annotations

import httpx
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

import api.routes.leads as lead_routes
from api.deps import AppState
from api.main import create_app
from outreach.contracts import LeadInput, LeadSignal
from outreach.leads import service
from outreach.models import Lead
from outreach.temporal import lead_workflow_id
from tests.conftest import settings_for
from tests.helpers import (
    eventually,
    make_campaign,
    make_key,
    make_lead,
    make_workspace,
    reload,
    running_worker,
    sends_of,
)

API = "/api/v1/outreach"
STEPS = [("email", "P0D", "Hello", "one"), ("email", "P2D", None, "two")]


async def test_pause_without_a_worker_is_kept_and_applied_later(
    ts_env, settings, db, smtp, monkeypatch
):
    monkeypatch.setattr(lead_routes, "ACCEPT_TIMEOUT", 1.0)
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    lead = await make_lead(db, await make_campaign(db, ws.id, STEPS))
    async with running_worker(ts_env.client, st, db):
        async with db.session() as s:  # as the API starts it (not ended with the worker)
            await service.start(ts_env.client, st, s, lead, [])

        async def first_sent() -> bool:
            return any(s.status == "sent" for s in await sends_of(db, lead.id))

        await eventually(first_sent)
        handle = ts_env.client.get_workflow_handle(lead_workflow_id(lead.id))

        async def idle() -> bool:
            # Waiting on its timer, no task in flight (a task the stopped worker held would
            # keep a signal buffered until that task timed out).
            raw = (await handle.describe()).raw_description
            return not raw.pending_activities and not raw.HasField("pending_workflow_task")

        await eventually(idle)

    app = create_app(st, ts_env.client)
    app.state.outreach = AppState(st, ts_env.client)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        resp = await http.post(
            f"{API}/leads/{lead.id}/pause", headers={"Authorization": f"Bearer {key}"}
        )
    await app.state.outreach.close()
    assert resp.status_code == 202, resp.text
    assert resp.json()["status"] == "active"  # not applied yet: nobody runs the lead

    # The pause is kept: a signal in the lead's history, which the next worker to run
    # the lead applies first thing. The server writes it there at once, or, when the update
    # attempt left a workflow task with a poll the stopping worker no longer serves, once
    # that task times out (10 s): it keeps it buffered, never drops it.
    async def signals() -> list[str]:
        history = await ts_env.client.get_workflow_handle(lead_workflow_id(lead.id)).fetch_history()
        return [
            e.workflow_execution_signaled_event_attributes.signal_name
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
        ]

    assert await eventually(signals, within=40.0, every=0.5) == [LeadSignal.PAUSE]
    assert (await reload(db, Lead, lead.id)).status == "active"


@workflow.defn(name="LeadWorkflow", sandboxed=False)
class _ReleaseBeforeUpdates:
    """A lead workflow of a release without the pause / resume / stop updates: it knows the
    signals only (as a worker not yet upgraded during a rolling deploy does)."""

    def __init__(self) -> None:
        self.paused = False

    @workflow.run
    async def run(self, inp: LeadInput) -> str:
        await workflow.wait_condition(lambda: self.paused)
        return "paused"

    @workflow.signal(name=LeadSignal.PAUSE)
    def pause(self) -> None:
        self.paused = True


async def test_pause_reaches_a_lead_run_by_an_older_worker_as_a_signal(ts_env, settings, db, smtp):
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    lead = await make_lead(db, await make_campaign(db, ws.id, STEPS))
    queue = st.task_queue
    async with Worker(
        ts_env.client,
        task_queue=queue,
        workflows=[_ReleaseBeforeUpdates],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        handle = await ts_env.client.start_workflow(
            _ReleaseBeforeUpdates.run,
            LeadInput(lead_id=lead.id, workspace_id=ws.id, campaign_id=lead.campaign_id),
            id=lead_workflow_id(lead.id),
            task_queue=queue,
        )
        app = create_app(st, ts_env.client)
        app.state.outreach = AppState(st, ts_env.client)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            resp = await http.post(
                f"{API}/leads/{lead.id}/pause", headers={"Authorization": f"Bearer {key}"}
            )
        await app.state.outreach.close()
        assert resp.status_code == 202, resp.text  # not a 422 "lead finished"
        assert await handle.result() == "paused"  # the older workflow got its signal


async def test_a_pause_during_a_slow_send_answers_202_and_applies_after_it(
    ts_env, settings, db, smtp, monkeypatch
):
    """The workflow takes the pause at once but is inside a send (the SMTP server takes 3 s
    to answer DATA): 202 with the row as it is, and the lead is paused once the send ends,
    before any later step."""
    monkeypatch.setattr(lead_routes, "APPLY_TIMEOUT", 0.5)
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    lead = await make_lead(db, await make_campaign(db, ws.id, STEPS))
    smtp.data_delay = 3.0
    app = create_app(st, ts_env.client)
    app.state.outreach = AppState(st, ts_env.client)
    transport = httpx.ASGITransport(app=app)
    async with (
        running_worker(ts_env.client, st, db),
        httpx.AsyncClient(transport=transport, base_url="http://t") as http,
    ):
        async with db.session() as s:
            await service.start(ts_env.client, st, s, lead, [])

        async def sending() -> bool:
            return any(x.status == "sending" for x in await sends_of(db, lead.id))

        await eventually(sending)
        resp = await http.post(
            f"{API}/leads/{lead.id}/pause", headers={"Authorization": f"Bearer {key}"}
        )
        assert resp.status_code == 202, resp.text
        assert resp.json()["status"] == "queued"  # the first step is still on its way

        async def paused() -> bool:
            return (await reload(db, Lead, lead.id)).status == "paused"

        await eventually(paused)
        assert [x.status for x in await sends_of(db, lead.id)] == ["sent"]
    await app.state.outreach.close()

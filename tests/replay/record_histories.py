"""Record workflow histories from the code as it is now, for the replay tests.

    make record-histories RELEASE=v0.2.0            # every scenario
    make record-histories RELEASE=v0.2.0 ONLY=lead_cap_deferral

Each scenario runs the real worker (every workflow and activity), a real SMTP server and
the database on its own time-skipping Temporal server, drives a lead (or a delivery, a
reply, a mailbox sync) down one path, and writes every run of every workflow it started
to `tests/replay/histories/<release>/<scenario>.<workflow type>.<n>.json`. Runs still
waiting (a lead between steps, a delivery between attempts) are written as they stand:
those are the histories a deploy meets in flight.

Histories are recorded once per release and never rewritten: `test_replay.py` replays
every file against the workflows as they are at each commit. When a change adds a path
through a workflow, add a scenario here and record it into the next release's folder.
This file is run on purpose (its name keeps it out of the normal suite).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from outreach.config import Settings
from outreach.contracts import (
    CAMPAIGN_SYNC_WORKFLOW,
    LEAD_QUERY_PROGRESS,
    HoldSignal,
    LeadSignal,
    LeadUpdate,
    Progress,
    ReplySignal,
    TouchSent,
)
from outreach.db import Database
from outreach.encryption.fields import seal_mailbox_password
from outreach.events import publish_events
from outreach.ids import new_id
from outreach.inbound.contracts import MAILBOX_SYNC_WORKFLOW
from outreach.leads.erasure import EraseRequest, address_erasure_id, lead_erasure_id
from outreach.leads.runs import erase_leads
from outreach.models import Campaign, ChannelTouch, Lead, Mailbox, Send, Suppression, utcnow
from tests.conftest import _TS_STARTS, settings_for, start_time_skipping
from tests.helpers import (
    WEEKDAYS,
    SmtpRecorder,
    advance_to,
    eventually,
    free_port,
    make_campaign,
    make_key,
    make_lead,
    make_workspace,
    reload,
    running_worker,
    sends_of,
    start_lead,
)

HERE = Path(__file__).resolve().parent
RELEASE = os.environ.get("OUTREACH_HISTORY_RELEASE", "unreleased")
ONLY = {x for x in os.environ.get("OUTREACH_HISTORY_ONLY", "").split(",") if x}
OUT = HERE / "histories" / RELEASE

THREE = [
    ("email", "P0D", "Hello {{firstName|there}}", "Hi {{firstName|there}}, one."),
    ("email", "P2D", None, "Two."),
    ("email", "P3D", None, "Three."),
]
WITH_TOUCH = [
    ("email", "P0D", "Hello {{firstName|there}}", "Hi {{firstName|there}}, one."),
    ("email", "P2D", None, "Two."),
    ("linkedin", "P1D", None, "Hi {{firstName}}, sent you a note."),
]


# -- recording -------------------------------------------------------------------------------


async def _settled(client: Client, workflow_id: str, run_id: str | None = None) -> None:
    """Wait until the run has no workflow task or activity in flight (or has closed)."""
    handle = client.get_workflow_handle(workflow_id, run_id=run_id)

    async def idle() -> bool:
        desc = await handle.describe()
        if desc.status != WorkflowExecutionStatus.RUNNING:
            return True
        raw = desc.raw_description
        return not raw.pending_activities and not raw.HasField("pending_workflow_task")

    await eventually(idle, within=30, every=0.05)


async def _runs(client: Client, workflow_id: str) -> list[tuple[str, Any]]:
    """(run id, history) of the latest run and of each run it continued from, oldest first."""
    out: list[tuple[str, Any]] = []
    run_id: str | None = (await client.get_workflow_handle(workflow_id).describe()).run_id
    while run_id:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        out.append((run_id, history))
        first = history.events[0]
        attrs = first.workflow_execution_started_event_attributes
        assert first.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED
        run_id = attrs.continued_execution_run_id or None
    return list(reversed(out))


class Recorder:
    def __init__(self, name: str, client: Client) -> None:
        self.name, self.client = name, client
        self.saved: dict[str, Path] = {}  # run id -> file
        self.count: dict[str, int] = {}

    async def snapshot(self, workflow_id: str) -> None:
        """Write the runs of this workflow id as they stand (call it before a later run
        with the same id replaces the latest)."""
        await _settled(self.client, workflow_id)
        for run_id, history in await _runs(self.client, workflow_id):
            events = history.events
            closed = events[-1].event_type in _CLOSING
            path = self.saved.get(run_id)
            if path is not None and json.loads(path.read_text())["closed"]:
                continue
            kind = events[0].workflow_execution_started_event_attributes.workflow_type.name
            if path is None:
                n = self.count[kind] = self.count.get(kind, 0) + 1
                path = OUT / f"{self.name}.{kind}.{n}.json"
            record = {
                "scenario": self.name,
                "workflowType": kind,
                "workflowId": workflow_id,
                "runId": run_id,
                "closed": closed,
                "events": len(events),
                "history": json.loads(history.to_json()),
            }
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
            self.saved[run_id] = path

    async def all_started(self) -> None:
        for workflow_id in sorted(_TS_STARTS.ids):
            await self.snapshot(workflow_id)


_CLOSING = {
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
}


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
async def ts_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_time_skipping()
    yield env
    await env.shutdown()


Scenario = Callable[["Run"], Awaitable[None]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(fn: Scenario) -> Scenario:
    SCENARIOS[fn.__name__] = fn
    return fn


class Run:
    """What a scenario works with."""

    def __init__(
        self,
        env: WorkflowEnvironment,
        st: Settings,
        db: Database,
        smtp: SmtpRecorder,
        rec: Recorder,
    ) -> None:
        self.env, self.client, self.st, self.db, self.smtp, self.rec = (
            env,
            env.client,
            st,
            db,
            smtp,
            rec,
        )

    async def lead(self, steps: list | None = None, **campaign_kw: Any) -> tuple[Lead, Any]:
        ws = await make_workspace(self.db)
        camp = await make_campaign(self.db, ws.id, steps or THREE, **campaign_kw)
        lead = await make_lead(self.db, camp)
        handle = await start_lead(self.client, self.st, self.db, lead)
        return lead, handle

    async def sent(self, lead_id: str, count: int) -> None:
        async def enough() -> bool:
            sends = await sends_of(self.db, lead_id)
            return len([s for s in sends if s.status == "sent"]) >= count

        await eventually(enough, within=30)

    async def result(self, handle: Any) -> Any:
        """The result of a workflow this handle did not start, skipping timers meanwhile."""
        async with self.env.time_skipping_unlocked():
            return await handle.result()

    async def status(self, lead_id: str, *statuses: str) -> None:
        async def reached() -> bool:
            return (await reload(self.db, Lead, lead_id)).status in statuses

        await eventually(reached, within=30)


# -- lead scenarios --------------------------------------------------------------------------


@scenario
async def lead_completed_3_steps(r: Run) -> None:
    """Email, threaded follow-up, then a LinkedIn touch the founder marks sent."""
    lead, handle = await r.lead(WITH_TOUCH)

    async def touch() -> ChannelTouch | None:
        async with r.db.session() as s:
            from sqlmodel import select

            return (
                await s.exec(select(ChannelTouch).where(ChannelTouch.lead_id == lead.id))
            ).first()

    assert await handle.result() == "completed"
    row = await eventually(touch)
    await r.rec.snapshot(handle.id)
    # Marking the touch sent after the sequence ended: a short signal-only run.
    from outreach.leads.runs import signal_lead

    await signal_lead(
        r.client,
        r.st,
        await reload(r.db, Lead, lead.id),
        LeadSignal.TOUCH_SENT,
        TouchSent(lead_id=lead.id, touch_id=row.id, at=utcnow()),
    )
    await r.client.get_workflow_handle(handle.id).result()


@scenario
async def lead_touch_marked_sent_while_running(r: Run) -> None:
    steps = [
        ("linkedin", "P0D", None, "Hi {{firstName}}."),
        ("email", "P2D", "Hello", "One."),
    ]
    lead, handle = await r.lead(steps)

    async def touch() -> ChannelTouch | None:
        async with r.db.session() as s:
            from sqlmodel import select

            return (
                await s.exec(select(ChannelTouch).where(ChannelTouch.lead_id == lead.id))
            ).first()

    row = await eventually(touch)
    await handle.signal(
        LeadSignal.TOUCH_SENT, TouchSent(lead_id=lead.id, touch_id=row.id, at=utcnow())
    )
    assert await handle.result() == "completed"


@scenario
async def lead_touch_marked_sent_during_the_last_send(r: Run) -> None:
    """The founder marks the touch sent while the lead's last email is inside DATA: the
    touch is recorded before the run ends (the LATE_TOUCHES_PATCH path)."""
    steps = [
        ("linkedin", "P0D", None, "Hi {{firstName}}."),
        ("email", "PT1S", "Hello", "One."),
    ]
    r.smtp.data_delay = 2.0
    try:
        lead, handle = await r.lead(steps)

        async def touch() -> ChannelTouch | None:
            async with r.db.session() as s:
                return (
                    await s.exec(select(ChannelTouch).where(ChannelTouch.lead_id == lead.id))
                ).first()

        row = await eventually(touch)

        async def sending() -> bool:
            return any(x.status == "sending" for x in await sends_of(r.db, lead.id))

        async with r.env.time_skipping_unlocked():
            await eventually(sending, within=30)
        await handle.signal(
            LeadSignal.TOUCH_SENT, TouchSent(lead_id=lead.id, touch_id=row.id, at=utcnow())
        )
        assert await handle.result() == "completed"
    finally:
        r.smtp.data_delay = 0.0
    assert (await reload(r.db, ChannelTouch, row.id)).status == "sent"


@scenario
async def lead_paused_and_resumed(r: Run) -> None:
    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    await handle.signal(LeadSignal.PAUSE)
    await r.status(lead.id, "paused")
    await r.env.sleep(timedelta(days=6))
    await handle.signal(LeadSignal.RESUME)
    assert await handle.result() == "completed"


@scenario
async def lead_paused_in_flight(r: Run) -> None:
    """Left paused: the history a deploy meets for a lead an operator paused."""
    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    await handle.signal(LeadSignal.PAUSE)
    await r.status(lead.id, "paused")


@scenario
async def lead_waiting_for_step_2(r: Run) -> None:
    """Left waiting on its timer between steps."""
    lead, handle = await r.lead()
    await r.sent(lead.id, 1)


@scenario
async def lead_replied_mid_sequence(r: Run) -> None:
    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    await handle.signal(LeadSignal.REPLY, ReplySignal(reply_id="reply_rec1", label="interested"))
    assert await handle.result() == "replied"


@scenario
async def lead_unsubscribed(r: Run) -> None:
    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    await handle.signal(LeadSignal.UNSUBSCRIBE, "link")
    assert await handle.result() == "unsubscribed"


@scenario
async def lead_bounced_by_signal(r: Run) -> None:
    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    await handle.signal(LeadSignal.BOUNCE, "dsn")
    assert await handle.result() == "bounced"


@scenario
async def lead_hard_bounce_at_rcpt(r: Run) -> None:
    ws = await make_workspace(r.db)
    camp = await make_campaign(r.db, ws.id, THREE)
    lead = await make_lead(r.db, camp, "nobody@example.com")
    r.smtp.rcpt_replies["nobody@example.com"] = ["550 5.1.1 No such user"]
    handle = await start_lead(r.client, r.st, r.db, lead)
    assert await handle.result() == "bounced"


@scenario
async def lead_stopped(r: Run) -> None:
    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    await handle.signal(LeadSignal.STOP)
    assert await handle.result() == "stopped"


@scenario
async def lead_send_next(r: Run) -> None:
    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    result = await handle.execute_update(LeadUpdate.SEND_NEXT)
    assert result["outcome"] == "sent"
    assert await handle.result() == "completed"


@scenario
async def lead_controlled_by_updates(r: Run) -> None:
    """v0.2.0: pause, resume, send-next and stop as updates answered once applied."""
    lead, handle = await r.lead([*THREE, ("email", "P3D", None, "Four.")])
    await r.sent(lead.id, 1)
    assert (await handle.execute_update(LeadUpdate.PAUSE, result_type=Progress)).status == "paused"
    await r.env.sleep(timedelta(days=3))
    resumed = await handle.execute_update(LeadUpdate.RESUME, result_type=Progress)
    assert resumed.status == "active"
    assert (await handle.execute_update(LeadUpdate.SEND_NEXT))["outcome"] == "sent"
    assert (await handle.execute_update(LeadUpdate.STOP, result_type=Progress)).status == "stopped"
    assert await handle.result() == "stopped"


@scenario
async def lead_pause_update_overtaken_by_resume(r: Run) -> None:
    """v0.2.0: a pause taken during a slow send, then a resume before it applied: the
    pause update answers, the lead goes on."""
    from temporalio.client import WorkflowUpdateStage

    r.smtp.data_delay = 2.0
    lead, handle = await r.lead()

    async def sending() -> bool:
        return any(x.status == "sending" for x in await sends_of(r.db, lead.id))

    await eventually(sending)
    pause = await handle.start_update(
        LeadUpdate.PAUSE, wait_for_stage=WorkflowUpdateStage.ACCEPTED, result_type=Progress
    )
    await handle.signal(LeadSignal.RESUME)
    assert (await pause.result()).status in ("queued", "active")
    r.smtp.data_delay = 0.0
    assert await handle.result() == "completed"


@scenario
async def lead_send_next_refused_when_paused(r: Run) -> None:
    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    await handle.signal(LeadSignal.PAUSE)
    await r.status(lead.id, "paused")
    with pytest.raises(Exception):  # noqa: B017 - the update's validator refuses it
        await handle.execute_update(LeadUpdate.SEND_NEXT)
    await handle.signal(LeadSignal.STOP)
    assert await handle.result() == "stopped"


@scenario
async def lead_out_of_office_hold(r: Run) -> None:
    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    now = await r.env.get_current_time()
    await handle.signal(
        LeadSignal.HOLD_UNTIL, HoldSignal(until=now + timedelta(days=10), reply_id="reply_ooo1")
    )
    assert await handle.result() == "completed"


@scenario
async def lead_cap_deferral(r: Run) -> None:
    """A daily cap of 1: the second lead waits for the next day."""
    ws = await make_workspace(r.db)
    camp = await make_campaign(r.db, ws.id, [("email", "P0D", "Hi", "One.")], daily_cap=1)
    first = await make_lead(r.db, camp)
    second = await make_lead(r.db, camp)
    h1 = await start_lead(r.client, r.st, r.db, first)
    await r.sent(first.id, 1)
    h2 = await start_lead(r.client, r.st, r.db, second)
    assert await h1.result() == "completed"
    assert await h2.result() == "completed"


@scenario
async def lead_window_deferral(r: Run) -> None:
    """Started on a Friday evening in New York: step 1 waits for Monday 09:00."""
    now = (await r.env.get_current_time()).astimezone(_NY)
    day = now.date() + timedelta(days=1)
    while day.weekday() != 4:
        day += timedelta(days=1)
    await advance_to(r.env, datetime(day.year, day.month, day.day, 18, 30, tzinfo=_NY))
    lead, handle = await r.lead(
        [("email", "P0D", "Hi", "One."), ("email", "PT1H", None, "Two.")],
        timezone="America/New_York",
        window=WEEKDAYS,
    )
    assert await handle.result() == "completed"


@scenario
async def lead_campaign_paused_and_resumed(r: Run) -> None:
    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    await _set_campaign(r.db, lead.campaign_id, "paused")
    await handle.signal(LeadSignal.CAMPAIGN_CHANGED)
    await r.env.sleep(timedelta(days=1))
    await _set_campaign(r.db, lead.campaign_id, "active")
    await handle.signal(LeadSignal.CAMPAIGN_CHANGED)
    assert await handle.result() == "completed"


@scenario
async def lead_campaign_archived(r: Run) -> None:
    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    await _set_campaign(r.db, lead.campaign_id, "archived")
    await handle.signal(LeadSignal.CAMPAIGN_CHANGED)
    assert await handle.result() == "stopped"


@scenario
async def lead_smtp_failing_then_resumed(r: Run) -> None:
    """SMTP keeps answering 451: the lead is paused `send_failed`; resumed once it works."""
    ws = await make_workspace(r.db)
    camp = await make_campaign(r.db, ws.id, THREE[:2])
    lead = await make_lead(r.db, camp, "busy@example.com")
    r.smtp.rcpt_replies["busy@example.com"] = ["451 4.7.1 try again later"]
    handle = await start_lead(r.client, r.st, r.db, lead)
    await r.env.sleep(timedelta(hours=2))
    await r.status(lead.id, "paused")
    r.smtp.rcpt_replies.clear()
    await handle.signal(LeadSignal.RESUME)
    assert await handle.result() == "completed"


@scenario
async def lead_render_failed_then_resumed(r: Run) -> None:
    """v0.2.0: a message that cannot be built pauses the lead at once; fixed, resumed."""
    ws = await make_workspace(r.db)
    camp = await make_campaign(r.db, ws.id, [("email", "P0D", "Hi", "{{big}}")])
    lead = await make_lead(r.db, camp, custom_fields={"big": "x" * 250_000})
    handle = await start_lead(r.client, r.st, r.db, lead)
    await r.status(lead.id, "paused")
    async with r.db.session() as s:
        row = await s.get(Lead, lead.id)
        assert row is not None
        row.custom_fields = {"big": "fine"}
        s.add(row)
        await s.commit()
    await handle.signal(LeadSignal.RESUME)
    assert await handle.result() == "completed"


@scenario
async def lead_created_suppressed(r: Run) -> None:
    ws = await make_workspace(r.db)
    camp = await make_campaign(r.db, ws.id, THREE)
    lead = await make_lead(r.db, camp, status="unsubscribed", status_reason="suppressed (manual)")
    handle = await start_lead(r.client, r.st, r.db, lead)
    assert await handle.result() == "unsubscribed"


@scenario
async def lead_late_reply_after_completion(r: Run) -> None:
    """A reply after the last step: signal-with-start runs a short signal-only run."""
    from outreach.leads.runs import signal_lead

    lead, handle = await r.lead([("email", "P0D", "Hi", "One.")])
    assert await handle.result() == "completed"
    await r.rec.snapshot(handle.id)
    await signal_lead(
        r.client,
        r.st,
        await reload(r.db, Lead, lead.id),
        LeadSignal.REPLY,
        ReplySignal(reply_id="reply_late1", label="not_interested"),
    )
    assert await r.client.get_workflow_handle(handle.id).result() == "replied"


@scenario
async def lead_continue_as_new_chain(r: Run) -> None:
    ws = await make_workspace(r.db)
    camp = await make_campaign(r.db, ws.id, THREE)
    lead = await make_lead(r.db, camp)
    handle = await start_lead(r.client, r.st, r.db, lead, history_limit=60)
    await r.sent(lead.id, 1)
    for _ in range(12):
        await _signal_latest(r.client, handle.id, LeadSignal.PAUSE)
        await r.status(lead.id, "paused")
        await _signal_latest(r.client, handle.id, LeadSignal.RESUME)
        await r.status(lead.id, "active")
    assert await r.result(r.client.get_workflow_handle(handle.id)) == "completed"


# -- other workflows -------------------------------------------------------------------------


@scenario
async def webhook_delivery_retried_then_delivered(r: Run) -> None:
    from tests.webhooks.conftest import make_endpoint, make_event
    from tests.webhooks.receiver import receiving, script

    async with receiving(script(503, 502, 200), clock=r.env.get_current_time) as recv:
        ws = await make_workspace(r.db)
        endpoint = await make_endpoint(r.db, ws.id, recv.url + "/hook")
        event_id = await make_event(r.db, ws.id)
        assert await publish_events(r.db, r.client, r.st.webhook_task_queue, [event_id]) == 1
        from outreach.temporal import webhook_workflow_id

        handle = r.client.get_workflow_handle(webhook_workflow_id(event_id, endpoint.id))
        assert (await r.result(handle))["status"] == "delivered"


@scenario
async def webhook_delivery_failed_after_four(r: Run) -> None:
    from tests.webhooks.conftest import make_endpoint, make_event
    from tests.webhooks.receiver import always, receiving

    async with receiving(always(500), clock=r.env.get_current_time) as recv:
        ws = await make_workspace(r.db)
        endpoint = await make_endpoint(r.db, ws.id, recv.url + "/hook")
        event_id = await make_event(r.db, ws.id)
        assert await publish_events(r.db, r.client, r.st.webhook_task_queue, [event_id]) == 1
        from outreach.temporal import webhook_workflow_id

        handle = r.client.get_workflow_handle(webhook_workflow_id(event_id, endpoint.id))
        assert (await r.result(handle))["status"] == "failed"


@scenario
async def webhook_delivery_waiting_for_attempt_2(r: Run) -> None:
    from tests.webhooks.conftest import make_endpoint, make_event
    from tests.webhooks.receiver import always, receiving

    async with receiving(always(500), clock=r.env.get_current_time) as recv:
        ws = await make_workspace(r.db)
        await make_endpoint(r.db, ws.id, recv.url + "/hook")
        event_id = await make_event(r.db, ws.id)
        assert await publish_events(r.db, r.client, r.st.webhook_task_queue, [event_id]) == 1
        await eventually(lambda: recv.hits)


@scenario
async def inbound_reply_stops_the_lead(r: Run) -> None:
    """POST /inbound: the reply workflow matches, classifies and applies the label."""
    from tests.replies.helpers import RFC822, api, auth, message

    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    send = (await sends_of(r.db, lead.id))[0]
    key = await make_key(r.db, lead.workspace_id)
    raw = message(sender=lead.email, body="Sounds good, tell me more.", in_reply_to=send.message_id)
    async with api(r.st, r.client) as http:
        answer = await http.post(
            "/api/v1/outreach/inbound", content=raw, headers={**RFC822, **auth(key)}
        )
    assert answer.status_code == 202, answer.text
    assert await r.client.get_workflow_handle(f"reply-{answer.json()['id']}").result()
    assert await handle.result() == "replied"


@scenario
async def inbound_dsn_bounces_the_lead(r: Run) -> None:
    from tests.replies.helpers import RFC822, api, auth, dsn

    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    send: Send = (await sends_of(r.db, lead.id))[0]
    key = await make_key(r.db, lead.workspace_id)
    async with api(r.st, r.client) as http:
        answer = await http.post(
            "/api/v1/outreach/inbound", content=dsn(send), headers={**RFC822, **auth(key)}
        )
    assert answer.status_code == 202, answer.text
    assert await r.client.get_workflow_handle(f"reply-{answer.json()['id']}").result() == "bounced"
    assert await handle.result() == "bounced"


@scenario
async def mailbox_sync_unreachable(r: Run) -> None:
    ws = await make_workspace(r.db)
    async with r.db.session() as s:
        mailbox_id = "mbx_" + os.urandom(6).hex()
        mailbox = Mailbox(
            id=mailbox_id,
            workspace_id=ws.id,
            host="127.0.0.1",
            port=free_port(),
            security="none",
            username="u",
            password=seal_mailbox_password(r.db.settings.keyring(), mailbox_id, "p"),
        )
        s.add(mailbox)
        await s.commit()
    handle = await r.client.start_workflow(
        MAILBOX_SYNC_WORKFLOW,
        mailbox.id,
        id=f"mailbox-sync-{mailbox.id}",
        task_queue=r.st.task_queue,
    )
    await handle.result()


@scenario
async def campaign_sync_signals_leads(r: Run) -> None:
    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    sync = await r.client.start_workflow(
        CAMPAIGN_SYNC_WORKFLOW,
        lead.campaign_id,
        id=f"campaign-sync-{lead.campaign_id}",
        task_queue=r.st.task_queue,
    )
    assert await sync.result() == 1


# -- assistive actions (v0.3.0) ----------------------------------------------------------------


async def _classified_reply(r: Run, text: str) -> tuple[Lead, str, str]:
    """(lead, API key, reply id) of a lead whose first email got this reply."""
    from tests.replies.helpers import RFC822, api, auth, message

    lead, handle = await r.lead()
    await r.sent(lead.id, 1)
    send = (await sends_of(r.db, lead.id))[0]
    key = await make_key(r.db, lead.workspace_id)
    raw = message(sender=lead.email, body=text, in_reply_to=send.message_id)
    async with api(r.st, r.client) as http:
        answer = await http.post(
            "/api/v1/outreach/inbound", content=raw, headers={**RFC822, **auth(key)}
        )
    assert answer.status_code == 202, answer.text
    reply_id = answer.json()["id"]
    await r.client.get_workflow_handle(f"reply-{reply_id}").result()
    await handle.result()
    return lead, key, reply_id


async def _draft(r: Run, key: str, reply_id: str) -> dict[str, Any]:
    from tests.replies.helpers import api, auth

    async with api(r.st, r.client) as http:
        answer = await http.post(f"/api/v1/outreach/replies/{reply_id}/draft", headers=auth(key))
    assert answer.status_code == 201, answer.text
    return answer.json()


@contextlib.contextmanager
def _model_env(answers: list[str]) -> Iterator[None]:
    from tests.assist.conftest import serving_model

    names = ("OUTREACH_LLM_BASE_URL", "OUTREACH_LLM_MODEL", "OUTREACH_LLM_TIMEOUT")
    with serving_model() as fake:
        fake.answers = answers
        os.environ.update(dict(zip(names, (fake.url, "fake-model-1", "0.5"), strict=True)))
        try:
            yield
        finally:
            for name in names:
                os.environ.pop(name, None)


@scenario
async def draft_reply_builtin(r: Run) -> None:
    _, key, reply_id = await _classified_reply(r, "Happy to chat. Can we book a call Thursday?")
    assert (await _draft(r, key, reply_id))["source"] == "template"


@scenario
async def draft_reply_by_model(r: Run) -> None:
    _, key, reply_id = await _classified_reply(r, "How much does it cost per month?")
    with _model_env(['{"subject": "Re: Hello", "body": "It is 49 a month."}']):
        assert (await _draft(r, key, reply_id))["source"] == "model"


@scenario
async def draft_reply_model_failed_then_builtin(r: Run) -> None:
    _, key, reply_id = await _classified_reply(r, "Sounds interesting, tell me more.")
    with _model_env(["not json at all"]):
        draft = await _draft(r, key, reply_id)
    assert draft["source"] == "template" and draft["note"]


@scenario
async def reply_answer_sent(r: Run) -> None:
    from tests.replies.helpers import api, auth

    _, key, reply_id = await _classified_reply(r, "How much does it cost per month?")
    draft = await _draft(r, key, reply_id)
    async with api(r.st, r.client) as http:
        answer = await http.post(
            f"/api/v1/outreach/replies/{reply_id}/send",
            json={"draftId": draft["id"]},
            headers=auth(key),
        )
    assert answer.status_code == 200 and answer.json()["status"] == "sent", answer.text


@scenario
async def reply_answer_failed_then_sent(r: Run) -> None:
    """SMTP defers the answer until the retries run out (failed, `send.failed`); sending
    the same text again is a new run that sends it."""
    from tests.replies.helpers import api, auth

    lead, key, reply_id = await _classified_reply(r, "How much does it cost per month?")
    r.smtp.rcpt_replies[lead.email.lower()] = ["450 4.2.1 Mailbox busy"]
    answer = {"subject": "Re: price", "body": "49 a month."}
    async with api(r.st, r.client) as http:
        first = await http.post(
            f"/api/v1/outreach/replies/{reply_id}/send", json=answer, headers=auth(key)
        )
        assert first.status_code in (200, 202), first.text

        async def failed() -> bool:
            return (await reload(r.db, Send, first.json()["id"])).status == "failed"

        async with r.env.time_skipping_unlocked():
            await eventually(failed, within=60)
        await r.rec.snapshot(f"reply-send-{(await _draft_id(r, reply_id))}")
        r.smtp.rcpt_replies.pop(lead.email.lower())
        again = await http.post(
            f"/api/v1/outreach/replies/{reply_id}/send", json=answer, headers=auth(key)
        )
    assert again.status_code == 200 and again.json()["status"] == "sent", again.text


async def _draft_id(r: Run, reply_id: str) -> str:
    from outreach.models import ReplyDraft

    async with r.db.session() as s:
        return (await s.exec(select(ReplyDraft.id).where(ReplyDraft.reply_id == reply_id))).one()


@scenario
async def touch_regenerated(r: Run) -> None:
    from tests.replies.helpers import api, auth

    lead, _ = await r.lead(
        [("linkedin", "P0D", None, "{Hi|Hello|Hey} {{firstName}}"), ("email", "P5D", "Hi", "Hi")]
    )
    key = await make_key(r.db, lead.workspace_id)

    async def queued() -> ChannelTouch | None:
        async with r.db.session() as s:
            return (
                await s.exec(select(ChannelTouch).where(ChannelTouch.lead_id == lead.id))
            ).first()

    touch = await eventually(queued, within=30)
    async with api(r.st, r.client) as http:
        answer = await http.post(
            f"/api/v1/outreach/channel-touches/{touch.id}/regenerate", headers=auth(key)
        )
    assert answer.status_code == 200, answer.text
    with _model_env(['{"text": "Sam, loved the launch."}']):
        async with api(r.st, r.client) as http:
            answer = await http.post(
                f"/api/v1/outreach/channel-touches/{touch.id}/regenerate", headers=auth(key)
            )
    assert answer.status_code == 200 and answer.json()["text"] == "Sam, loved the launch."


# -- the outbox sweeper (v0.3.0) ---------------------------------------------------------------


@scenario
async def outbox_sweep_delivers_a_pending_start(r: Run) -> None:
    """A lead saved while Temporal was away: one sweep round starts its workflow."""
    from datetime import timedelta as _td

    from outreach import outbox
    from outreach.models import OutboxItem

    ws = await make_workspace(r.db)
    camp = await make_campaign(r.db, ws.id, THREE)
    lead = await make_lead(r.db, camp)
    async with r.db.session() as s:
        outbox.add_lead_start(s, lead)
        await s.commit()
        item = (await s.exec(select(OutboxItem).where(OutboxItem.lead_id == lead.id))).one()
        item.created_at = item.created_at - outbox.MIN_AGE - _td(seconds=1)
        s.add(item)
        await s.commit()
    handle = await r.client.start_workflow(
        outbox.OUTBOX_SWEEP_WORKFLOW,
        id=f"{outbox.SWEEP_WORKFLOW_ID}-{lead.id}",
        task_queue=r.st.task_queue,
        result_type=outbox.SweepResult,
    )
    assert (await handle.result()).delivered == 1
    await r.sent(lead.id, 1)


# -- the counters roll-up (v0.4.0) -------------------------------------------------------------


@scenario
async def counters_rollup_folds_pending_deltas(r: Run) -> None:
    """Leads enrolled: their counter deltas are folded in by one roll-up round."""
    from outreach.campaigns import rollup

    ws = await make_workspace(r.db)
    camp = await make_campaign(r.db, ws.id, THREE)
    for _ in range(3):
        await make_lead(r.db, camp)
    folded = await r.client.execute_workflow(
        rollup.ROLLUP_WORKFLOW,
        id=f"{rollup.ROLLUP_WORKFLOW_ID}-{camp.id}",
        task_queue=r.st.task_queue,
        result_type=int,
    )
    assert folded >= 6  # two counters per lead, at least


# -- helpers ---------------------------------------------------------------------------------

from zoneinfo import ZoneInfo  # noqa: E402

_NY = ZoneInfo("America/New_York")


async def _set_campaign(db: Database, campaign_id: str, status: str) -> None:
    async with db.session() as s:
        camp = await s.get(Campaign, campaign_id)
        assert camp is not None
        camp.status = status
        camp.updated_at = datetime.now(UTC)
        s.add(camp)
        await s.commit()


async def _signal_latest(client: Client, workflow_id: str, name: str) -> None:
    import asyncio

    from temporalio.service import RPCError, RPCStatusCode

    for attempt in range(50):
        try:
            return await client.get_workflow_handle(workflow_id).signal(name)
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND or attempt == 49:
                raise
            await asyncio.sleep(0.02)


# -- erasure (0.4.0) ---------------------------------------------------------------------------


@scenario
async def erasure_of_a_waiting_lead(r: Run) -> None:
    """DELETE /leads/{id}: the lead (waiting for step 2) ended, its rows deleted, its
    executions deleted (the time-skipping server keeps them: counted)."""
    lead, _ = await r.lead()
    await r.sent(lead.id, 1)
    req = EraseRequest(lead.workspace_id, [lead.id])
    result = await erase_leads(r.client, r.st, lead_erasure_id(lead.id), req, wait=30)
    assert result is not None and result.counts.leads == 1
    assert await reload(r.db, Lead, lead.id) is None


@scenario
async def erasure_of_an_address_without_leads(r: Run) -> None:
    """POST /erasure for an address only the suppression list knows: no lead to end, the
    entry hashed."""
    ws = await make_workspace(r.db)
    entry = Suppression(
        id=new_id("sup"), workspace_id=ws.id, email="gone@example.com", reason="unsubscribed"
    )
    async with r.db.session() as s:
        s.add(entry)
        await s.commit()
    req = EraseRequest(ws.id, suppression_ids=[entry.id])
    wid = address_erasure_id(ws.id, "gone@example.com")
    result = await erase_leads(r.client, r.st, wid, req, wait=30)
    assert result is not None and result.counts.suppressions_hashed == 1


# -- sending mailboxes (0.5.0) ------------------------------------------------------------------


async def _mailbox_campaign(r: Run, srv: Any, **mailbox_kw: Any) -> tuple[Campaign, Mailbox]:
    from tests.mailboxes.helpers import make_sending_mailbox, use_mailboxes

    ws = await make_workspace(r.db)
    camp = await make_campaign(r.db, ws.id, THREE[:2])
    mailbox = await make_sending_mailbox(r.db, r.st, ws.id, srv, **mailbox_kw)
    await use_mailboxes(r.db, camp.id, [mailbox.id])
    return camp, mailbox


@scenario
async def mailbox_slot_wait(r: Run) -> None:
    """Two leads on one mailbox with a 10-minute gap: the second sleeps until its reserved
    slot (`mailbox_slot`), then both follow up from the mailbox."""
    from tests.smtp_servers import smtp_server

    async with smtp_server(username="u", password="p") as srv:
        camp, _ = await _mailbox_campaign(r, srv, min_gap_seconds=600)
        leads = [await make_lead(r.db, camp) for _ in range(2)]
        handles = [await start_lead(r.client, r.st, r.db, lead) for lead in leads]
        for h in handles:
            assert await h.result() == "completed"


@scenario
async def mailbox_paused_then_resumed(r: Run) -> None:
    """Step 2 falls due while the lead's mailbox is paused (`mailbox_paused`); the resume
    wakes the campaign's leads and step 2 goes out from the same mailbox."""
    from outreach.campaigns.service import notify_running_leads
    from tests.smtp_servers import smtp_server

    async with smtp_server(username="u", password="p") as srv:
        camp, mailbox = await _mailbox_campaign(r, srv, min_gap_seconds=0)
        lead = await make_lead(r.db, camp)
        handle = await start_lead(r.client, r.st, r.db, lead)
        await r.sent(lead.id, 1)
        await _set_mailbox(r.db, mailbox.id, "paused")
        await r.env.sleep(timedelta(days=2, hours=1))

        async def waiting() -> bool:
            p = await handle.query(LEAD_QUERY_PROGRESS)
            return p["waitingFor"] == "mailbox_paused"

        await eventually(waiting, within=30)
        await _set_mailbox(r.db, mailbox.id, "active")
        await notify_running_leads(r.client, r.st, camp.id)
        assert await handle.result() == "completed"


async def _set_mailbox(db: Database, mailbox_id: str, status: str) -> None:
    async with db.session() as s:
        m = await s.get(Mailbox, mailbox_id)
        assert m is not None
        m.send_status = status
        m.status_reason = "paused by request" if status == "paused" else None
        s.add(m)
        await s.commit()


# -- lead enrichment (0.6.0) -------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _enrichment_servers(r: Run) -> AsyncIterator[Any]:
    """The loopback DNS server and site of tests/enrichment, the worker's resolver pointed
    at that server (the worker holds this settings object), page fetches cut at 1 s."""
    from tests.enrichment.servers import dns_server, website

    with dns_server() as dns, website() as site:
        r.st.dns_nameservers = dns.nameservers
        r.st.enrich_fetch_timeout = 1.0
        yield site


async def _enrich(r: Run, email: str, website: str | None) -> None:
    from outreach.enrichment.contracts import EnrichDone, EnrichRequest
    from outreach.enrichment.runs import start_enrichment

    ws = await make_workspace(r.db)
    camp = await make_campaign(r.db, ws.id, THREE[:1])
    lead = await make_lead(r.db, camp, email)
    handle = await start_enrichment(r.client, r.st, EnrichRequest(lead.id, website))
    done = await handle.result()
    assert isinstance(done, EnrichDone)


@scenario
async def enrich_lead_site_and_mx(r: Run) -> None:
    """MX found; the home page (JSON-LD, OpenGraph) and its about page read, robots.txt
    read once by the page activity (never in the history); no model configured."""
    async with _enrichment_servers(r) as site:
        await _enrich(r, "sam@acmewidgets.io", site.url + "/")


@scenario
async def enrich_lead_address_fallback_and_robots_refusal(r: Run) -> None:
    """No MX: A then AAAA asked; the about page is one robots.txt forbids."""
    async with _enrichment_servers(r) as site:
        await _enrich(r, "info@nomx-but-a.io", site.url + "/b/")


@scenario
async def enrich_lead_dns_and_fetch_failing(r: Run) -> None:
    """SERVFAIL on MX (three tries, then `unknown`); the home page too slow twice (a
    `failed` source); the about page read."""
    async with _enrichment_servers(r) as site:
        await _enrich(r, "sam@broken-dns.io", site.url + "/slow")


@scenario
async def enrich_lead_robots_unreachable(r: Run) -> None:
    """robots.txt answers 503 twice (the page activity's retries): nothing of the site is
    fetched (RFC 9309)."""
    async with _enrichment_servers(r) as site:
        site.robots_status = 503
        await _enrich(r, "sam@acmewidgets.io", site.url + "/")


@scenario
async def enrich_lead_domain_not_found(r: Run) -> None:
    """NXDOMAIN on MX: `undeliverable`, and no site to read (no website given, the email's
    domain does not exist), so no fetch and no model call."""
    async with _enrichment_servers(r):
        await _enrich(r, "sam@no-such-company.io", None)


@scenario
async def enrich_lead_with_model(r: Run) -> None:
    """The model writes the summary and the opener."""
    from tests.assist.conftest import serving_model

    async with _enrichment_servers(r) as site:
        with serving_model() as fake:
            fake.answers = ['{"summary": "Acme makes widgets.", "opener": "Nice widgets."}']
            os.environ["OUTREACH_LLM_BASE_URL"] = fake.url
            os.environ["OUTREACH_LLM_MODEL"] = "fake-model-1"
            try:
                await _enrich(r, "sam@acmewidgets.io", site.url + "/")
            finally:
                del os.environ["OUTREACH_LLM_BASE_URL"], os.environ["OUTREACH_LLM_MODEL"]


# -- lead discovery (0.7.0) -------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _discovery_servers(r: Run) -> AsyncIterator[Any]:
    """The loopback company sites, search engine and DNS zones of tests/discovery, the
    worker's resolver pointed at that DNS server (the worker holds this settings object)."""
    from tests.discovery.servers import (
        MAIL_ZONES,
        bluebird_pages,
        company_site,
        northwind_pages,
        nullmx_pages,
        search_engine,
    )
    from tests.enrichment.servers import dns_server

    with (
        dns_server(MAIL_ZONES) as dns,
        company_site(northwind_pages()) as northwind,
        company_site(bluebird_pages()) as bluebird,
        company_site(nullmx_pages()) as nullmx,
        search_engine() as search,
    ):
        r.st.dns_nameservers = dns.nameservers
        r.st.enrich_fetch_timeout = 1.0
        r.st.discovery_crawl_delay = 0.5
        yield {"northwind": northwind, "bluebird": bluebird, "nullmx": nullmx, "search": search}


async def _discover(
    r: Run, camp: Campaign, icp: str | None, domains: list[str], limit: int, row: bool = True
) -> None:
    from outreach.discovery import service
    from outreach.discovery.contracts import DiscoveryDone, DiscoveryRequest
    from outreach.discovery.runs import start_discovery

    req = DiscoveryRequest(new_id("disc"), camp.workspace_id, camp.id, icp, domains, limit)
    if row:  # as the API does; a parent workflow leaves it to the run
        async with r.db.session() as s:
            s.add(service.new_run(req))
            await s.commit()
    handle = await start_discovery(r.client, r.st, req)
    done = await handle.result()
    assert isinstance(done, DiscoveryDone)


ICP = "Founders, heads of marketing and sales leaders at specialty coffee roasters"


@scenario
async def discovery_seeded_site(r: Run) -> None:
    """A seed site with five people over its home and team pages (one page robots.txt
    forbids, a pause between pages): MX asked once, two leads created, one suppressed, one
    duplicate, one not matching the ICP."""
    async with _discovery_servers(r) as servers:
        ws = await make_workspace(r.db)
        camp = await make_campaign(r.db, ws.id, THREE[:1])
        await make_lead(r.db, camp, "dan.kim@northwind.io")
        async with r.db.session() as s:
            s.add(Suppression(id=new_id("sup"), workspace_id=ws.id,
                              email="carla.mendes@northwind.io", reason="manual"))  # fmt: skip
            await s.commit()
        await _discover(r, camp, ICP, [servers["northwind"].url], 10)


@scenario
async def discovery_search_with_model_and_hostile_pages(r: Run) -> None:
    """Search on, the model writes the query; a social profile skipped, a metadata address
    refused; a redirect, a page over 1 MB, a slow page (two tries), a redirect to the
    metadata address; a null-MX domain (A and AAAA not asked); the limit reached."""
    from tests.assist.conftest import serving_model

    async with _discovery_servers(r) as servers:
        search = servers["search"]
        search.results = {
            "coffee roasters": [
                "https://www.linkedin.com/company/bluebird",
                servers["bluebird"].url + "en/",
                "http://169.254.169.254/latest/meta-data/",
                servers["nullmx"].url,
            ]
        }
        r.st.search_url = search.url
        ws = await make_workspace(r.db)
        camp = await make_campaign(r.db, ws.id, THREE[:1])
        with serving_model() as fake:
            fake.answers = ['{"queries": ["coffee roasters"], "roles": ["founder"]}']
            os.environ["OUTREACH_LLM_BASE_URL"] = fake.url
            os.environ["OUTREACH_LLM_MODEL"] = "fake-model-1"
            try:
                await _discover(r, camp, ICP, [], 1)
            finally:
                del os.environ["OUTREACH_LLM_BASE_URL"], os.environ["OUTREACH_LLM_MODEL"]
                r.st.search_url = None


@scenario
async def discovery_started_by_a_parent_for_an_archived_campaign(r: Run) -> None:
    """No row yet (an autopilot parent only starts the run): the run writes it, finds the
    campaign archived and ends `failed` without reading anything."""
    async with _discovery_servers(r) as servers:
        ws = await make_workspace(r.db)
        camp = await make_campaign(r.db, ws.id, THREE[:1])
        await _set_campaign(r.db, camp.id, "archived")
        await _discover(r, camp, None, [servers["nullmx"].url], 5, row=False)


# -- auto-enrichment before the first step (0.7.0) ---------------------------------------------


async def _auto_enriched(r: Run, email: str, website: str | None, **options: bool) -> Lead:
    ws = await make_workspace(r.db)
    camp = await make_campaign(r.db, ws.id, THREE[:1])
    async with r.db.session() as s:
        row = await s.get(Campaign, camp.id)
        assert row is not None
        for name, value in options.items():
            setattr(row, name, value)
        await s.commit()
    fields = {"website": website} if website else {}
    lead = await make_lead(r.db, camp, email, custom_fields=fields)
    handle = await start_lead(r.client, r.st, r.db, lead)
    await handle.result()
    await r.rec.snapshot(f"enrich-{lead.id}")  # the child: the recorder sees client starts
    return lead


@scenario
async def lead_auto_enriched_then_sent(r: Run) -> None:
    """autoEnrich: the lead starts EnrichLeadWorkflow as a child (the lead's own `website`
    field names the site), waits for it on a timer, then sends step 1."""
    async with _enrichment_servers(r) as site:
        await _auto_enriched(r, "sam@acmewidgets.io", site.url + "/", auto_enrich=True)


@scenario
async def lead_auto_enriched_undeliverable_skipped(r: Run) -> None:
    """autoEnrich + skipUndeliverable: NXDOMAIN, so the step stops the lead unmailed."""
    async with _enrichment_servers(r):
        lead = await _auto_enriched(
            r, "sam@no-such-company.io", None, auto_enrich=True, skip_undeliverable=True
        )
        assert (await reload(r.db, Lead, lead.id)).status == "stopped"


@scenario
async def lead_auto_enrich_wait_passed(r: Run) -> None:
    """The site is too slow: the wait (1 s) passes, step 1 goes out, and the abandoned
    child finishes on its own."""
    async with _enrichment_servers(r) as site:
        r.st.auto_enrich_wait = 1
        lead = await _auto_enriched(r, "sam@acmewidgets.io", site.url + "/slow", auto_enrich=True)
        await r.client.get_workflow_handle(f"enrich-{lead.id}").result()
        await r.rec.snapshot(f"enrich-{lead.id}")


# -- campaign autopilot (0.7.0) -----------------------------------------------------------------


async def _autopilot_campaign(r: Run, **settings: Any) -> tuple[str, Campaign]:
    from tests.autopilot.conftest import autopilot, campaign_with_autopilot

    return await campaign_with_autopilot(r.db, autopilot(**settings))


async def _as_scheduled(r: Run, camp: Campaign) -> Any:
    from tests.autopilot.conftest import start_as_scheduled

    return await (await start_as_scheduled(r.client, r.st, camp)).result()


@scenario
async def autopilot_manual_quota_used(r: Run) -> None:
    """A manual run on a day whose quota is spent: begin, nothing to discover, record."""
    from outreach.autopilot.contracts import AutopilotDone, manual_workflow_id
    from tests.autopilot.conftest import quota_used_today
    from tests.replies.helpers import api, auth

    key, camp = await _autopilot_campaign(r)
    await quota_used_today(r.db, camp, 3)
    async with api(r.st, r.client) as http:
        got = await http.post(
            f"/api/v1/outreach/campaigns/{camp.id}/autopilot/run", headers=auth(key)
        )
    assert got.status_code == 202, got.text
    handle = r.client.get_workflow_handle(
        manual_workflow_id(got.json()["id"]), result_type=AutopilotDone
    )
    assert (await handle.result()).status == "completed"


@scenario
async def autopilot_scheduled_drafts_replies(r: Run) -> None:
    """A scheduled run (its run id made in the workflow) that drafts an answer to a reply
    (a DraftReplyWorkflow child); the quota is spent, so no discovery."""
    from outreach.models import Reply
    from tests.autopilot.conftest import quota_used_today

    _, camp = await _autopilot_campaign(r, draftReplies=True)
    await quota_used_today(r.db, camp, 3)
    lead = await make_lead(r.db, camp, "sam@acme.example", first_name="Sam")
    async with r.db.session() as s:
        s.add(
            Reply(
                id=new_id("reply"),
                workspace_id=camp.workspace_id,
                campaign_id=camp.id,
                lead_id=lead.id,
                from_email=lead.email,
                subject="Re: Hello",
                body_text="Tell me more.",
                status="done",
                label="interested",
                needs_action=True,
            )
        )
        await s.commit()
    done = await _as_scheduled(r, camp)
    assert done.drafted == 1


@scenario
async def autopilot_scheduled_campaign_paused(r: Run) -> None:
    """A scheduled run that finds its campaign paused: begin says no, the run is recorded."""
    _, camp = await _autopilot_campaign(r)
    async with r.db.session() as s:
        row = await s.get(Campaign, camp.id)
        assert row is not None
        row.status = "paused"
        s.add(row)
        await s.commit()
        await s.refresh(row)
    done = await _as_scheduled(r, row)
    assert done.discovered == 0


@scenario
async def autopilot_discovers_enriches_enrols(r: Run) -> None:
    """A scheduled run that discovers two leads on a seeded site (DiscoveryWorkflow as a
    child, trigger `autopilot`), enriches them (EnrichLeadWorkflow children) and counts
    them enrolled. The children's histories are recorded too."""
    from outreach.discovery.contracts import discovery_workflow_id
    from outreach.enrichment.contracts import enrich_workflow_id
    from outreach.models import AutopilotRun
    from tests.discovery.servers import MAIL_ZONES, company_site, northwind_pages
    from tests.enrichment.servers import dns_server

    with dns_server(MAIL_ZONES) as dns, company_site(northwind_pages()) as site:
        r.st.dns_nameservers = dns.nameservers
        r.st.enrich_fetch_timeout = 1.0
        r.st.discovery_crawl_delay = 0.05
        _, camp = await _autopilot_campaign(
            r, newLeadsPerDay=2, enrich=True, discovery={"domains": [site.url]}
        )
        done = await _as_scheduled(r, camp)
        assert (done.discovered, done.enriched, done.enrolled) == (2, 2, 2)
        async with r.db.session() as s:
            run = await s.get(AutopilotRun, done.run_id)
            assert run is not None and run.discovery_run_id
            leads = (await s.exec(select(Lead).where(Lead.campaign_id == camp.id))).all()
        await r.rec.snapshot(discovery_workflow_id(run.discovery_run_id))
        for lead in leads:
            await r.rec.snapshot(enrich_workflow_id(lead.id))


# -- the recording run -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_record(name: str, ts_env, settings, db, smtp) -> None:
    if ONLY and name not in ONLY:
        pytest.skip("not asked for")
    st = settings_for(settings, smtp)
    rec = Recorder(name, ts_env.client)
    async with running_worker(ts_env.client, st, db):
        await SCENARIOS[name](Run(ts_env, st, db, smtp, rec))
        await rec.all_started()

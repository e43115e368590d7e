"""Replies end to end on the time-skipping server: a lead's first email goes out through the
real lead workflow and SMTP, a reply comes in through `POST /inbound`, and its workflow
matches it, classifies it and applies its label to the running lead."""

from __future__ import annotations

import http.server
import json
import threading
from datetime import timedelta

import pytest
from sqlmodel import select
from temporalio.client import WorkflowHandle

from outreach.contracts import LEAD_QUERY_PROGRESS
from outreach.inbound.effects import hold_instant
from outreach.inbound.message import parse_message
from outreach.leads.runs import lead_handle
from outreach.models import Lead, Reply, Send, Suppression, utcnow
from tests.helpers import make_campaign, make_lead, reload, sends_of
from tests.replies.conftest import Flow
from tests.replies.helpers import (
    RFC822,
    api,
    auth,
    dsn,
    events_of,
    first_send,
    message,
    reply_row,
    start_lead,
    workspace_with_campaign,
)

TEXTS = {
    "interested": "Sounds interesting, tell me more.",
    "meeting_request": "Happy to chat. Can we book a call on Thursday at 3pm?",
    # reply-labels.md: a competitor plus an opening is an objection (without one, not_interested)
    "objection": "We already use a competitor for this and are happy with it. If that changes "
    "I will reach out.",
    "not_interested": "Not interested, thanks.",
    "question": "How much does it cost per month?",
    "referral": "I'm not the right person - please reach out to jane.doe@example.com who "
    "handles this.",
    "wrong_person": "I'm not the right person for this, and I don't know who would be.",
    "other": "Thanks.",
}
NEEDS_ACTION = {"interested", "meeting_request", "objection", "question", "referral"}
INBOUND = "/api/v1/outreach/inbound"


async def post_reply(flow: Flow, key: str, raw: bytes) -> dict:
    async with api(flow.settings, flow.client) as http:
        r = await http.post(INBOUND, content=raw, headers={**RFC822, **auth(key)})
    assert r.status_code == 202, r.text
    return r.json()


async def processed(flow: Flow, reply_id: str) -> str:
    """The reply's workflow result (the server's clock runs normally meanwhile)."""
    return await flow.client.get_workflow_handle(f"reply-{reply_id}").result()


async def ended(flow: Flow, handle: WorkflowHandle) -> str:
    """The lead workflow's result, letting the server skip its timers (days) meanwhile."""
    async with flow.env.time_skipping_unlocked():
        return await handle.result()


async def lead_after_first_email(flow: Flow, **kw: object) -> tuple:
    ws_id, key, campaign = await workspace_with_campaign(flow.db, **kw)
    lead, handle = await start_lead(flow.client, flow.settings, flow.db, campaign)
    send = await first_send(flow.db, lead.id)
    return ws_id, key, campaign, lead, handle, send


@pytest.mark.parametrize("label", sorted(TEXTS))
async def test_a_human_reply_stops_the_sequence(flow: Flow, label: str) -> None:
    ws_id, key, campaign, lead, handle, send = await lead_after_first_email(flow)
    body = await post_reply(
        flow, key, message(sender=lead.email, body=TEXTS[label], in_reply_to=send.message_id)
    )
    assert await processed(flow, body["id"]) == label
    assert await ended(flow, handle) == "replied"  # days are skipped: nothing more goes out

    assert len(await sends_of(flow.db, lead.id)) == 1
    row: Lead = await reload(flow.db, Lead, lead.id)
    assert (row.status, row.status_reason) == ("replied", label)
    reply = await reply_row(flow.db, body["id"])
    assert (reply.lead_id, reply.campaign_id, reply.send_id) == (lead.id, campaign.id, send.id)
    assert reply.matched_by == "headers" and reply.label == label
    assert reply.needs_action == (label in NEEDS_ACTION)
    if label == "referral":
        assert reply.referral_email == "jane.doe@example.com"
    replied = await events_of(flow.db, ws_id, "lead.replied")
    assert [e.data["replyId"] for e in replied] == [reply.id]
    assert replied[0].data["reason"] == label
    received = await events_of(flow.db, ws_id, "reply.received")
    classified = await events_of(flow.db, ws_id, "reply.classified")
    assert len(received) == 1 and received[0].data["lead"]["id"] == lead.id
    assert len(classified) == 1 and classified[0].data["reply"]["label"] == label


async def test_unsubscribe_request_suppresses_and_unsubscribes(flow: Flow) -> None:
    ws_id, key, _, lead, handle, send = await lead_after_first_email(flow)
    body = await post_reply(
        flow,
        key,
        message(
            sender=lead.email,
            body="Please remove me from your list and stop emailing me.",
            in_reply_to=send.message_id,
        ),
    )
    assert await processed(flow, body["id"]) == "unsubscribe_request"
    assert await ended(flow, handle) == "unsubscribed"
    assert len(await sends_of(flow.db, lead.id)) == 1
    async with flow.db.session() as s:
        sup = (
            await s.exec(
                select(Suppression).where(
                    Suppression.workspace_id == ws_id, Suppression.email == lead.email
                )
            )
        ).one()
    assert sup.reason == "unsubscribed"
    assert len(await events_of(flow.db, ws_id, "lead.unsubscribed")) == 1
    assert await events_of(flow.db, ws_id, "lead.replied") == []


async def test_out_of_office_holds_the_next_step_until_the_return_date(flow: Flow) -> None:
    zone = "America/New_York"
    ws_id, key, _, lead, handle, send = await lead_after_first_email(flow, timezone=zone)
    now = await flow.env.get_current_time()  # the server's clock (earlier tests skipped it)
    back = (now + timedelta(days=12)).date()
    text = (
        f"I am out of the office until {back.day} {back:%B %Y} with limited access to "
        "email. I will reply when I am back."
    )
    body = await post_reply(
        flow, key, message(sender=lead.email, body=text, in_reply_to=send.message_id)
    )
    assert await processed(flow, body["id"]) == "out_of_office"
    reply = await reply_row(flow.db, body["id"])
    assert reply.return_date == back and not reply.needs_action
    until = hold_instant(back, zone)
    progress = await handle.query(LEAD_QUERY_PROGRESS)
    assert progress["waitingFor"] == "hold" and progress["status"] != "replied"

    assert await ended(flow, handle) == "completed"  # the sequence went on after the hold
    sends = await sends_of(flow.db, lead.id)
    assert [x.status for x in sends] == ["sent", "sent", "sent"]
    assert abs(sends[1].scheduled_at - until) < timedelta(minutes=1)  # not before, not later
    assert sends[2].scheduled_at - sends[1].scheduled_at >= timedelta(days=3)
    assert await events_of(flow.db, ws_id, "lead.replied") == []


@pytest.mark.parametrize(
    "text, headers, label",
    [
        ("I am currently out of the office with limited access to email.", {}, "out_of_office"),
        (
            "Thank you for your message. This is an automated response confirming we received "
            "your email.",
            {"Auto-Submitted": "auto-replied"},
            "auto_reply",
        ),
    ],
)
async def test_auto_replies_do_not_stop_the_sequence(
    flow: Flow, text: str, headers: dict, label: str
) -> None:
    ws_id, key, _, lead, handle, send = await lead_after_first_email(flow)
    body = await post_reply(
        flow,
        key,
        message(sender=lead.email, body=text, in_reply_to=send.message_id, headers=headers),
    )
    assert await processed(flow, body["id"]) == label
    assert await ended(flow, handle) == "completed"
    sends = await sends_of(flow.db, lead.id)
    assert [x.status for x in sends] == ["sent", "sent", "sent"]
    # Without a return date nothing moves: step 2 goes out on its own delay.
    assert abs(sends[1].scheduled_at - sends[0].scheduled_at - timedelta(days=3)) < timedelta(
        minutes=1
    )
    reply = await reply_row(flow.db, body["id"])
    assert reply.lead_id == lead.id and reply.return_date is None
    assert await events_of(flow.db, ws_id, "lead.replied") == []
    assert len(await events_of(flow.db, ws_id, "reply.received")) == 1


async def test_matching_by_address_prefers_the_active_campaign(flow: Flow) -> None:
    ws_id, key, active = await workspace_with_campaign(flow.db)
    paused = await make_campaign(flow.db, ws_id, status="paused")
    email = "pat@example.org"
    lead = await make_lead(flow.db, active, email, last_sent_at=utcnow() - timedelta(days=9))
    # Contacted more recently, but its campaign is paused.
    other = await make_lead(flow.db, paused, email, last_sent_at=utcnow() - timedelta(days=1))
    raw = message(
        sender="Pat <PAT@Example.org>",
        subject="Your product",
        body="Sounds interesting, tell me more.",
    )
    body = await post_reply(flow, key, raw)
    assert await processed(flow, body["id"]) == "interested"
    reply = await reply_row(flow.db, body["id"])
    assert (reply.lead_id, reply.campaign_id, reply.matched_by) == (lead.id, active.id, "address")
    assert await ended(flow, lead_handle(flow.client, lead.id)) == "replied"
    assert (await reload(flow.db, Lead, lead.id)).status == "replied"
    assert (await reload(flow.db, Lead, other.id)).status == "queued"


async def test_thread_headers_win_over_the_sender_address(flow: Flow) -> None:
    ws_id, key, campaign, lead, handle, send = await lead_after_first_email(flow)
    colleague = await make_lead(flow.db, campaign, "colleague@example.net")
    raw = message(
        sender="colleague@example.net",
        body="How much does it cost per month?",
        in_reply_to=send.message_id,
    )
    body = await post_reply(flow, key, raw)
    assert await processed(flow, body["id"]) == "question"
    reply = await reply_row(flow.db, body["id"])
    assert (reply.lead_id, reply.matched_by) == (lead.id, "headers")
    assert await ended(flow, handle) == "replied"
    assert (await reload(flow.db, Lead, colleague.id)).status == "queued"


async def test_unmatched_reply_is_stored_and_announced(flow: Flow) -> None:
    ws_id, key, _ = await workspace_with_campaign(flow.db)
    body = await post_reply(
        flow,
        key,
        message(sender="stranger@elsewhere.test", subject="Question", body="How much is it?"),
    )
    assert await processed(flow, body["id"]) == "question"
    reply = await reply_row(flow.db, body["id"])
    assert reply.lead_id is None and reply.campaign_id is None and reply.label == "question"
    received = await events_of(flow.db, ws_id, "reply.received")
    assert len(received) == 1 and received[0].data["lead"] is None
    assert received[0].data["reply"]["id"] == reply.id
    assert len(await events_of(flow.db, ws_id, "reply.classified")) == 1
    async with api(flow.settings, flow.client) as http:
        listed = (await http.get("/api/v1/outreach/replies", headers=auth(key))).json()
    assert [r["id"] for r in listed["data"]] == [reply.id]


async def test_unmatched_unsubscribe_request_still_suppresses_the_sender(flow: Flow) -> None:
    ws_id, key, _ = await workspace_with_campaign(flow.db)
    body = await post_reply(
        flow, key, message(sender="Someone@Elsewhere.test", body="Please remove me from your list.")
    )
    assert await processed(flow, body["id"]) == "unsubscribe_request"
    async with flow.db.session() as s:
        sup = (await s.exec(select(Suppression).where(Suppression.workspace_id == ws_id))).all()
    assert [(x.email, x.reason) for x in sup] == [("someone@elsewhere.test", "unsubscribed")]


async def test_late_reply_after_the_sequence_ended_is_recorded(flow: Flow) -> None:
    one_step = [("email", "P0D", "Hello", "Hi there.")]
    ws_id, key, _, lead, handle, send = await lead_after_first_email(flow, steps=one_step)
    assert await ended(flow, handle) == "completed"
    body = await post_reply(
        flow,
        key,
        message(sender=lead.email, body="Not interested, thanks.", in_reply_to=send.message_id),
    )
    assert await processed(flow, body["id"]) == "not_interested"
    # The reply started a short run of the lead's workflow that records the ending.
    assert await ended(flow, lead_handle(flow.client, lead.id)) == "replied"
    row = await reload(flow.db, Lead, lead.id)
    assert (row.status, row.status_reason) == ("replied", "not_interested")
    assert len(await events_of(flow.db, ws_id, "lead.replied")) == 1


async def test_delivery_status_report_bounces_the_lead(flow: Flow) -> None:
    ws_id, key, _, lead, handle, send = await lead_after_first_email(flow)
    body = await post_reply(flow, key, dsn(send))
    assert body["kind"] == "bounce"
    assert await processed(flow, body["id"]) == "bounced"
    assert await ended(flow, handle) == "bounced"
    assert len(await sends_of(flow.db, lead.id)) == 1
    row = await reload(flow.db, Lead, lead.id)
    assert row.status == "bounced" and "5.1.1" in (row.status_reason or "")
    assert (await reload(flow.db, Send, send.id)).status == "bounced"
    async with flow.db.session() as s:
        sup = (
            await s.exec(
                select(Suppression).where(
                    Suppression.email == lead.email, Suppression.workspace_id == ws_id
                )
            )
        ).one()
    assert sup.reason == "bounced"
    assert len(await events_of(flow.db, ws_id, "lead.bounced")) == 1
    assert len(await events_of(flow.db, ws_id, "send.failed")) == 1
    # A bounce is not a reply: no reply events, not listed, not readable as a reply.
    assert await events_of(flow.db, ws_id, "reply.received") == []
    assert await events_of(flow.db, ws_id, "reply.classified") == []
    async with api(flow.settings, flow.client) as http:
        listed = (await http.get("/api/v1/outreach/replies", headers=auth(key))).json()
        one = await http.get(f"/api/v1/outreach/replies/{body['id']}", headers=auth(key))
    assert listed["data"] == [] and one.status_code == 404
    bounce = await reply_row(flow.db, body["id"])
    assert bounce.lead_id is None and bounce.send_id == send.id


async def test_delayed_delivery_report_changes_nothing(flow: Flow) -> None:
    ws_id, key, _, lead, handle, send = await lead_after_first_email(flow)
    body = await post_reply(flow, key, dsn(send, action="delayed", status="4.4.1"))
    assert body["kind"] == "dsn"
    assert await processed(flow, body["id"]) == "dsn"
    assert (await reload(flow.db, Lead, lead.id)).status == "active"
    assert await events_of(flow.db, ws_id, "lead.bounced") == []
    await handle.terminate("test done")


async def test_our_own_messages_are_never_replies(flow: Flow) -> None:
    ws_id, key, campaign, lead, handle, send = await lead_after_first_email(flow)
    copy_of_send = flow.smtp.to(lead.email)[-1].raw  # the message exactly as we sent it
    assert parse_message(copy_of_send).message_id == send.message_id
    handwritten = message(
        sender=f"Anita <{campaign.from_email}>",
        to=lead.email,
        body="Hi Sam, following up by hand.",
        in_reply_to=send.message_id,
    )
    async with api(flow.settings, flow.client) as http:
        for raw in (copy_of_send, handwritten):
            r = await http.post(INBOUND, content=raw, headers={**RFC822, **auth(key)})
            assert r.status_code == 200, r.text
            assert r.json()["kind"] == "own_message" and r.json()["id"] is None
    async with flow.db.session() as s:
        assert (await s.exec(select(Reply).where(Reply.workspace_id == ws_id))).all() == []
    assert (await reload(flow.db, Lead, lead.id)).status == "active"
    await handle.terminate("test done")


class _FakeModel(http.server.BaseHTTPRequestHandler):
    """An OpenAI-compatible /chat/completions endpoint (the paid model, faked at HTTP)."""

    seen: list[dict] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeModel.seen.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
        )
        answer = {"label": "meeting_request", "confidence": 0.91, "reason": "picks a day"}
        data = json.dumps({"choices": [{"message": {"content": json.dumps(answer)}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


async def test_a_configured_model_provider_labels_the_reply(
    flow: Flow, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("OUTREACH_LLM_BASE_URL", f"http://127.0.0.1:{server.server_port}/v1")
    monkeypatch.setenv("OUTREACH_LLM_MODEL", "test-model")
    monkeypatch.setenv("OUTREACH_LLM_API_KEY", "sk-test-secret")
    try:
        ws_id, key, _, lead, handle, send = await lead_after_first_email(flow)
        body = await post_reply(
            flow,
            key,
            message(sender=lead.email, body="Thursday works for me.", in_reply_to=send.message_id),
        )
        assert await processed(flow, body["id"]) == "meeting_request"
        assert await ended(flow, handle) == "replied"
    finally:
        server.shutdown()
        thread.join(5)
    (call,) = _FakeModel.seen
    assert call["path"] == "/v1/chat/completions" and call["auth"] == "Bearer sk-test-secret"
    assert "Thursday works for me." in json.dumps(call["body"])
    reply = await reply_row(flow.db, body["id"])
    assert reply.label == "meeting_request" and reply.needs_action
    assert any("provider" in r for r in reply.reasons)
    assert not any("sk-test-secret" in r for r in reply.reasons)
    row = await reload(flow.db, Lead, lead.id)
    assert (row.status, row.status_reason) == ("replied", "meeting_request")

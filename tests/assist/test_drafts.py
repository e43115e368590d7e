"""Reply drafts end to end on the time-skipping server: a lead's first email goes out, its
reply comes in through `POST /inbound` and is classified, then `POST /replies/{id}/draft`
runs DraftReplyWorkflow (the model on loopback, or the built-in answer) under the
contract's rate limit."""

from __future__ import annotations

from prometheus_client import REGISTRY
from sqlmodel import func, select

from outreach.models import Campaign, ReplyDraft
from tests.assist.conftest import FakeModel
from tests.replies.conftest import Flow
from tests.replies.helpers import api, auth, message
from tests.replies.test_reply_flow import lead_after_first_email, post_reply, processed

BASE = "/api/v1/outreach"


async def set_campaign(flow: Flow, campaign_id: str, **fields: object) -> None:
    async with flow.db.session() as s:
        row = await s.get(Campaign, campaign_id)
        assert row is not None
        for name, value in fields.items():
            setattr(row, name, value)
        s.add(row)
        await s.commit()


async def classified_reply(flow: Flow, text: str, **campaign_fields: object) -> tuple:
    ws_id, key, campaign, lead, _handle, send = await lead_after_first_email(flow)
    if campaign_fields:
        await set_campaign(flow, campaign.id, **campaign_fields)
    body = await post_reply(
        flow, key, message(sender=lead.email, body=text, in_reply_to=send.message_id)
    )
    await processed(flow, body["id"])
    return ws_id, key, campaign, lead, body["id"]


async def drafts_in_db(flow: Flow, reply_id: str) -> int:
    async with flow.db.session() as s:
        return (
            await s.exec(
                select(func.count()).select_from(ReplyDraft).where(ReplyDraft.reply_id == reply_id)
            )
        ).one()


async def test_builtin_draft_for_a_meeting_request_offers_the_booking_link(flow: Flow) -> None:
    _, key, campaign, _, reply_id = await classified_reply(
        flow, "Happy to chat. Can we book a call on Thursday at 3pm?"
    )
    await set_campaign(flow, campaign.id, booking_url="https://cal.example/anita/15")
    async with api(flow.settings, flow.client) as http:
        r = await http.post(f"{BASE}/replies/{reply_id}/draft", headers=auth(key))
        assert r.status_code == 201, r.text
        draft = r.json()
        assert (draft["status"], draft["source"], draft["model"]) == (
            "ready",
            "template",
            "builtin:meeting_request",
        )
        assert draft["note"] is None  # no model configured: nothing failed
        assert "https://cal.example/anita/15" in draft["body"]
        assert draft["body"].startswith("Hi Sam,")
        assert draft["subject"] == "Re: Hello Sam"
        assert (r.headers["X-RateLimit-Limit"], r.headers["X-RateLimit-Window"]) == ("10", "minute")
        assert r.headers["X-RateLimit-Remaining"] == "9"
        shown = (await http.get(f"{BASE}/replies/{reply_id}", headers=auth(key))).json()
        assert [d["id"] for d in shown["drafts"]] == [draft["id"]]


async def test_no_draft_for_an_unsubscribe_request_and_it_spends_nothing(flow: Flow) -> None:
    _, key, _, _, reply_id = await classified_reply(flow, "Please remove me from your list.")
    async with api(flow.settings, flow.client) as http:
        r = await http.post(f"{BASE}/replies/{reply_id}/draft", headers=auth(key))
        assert r.status_code == 422
        assert r.json()["code"] == "no_draft_for_label"
        assert "X-RateLimit-Remaining" not in r.headers
    assert await drafts_in_db(flow, reply_id) == 0


async def test_the_model_writes_the_draft_from_the_reply_lead_and_pitch(
    flow: Flow, model: FakeModel
) -> None:
    model.answers = [
        '```json\n{"subject": "Re: Hello Sam", "body": "Sure Sam, Thursday works."}\n```'
    ]
    _, key, _, _, reply_id = await classified_reply(
        flow, "How much does it cost per month?", pitch_context="We ship SaaS MVPs in 7 days."
    )
    async with api(flow.settings, flow.client) as http:
        r = await http.post(f"{BASE}/replies/{reply_id}/draft", headers=auth(key))
    assert r.status_code == 201, r.text
    draft = r.json()
    assert (draft["source"], draft["model"], draft["body"]) == (
        "model",
        "fake-model-1",
        "Sure Sam, Thursday works.",
    )
    sent = model.requests[-1]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer sk-test-secret"
    prompt = sent["body"]["messages"][1]["content"]
    assert "How much does it cost per month?" in prompt
    assert "We ship SaaS MVPs in 7 days." in prompt and "firstName=Sam" in prompt
    assert "Our email 1:" in prompt  # the thread so far


async def test_garbage_then_timeouts_fall_back_to_the_builtin_answer_with_the_reason(
    flow: Flow, model: FakeModel
) -> None:
    model.answers = ["I think you should say hi!", "slow", "HTTP 500"]
    _, key, _, _, reply_id = await classified_reply(flow, "Sounds interesting, tell me more.")
    async with api(flow.settings, flow.client) as http:
        r = await http.post(f"{BASE}/replies/{reply_id}/draft", headers=auth(key))
    assert r.status_code == 201, r.text
    draft = r.json()
    assert (draft["source"], draft["model"]) == ("template", "builtin:interested")
    assert draft["note"] == "model failed (model answered HTTP 500); built-in answer used"
    assert len(model.requests) == 3  # three tries, then the built-in answer


async def test_reply_draft_rate_limit_429_with_headers_and_other_workspaces_unaffected(
    flow: Flow,
) -> None:
    _, key, _, _, reply_id = await classified_reply(flow, "Sounds interesting, tell me more.")
    _, other_key, _, _, other_reply = await classified_reply(flow, "Sounds interesting!")
    refusals = {"action": "reply_draft"}
    refused_before = REGISTRY.get_sample_value("outreach_rate_limit_refusals_total", refusals) or 0
    async with api(flow.settings, flow.client) as http:
        for i in range(10):
            r = await http.post(f"{BASE}/replies/{reply_id}/draft", headers=auth(key))
            assert r.status_code == 201, r.text
            assert r.headers["X-RateLimit-Remaining"] == str(9 - i)
        refused = await http.post(f"{BASE}/replies/{reply_id}/draft", headers=auth(key))
        assert refused.status_code == 429
        body = refused.json()
        assert (body["code"], body["window"]) == ("rate_limited", "minute")
        assert "error" in body
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.headers["X-RateLimit-Limit"] == "10"
        assert refused.headers["X-RateLimit-Window"] == "minute"
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        ok = await http.post(f"{BASE}/replies/{other_reply}/draft", headers=auth(other_key))
        assert ok.status_code == 201
        assert ok.headers["X-RateLimit-Remaining"] == "9"
    assert await drafts_in_db(flow, reply_id) == 10  # the refused call wrote nothing
    counted = REGISTRY.get_sample_value("outreach_rate_limit_refusals_total", refusals)
    assert counted == refused_before + 1


async def test_a_long_draft_answers_202_pending_and_lands_on_the_reply(
    flow: Flow, model: FakeModel, monkeypatch
) -> None:
    from api.routes import reply_actions

    monkeypatch.setattr(reply_actions, "DRAFT_WAIT", 0.0)  # the API stops waiting at once
    model.answers = ['{"subject": "Re: Hello", "body": "Thanks Sam, here is more."}']
    _, key, _, _, reply_id = await classified_reply(flow, "Sounds interesting, tell me more.")
    async with api(flow.settings, flow.client) as http:
        r = await http.post(f"{BASE}/replies/{reply_id}/draft", headers=auth(key))
        assert r.status_code == 202, r.text
        assert r.json()["status"] == "pending" and r.headers["X-RateLimit-Remaining"] == "9"
        await flow.client.get_workflow_handle(f"draft-{r.json()['id']}").result()
        shown = (await http.get(f"{BASE}/replies/{reply_id}", headers=auth(key))).json()
    assert [(d["id"], d["status"], d["body"]) for d in shown["drafts"]] == [
        (r.json()["id"], "ready", "Thanks Sam, here is more.")
    ]

"""Sending an answer to a reply: once, threaded, from the campaign's sender, recorded as a
send of the lead (time-skipping server, the real worker and a real SMTP server)."""

from __future__ import annotations

from outreach.models import Reply
from tests.assist.test_drafts import BASE, classified_reply
from tests.helpers import sends_of
from tests.replies.conftest import Flow
from tests.replies.helpers import api, auth, events_of, reply_row


async def test_a_draft_goes_out_once_in_the_thread(flow: Flow) -> None:
    ws_id, key, campaign, lead, reply_id = await classified_reply(
        flow, "How much does it cost per month?"
    )
    reply: Reply = await reply_row(flow.db, reply_id)
    before = len(flow.smtp.messages)
    async with api(flow.settings, flow.client) as http:
        draft = (await http.post(f"{BASE}/replies/{reply_id}/draft", headers=auth(key))).json()
        r = await http.post(
            f"{BASE}/replies/{reply_id}/send", json={"draftId": draft["id"]}, headers=auth(key)
        )
        assert r.status_code == 200, r.text
        send = r.json()
        assert send["status"] == "sent"
        again = await http.post(
            f"{BASE}/replies/{reply_id}/send", json={"draftId": draft["id"]}, headers=auth(key)
        )
        assert again.status_code == 200 and again.json()["id"] == send["id"]
        shown = (await http.get(f"{BASE}/replies/{reply_id}", headers=auth(key))).json()
    assert shown["handled"] is True and shown["needsAction"] is False
    assert shown["drafts"][0]["status"] == "sent" and shown["drafts"][0]["sendId"] == send["id"]

    delivered = flow.smtp.messages[before:]
    assert len(delivered) == 1  # the second call answered the same send
    msg = delivered[0].message
    assert msg["In-Reply-To"] == reply.message_id
    assert reply.message_id in msg["References"]
    assert msg["Subject"] == "Re: Hello Sam"
    assert campaign.from_email in msg["From"] and lead.email in msg["To"]
    text = msg.get_content().replace("\r\n", "\n")
    assert text.startswith(draft["body"])
    assert "> How much does it cost per month?" in text  # their words quoted
    assert "Unsubscribe:" not in text  # a personal answer carries no footer

    sends = await sends_of(flow.db, lead.id)
    answer = [x for x in sends if x.kind == "reply"]
    assert len(answer) == 1 and answer[0].reply_id == reply_id and answer[0].step_position is None
    fired = [
        e
        for e in await events_of(flow.db, ws_id, "send.sent")
        if e.data["send"]["id"] == send["id"]
    ]
    assert len(fired) == 1


async def test_own_text_and_refusals(flow: Flow) -> None:
    _, key, _, lead, reply_id = await classified_reply(flow, "Sounds interesting, tell me more.")
    before = len(flow.smtp.messages)
    async with api(flow.settings, flow.client) as http:
        both = await http.post(
            f"{BASE}/replies/{reply_id}/send",
            json={"draftId": "draft_x", "body": "hi"},
            headers=auth(key),
        )
        assert both.status_code == 400
        missing = await http.post(
            f"{BASE}/replies/{reply_id}/send", json={"draftId": "draft_nope"}, headers=auth(key)
        )
        assert missing.status_code == 404
        r = await http.post(
            f"{BASE}/replies/{reply_id}/send",
            json={"subject": "Re: details", "body": "Here are the details, Sam."},
            headers=auth(key),
        )
        assert r.status_code == 200, r.text
        assert (r.json()["subject"], r.json()["status"]) == ("Re: details", "sent")
    assert len(flow.smtp.messages) == before + 1

    _, key2, _, _, unsub = await classified_reply(flow, "Please remove me from your list.")
    async with api(flow.settings, flow.client) as http:
        r = await http.post(
            f"{BASE}/replies/{unsub}/send", json={"body": "Sorry!"}, headers=auth(key2)
        )
    assert r.status_code == 422 and r.json()["code"] == "suppressed"

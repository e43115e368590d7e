"""Sending an answer to a reply: once, threaded, from the campaign's sender, recorded as a
send of the lead (time-skipping server, the real worker and a real SMTP server)."""

from __future__ import annotations

from sqlmodel import select

from outreach.models import Reply, ReplyDraft
from tests.assist.conftest import FakeModel
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


async def test_smtp_refusing_to_the_end_is_failed_with_send_failed_then_sent_on_retry(
    flow: Flow,
) -> None:
    ws_id, key, _, lead, reply_id = await classified_reply(flow, "How much is it?")
    flow.smtp.rcpt_replies[lead.email.lower()] = ["450 4.2.1 Mailbox busy"]
    answer = {"subject": "Re: price", "body": "49 a month."}
    try:
        async with api(flow.settings, flow.client) as http:
            r = await http.post(f"{BASE}/replies/{reply_id}/send", json=answer, headers=auth(key))
            assert r.status_code in (200, 202), r.text
            send_id = r.json()["id"]
            async with flow.env.time_skipping_unlocked():
                done = await flow.client.get_workflow_handle(
                    f"reply-send-{(await draft_of(flow, reply_id)).id}"
                ).result()
            assert done["status"] == "failed"  # an untyped handle: JSON
            failed = [
                e
                for e in await events_of(flow.db, ws_id, "send.failed")
                if e.data["send"]["id"] == send_id
            ]
            assert len(failed) == 1 and failed[0].data["reason"] == "smtp_failed"
            flow.smtp.rcpt_replies.pop(lead.email.lower())
            before = len(flow.smtp.messages)
            again = await http.post(
                f"{BASE}/replies/{reply_id}/send", json=answer, headers=auth(key)
            )  # the same text: the same draft and send, tried again
        assert again.status_code == 200, again.text
        assert (again.json()["id"], again.json()["status"]) == (send_id, "sent")
        assert len(flow.smtp.messages) == before + 1
    finally:
        flow.smtp.rcpt_replies.pop(lead.email.lower(), None)


async def test_asking_again_after_a_bounce_answers_the_bounced_send(flow: Flow) -> None:
    _, key, _, lead, reply_id = await classified_reply(flow, "How much is it?")
    flow.smtp.rcpt_replies[lead.email.lower()] = ["550 5.1.1 No such user"]
    try:
        async with api(flow.settings, flow.client) as http:
            draft = (await http.post(f"{BASE}/replies/{reply_id}/draft", headers=auth(key))).json()
            first = await http.post(
                f"{BASE}/replies/{reply_id}/send", json={"draftId": draft["id"]}, headers=auth(key)
            )
            assert first.status_code == 200 and first.json()["status"] == "bounced", first.text
            again = await http.post(
                f"{BASE}/replies/{reply_id}/send", json={"draftId": draft["id"]}, headers=auth(key)
            )
        assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    finally:
        flow.smtp.rcpt_replies.pop(lead.email.lower(), None)


async def test_the_same_text_twice_is_one_email_and_subjects_keep_re(
    flow: Flow, model: FakeModel
) -> None:
    model.answers = ['{"subject": "Quick call next week?", "body": "Sure, Thursday works."}']
    _, key, _, lead, reply_id = await classified_reply(flow, "How much is it?")
    before = len(flow.smtp.messages)
    answer = {"subject": "Pricing", "body": "49 a month, Sam."}
    async with api(flow.settings, flow.client) as http:
        one = await http.post(f"{BASE}/replies/{reply_id}/send", json=answer, headers=auth(key))
        two = await http.post(f"{BASE}/replies/{reply_id}/send", json=answer, headers=auth(key))
        assert one.json()["id"] == two.json()["id"]
        assert one.json()["subject"] == "Re: Pricing"
        draft = (await http.post(f"{BASE}/replies/{reply_id}/draft", headers=auth(key))).json()
        assert (draft["source"], draft["subject"]) == ("model", "Re: Hello Sam")
    assert (
        len(flow.smtp.to(lead.email))
        - len([m for m in flow.smtp.messages[:before] if lead.email in m.rcpt])
        == 1
    )


async def draft_of(flow: Flow, reply_id: str) -> ReplyDraft:
    async with flow.db.session() as s:
        return (await s.exec(select(ReplyDraft).where(ReplyDraft.reply_id == reply_id))).one()

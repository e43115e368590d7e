"""The send activity against a real SMTP server (aiosmtpd): the message itself, bounces,
transient failures, and failures after the server accepted the message."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr

import pytest
from sqlmodel import select

from activities.email import EmailActivities
from outreach.models import Lead, Suppression
from outreach.security import verify_token
from tests.conftest import settings_for
from tests.helpers import (
    events_of,
    eventually,
    make_campaign,
    make_lead,
    make_workspace,
    reload,
    running_worker,
    sends_of,
    start_lead,
)

TWO_EMAILS = [
    ("email", "P0D", "Shipping at {{company|your team}}", "Hi {{firstName|there}},\nstep one"),
    ("email", "P1D", None, "Hi {{firstName|there}}, bumping this up."),
]


async def test_message_headers_threading_and_unsubscribe(ts_env, settings, db, smtp):
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id, TWO_EMAILS)
    lead = await make_lead(db, camp, "founder@example.com", first_name="Sam", company=None)
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        assert await handle.result() == "completed"
    first, second = (m.message for m in smtp.messages)
    sends = await sends_of(db, lead.id)

    assert parseaddr(first["From"]) == ("Anita", "anita@sender.test")
    assert parseaddr(first["To"])[1] == "founder@example.com"
    assert first["Subject"] == "Shipping at your team"  # fallback used: no company
    assert first["Message-ID"] == sends[0].message_id
    assert first["Message-ID"].startswith("<send_") and first["Message-ID"].endswith(
        "@sender.test>"
    )
    assert first["Date"]
    url = first["List-Unsubscribe"].strip("<>")
    assert url.startswith("https://outreach.test/u/")
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = url.rsplit("/", 1)[1]
    assert verify_token(b"test-secret-key", "unsub", token) == lead.id
    body = first.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body.startswith("Hi Sam,\nstep one")
    assert url in body  # footer link
    assert first["In-Reply-To"] is None

    # The follow-up replies in the same thread.
    assert second["Subject"] == "Re: Shipping at your team"
    assert second["In-Reply-To"] == first["Message-ID"]
    assert first["Message-ID"] in second["References"]
    assert second["Message-ID"] == sends[1].message_id != first["Message-ID"]


async def test_550_at_rcpt_bounces_the_lead(ts_env, settings, db, smtp):
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id, TWO_EMAILS)
    lead = await make_lead(db, camp, "gone@example.com")
    smtp.rcpt_replies["gone@example.com"] = ["550 5.1.1 <gone@example.com>: no such user"]
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        assert await handle.result() == "bounced"
    assert smtp.messages == []
    (send,) = await sends_of(db, lead.id)
    assert send.status == "bounced" and send.smtp_code == 550
    row = await reload(db, Lead, lead.id)
    assert row.status == "bounced" and "550" in row.status_reason
    async with db.session() as s:
        sup = (
            await s.exec(
                select(Suppression).where(
                    Suppression.email == lead.email, Suppression.workspace_id == ws.id
                )
            )
        ).one()
    assert sup.reason == "bounced"
    assert len(await events_of(db, ws.id, "lead.bounced")) == 1
    assert len(await events_of(db, ws.id, "send.failed")) == 1


async def test_451_is_retried_then_succeeds(ts_env, settings, db, smtp):
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id, TWO_EMAILS[:1])
    lead = await make_lead(db, camp, "busy@example.com")
    smtp.rcpt_replies["busy@example.com"] = ["451 4.7.1 try again later", "250 OK"]
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        assert await handle.result() == "completed"
    assert len(smtp.messages) == 1
    (send,) = await sends_of(db, lead.id)
    assert send.status == "sent" and send.attempts == 2
    assert len(await events_of(db, ws.id, "send.sent")) == 1


async def test_smtp_that_keeps_failing_reports_send_failed_and_pauses(ts_env, settings, db, smtp):
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id, TWO_EMAILS[:1])
    lead = await make_lead(db, camp, "busy@example.com")
    smtp.rcpt_replies["busy@example.com"] = ["451 4.7.1 try again later"]
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)

        async def paused() -> bool:
            return (await reload(db, Lead, lead.id)).status == "paused"

        await ts_env.sleep(timedelta(hours=2))  # past the bounded retries (~25 minutes)
        await eventually(paused)
        await handle.terminate()
    (send,) = await sends_of(db, lead.id)
    assert send.status == "failed" and send.attempts == 8 and "451" in send.error
    assert (await reload(db, Lead, lead.id)).status_reason == "send_failed"
    assert len(await events_of(db, ws.id, "send.failed")) == 1
    assert smtp.messages == []


async def test_connection_dropped_after_the_server_took_the_message_is_not_resent(
    ts_env, settings, db, smtp
):
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id, TWO_EMAILS)
    lead = await make_lead(db, camp)
    smtp.data_replies.append("drop")  # stored, then the client never hears 250
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        assert await handle.result() == "completed"
    sends = await sends_of(db, lead.id)
    assert [s.status for s in sends] == ["unknown", "sent"]
    assert len(smtp.to(lead.email)) == 2  # one copy of each step, never two of step 1
    failed = await events_of(db, ws.id, "send.failed")
    assert [e.data["reason"] for e in failed] == ["unknown_outcome"]


async def test_worker_crash_after_accept_never_sends_a_second_copy(
    ts_env, settings, db, smtp, monkeypatch: pytest.MonkeyPatch
):
    """The server said 250, then the activity died before recording it: the retry finds the
    send in the DATA exchange, marks it unknown, and sends nothing."""
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id, TWO_EMAILS[:1])
    lead = await make_lead(db, camp)
    real_sent = EmailActivities._sent
    crashes = []

    async def crash_once(self, *args, **kwargs):
        if not crashes:
            crashes.append(1)
            raise RuntimeError("worker died after the server accepted the message")
        return await real_sent(self, *args, **kwargs)

    monkeypatch.setattr(EmailActivities, "_sent", crash_once)
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        assert await handle.result() == "completed"
    assert crashes == [1]
    assert len(smtp.messages) == 1
    (send,) = await sends_of(db, lead.id)
    assert send.status == "unknown" and send.attempts == 1
    assert len(await events_of(db, ws.id, "send.sent")) == 0
    assert len(await events_of(db, ws.id, "send.failed")) == 1


async def test_suppressed_address_is_never_mailed(ts_env, settings, db, smtp):
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id, TWO_EMAILS)
    lead = await make_lead(db, camp, "left@example.com")
    async with db.session() as s:
        from outreach.ids import new_id

        s.add(
            Suppression(
                id=new_id("sup"),
                workspace_id=ws.id,
                email="left@example.com",
                reason="unsubscribed",
            )
        )
        await s.commit()
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        assert await handle.result() == "unsubscribed"
    assert smtp.messages == []
    assert await sends_of(db, lead.id) == []

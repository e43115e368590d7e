"""An answer to a reply on the real dev server, with the worker process killed mid-send:
before DATA it is sent exactly once by the next worker; inside DATA (the server may or may
not have it) it is reported `unknown` and never sent again. Asking again answers the same
send either way."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from sqlmodel import select

from api.deps import AppState
from api.main import create_app
from outreach.ids import new_id
from outreach.models import Reply, ReplyDraft, Send
from tests.conftest import settings_for
from tests.helpers import eventually, make_campaign, make_key, make_lead, make_workspace
from tests.integration.test_end_to_end import API, start_worker_process

pytestmark = pytest.mark.integration
THEIR_ID = "<their-reply@mail.example.com>"


@dataclass
class Answer:
    http: httpx.AsyncClient
    headers: dict[str, str]
    reply: Reply


@pytest.fixture
async def answer(dev_env, settings, db, smtp) -> AsyncIterator[tuple[Answer, object]]:
    # Short SMTP timeout: a killed attempt is retried after 2 x 2 + 10 s.
    st = settings_for(settings, smtp, smtp_timeout=2)
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    camp = await make_campaign(db, ws.id, [("email", "P0D", "Hello", "Hi")])
    lead = await make_lead(db, camp)
    async with db.session() as s:
        reply = Reply(
            id=new_id("reply"),
            workspace_id=ws.id,
            campaign_id=camp.id,
            lead_id=lead.id,
            message_id=THEIR_ID,
            from_email=lead.email,
            subject="Re: Hello",
            body_text="How much is it?",
            label="question",
            status="done",
            needs_action=True,
        )
        s.add(reply)
        await s.commit()
    app = create_app(st, dev_env.client)
    app.state.outreach = AppState(st, dev_env.client)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=60
    ) as http:
        yield Answer(http, {"Authorization": f"Bearer {key}"}, reply), st
    await app.state.outreach.close()


async def _send_killing_the_worker(dev_env, db, a: Answer, st, kill_when: str) -> Send:
    worker = start_worker_process(dev_env, st)
    try:
        first = asyncio.create_task(
            a.http.post(
                f"{API}/replies/{a.reply.id}/send",
                json={"subject": "Re: Hello", "body": "49 a month, Sam."},
                headers=a.headers,
            )
        )

        async def reached() -> Send | None:
            async with db.session() as s:
                stmt = select(Send).where(Send.reply_id == a.reply.id, Send.status == kill_when)
                if kill_when == "claimed":
                    stmt = stmt.where(Send.attempts == 1)  # the first attempt holds it
                return (await s.exec(stmt)).first()

        send = await eventually(reached, within=30)
        await asyncio.sleep(0.5)  # well inside RCPT / DATA (the server delays 3 s)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        worker = start_worker_process(dev_env, st)
        assert (await first).status_code in (200, 202)

        async def settled() -> Send | None:
            async with db.session() as s:
                row = await s.get(Send, send.id)
                return row if row and row.status in ("sent", "unknown") else None

        final = await eventually(settled, within=90)
        async with db.session() as s:
            draft = (
                await s.exec(select(ReplyDraft).where(ReplyDraft.reply_id == a.reply.id))
            ).one()
        again = await a.http.post(
            f"{API}/replies/{a.reply.id}/send", json={"draftId": draft.id}, headers=a.headers
        )
        assert again.status_code == 200 and again.json()["id"] == send.id
        return final
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=15)


async def test_killed_before_data_the_next_worker_sends_it_exactly_once(dev_env, db, smtp, answer):
    a, st = answer
    smtp.rcpt_delay = 3.0
    final = await _send_killing_the_worker(dev_env, db, a, st, kill_when="claimed")
    assert final.status == "sent" and final.attempts == 2
    delivered = [m for m in smtp.messages if m.message["Message-ID"] == final.message_id]
    assert len(delivered) == 1
    assert delivered[0].message["In-Reply-To"] == THEIR_ID


async def test_killed_inside_data_it_is_unknown_and_never_resent(dev_env, db, smtp, answer):
    a, st = answer
    smtp.data_delay = 3.0
    final = await _send_killing_the_worker(dev_env, db, a, st, kill_when="sending")
    assert final.status == "unknown" and final.attempts == 1
    await asyncio.sleep(smtp.data_delay)  # whatever the server got, it has stored by now
    delivered = [m for m in smtp.messages if m.message["Message-ID"] == final.message_id]
    assert len(delivered) <= 1

"""Signals and updates that arrive while a send is in flight."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from outreach.contracts import LeadSignal, LeadUpdate, ReplySignal
from outreach.models import Lead
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


async def test_a_reply_during_the_last_send_is_not_lost(ts_env, settings, db, smtp):
    """The last step is retrying (451) when the lead replies: the lead ends `replied`, not
    `completed`, and `lead.replied` fires."""
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id)  # one email step
    lead = await make_lead(db, camp, "slow@example.com")
    smtp.rcpt_replies["slow@example.com"] = ["451 4.7.1 try later", "250 OK"]
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        await eventually(lambda: _attempts(db, lead.id, 1))  # first try failed, retry waits
        await handle.signal(LeadSignal.REPLY, ReplySignal(reply_id="reply_race", label="other"))
        assert await handle.result() == "replied"
    assert len(smtp.messages) == 1  # the retry still delivered the step
    assert (await reload(db, Lead, lead.id)).status == "replied"
    assert len(await events_of(db, ws.id, "lead.replied")) == 1


async def test_a_forced_send_pending_when_the_lead_pauses_is_answered(ts_env, settings, db, smtp):
    """send-next arrives while a step keeps failing; the step's retries run out and the lead
    pauses: the request is answered "paused" and the workflow keeps working (no busy loop)."""
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(
        db,
        ws.id,
        [
            ("email", "P0D", "Hi", "one"),
            ("email", "P1D", None, "two"),
        ],
    )
    lead = await make_lead(db, camp, "down@example.com")
    smtp.rcpt_replies["down@example.com"] = ["451 4.7.1 try later"]
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        await eventually(lambda: _attempts(db, lead.id, 1))
        update = asyncio.create_task(handle.execute_update(LeadUpdate.SEND_NEXT))
        await asyncio.sleep(0.3)
        await ts_env.sleep(timedelta(hours=1))  # past the send's bounded retries
        result = await asyncio.wait_for(update, 20)
        assert result["outcome"] == "paused"
        await eventually(lambda: _status(db, lead.id, "paused"))
        progress = await handle.query("progress")
        assert progress["status"] == "paused" and progress["waitingFor"] == "lead_paused"
        smtp.rcpt_replies.pop("down@example.com")
        await handle.signal(LeadSignal.RESUME)
        assert await handle.result() == "completed"
    assert [s.status for s in await sends_of(db, lead.id)] == ["sent", "sent"]


async def _attempts(db, lead_id: str, n: int) -> bool:
    sends = await sends_of(db, lead_id)
    return bool(sends) and sends[0].attempts >= n and sends[0].status == "claimed"


async def _status(db, lead_id: str, status: str) -> bool:
    return (await reload(db, Lead, lead_id)).status == status

"""A run drafts answers to the campaign's replies that need one and have none (the
built-in answer here: no model configured), and never sends them."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from outreach.ids import new_id
from outreach.models import Campaign, Reply, ReplyDraft, Send, utcnow
from tests.autopilot.conftest import (
    Env,
    autopilot,
    campaign_with_autopilot,
    finished,
    quota_used_today,
    run_now,
    runs,
)
from tests.helpers import make_lead


async def _reply(env: Env, camp: Campaign, email: str, label: str, **kw) -> Reply:
    lead = await make_lead(env.db, camp, email, first_name="Sam")
    async with env.db.session() as s:
        reply = Reply(
            id=new_id("reply"),
            workspace_id=camp.workspace_id,
            campaign_id=camp.id,
            lead_id=lead.id,
            from_email=email,
            subject="Re: Hello Sam",
            body_text="Sounds good, tell me more.",
            status="done",
            label=label,
            needs_action=label in ("interested", "question", "meeting_request"),
            received_at=utcnow() - timedelta(minutes=5),
            **kw,
        )
        s.add(reply)
        await s.commit()
        await s.refresh(reply)
        return reply


async def _drafts(env: Env, reply: Reply) -> list[ReplyDraft]:
    async with env.db.session() as s:
        return list((await s.exec(select(ReplyDraft).where(ReplyDraft.reply_id == reply.id))).all())


async def test_replies_that_need_an_answer_get_a_draft_that_is_never_sent(env: Env) -> None:
    key, camp = await campaign_with_autopilot(env.db, autopilot(draftReplies=True))
    await quota_used_today(env.db, camp, 3)
    wants = await _reply(env, camp, "sam@a.example", "interested")
    asks = await _reply(env, camp, "kim@b.example", "question")
    has_one = await _reply(env, camp, "lee@c.example", "interested")
    handled = await _reply(env, camp, "max@d.example", "meeting_request", handled_at=utcnow())
    away = await _reply(env, camp, "ooo@e.example", "out_of_office")
    async with env.db.session() as s:
        s.add(
            ReplyDraft(
                id=new_id("draft"),
                workspace_id=camp.workspace_id,
                reply_id=has_one.id,
                lead_id=has_one.lead_id,
                status="ready",
                body="Mine.",
            )
        )
        await s.commit()

    r = await run_now(env, key, camp)
    assert r.status_code == 202, r.text
    done = await finished(env, r.json()["id"])
    assert done.drafted == 2
    for reply in (wants, asks):
        [draft] = await _drafts(env, reply)
        assert draft.status == "ready" and draft.body and draft.send_id is None
    assert [d.body for d in await _drafts(env, has_one)] == ["Mine."]  # left alone
    assert await _drafts(env, handled) == [] and await _drafts(env, away) == []
    async with env.db.session() as s:  # nothing went out: drafts wait for a person
        sent = (await s.exec(select(Send).where(Send.kind == "reply"))).all()
    assert [x for x in sent if x.lead_id in (wants.lead_id, asks.lead_id)] == []
    shown = {x["id"]: x for x in await runs(env, key, camp)}[r.json()["id"]]
    assert shown["drafted"] == 2 and shown["errors"] == []

    # The next run finds every reply answered or drafted: nothing more.
    again = await run_now(env, key, camp)
    assert (await finished(env, again.json()["id"])).drafted == 0
    assert len(await _drafts(env, wants)) == 1

"""The campaign counters the triggers keep equal a recount of the rows, through every kind
of change (insert, status moves, matching, relabelling, deletion), concurrent writers and
roll-ups, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from outreach.campaigns import counters
from outreach.db import Database
from outreach.ids import new_id
from outreach.inbound.status import ReplyKind
from outreach.leads.status import LeadStatus
from outreach.models import Lead, Reply, Send
from outreach.sends.status import SendKind, SendStatus
from tests.helpers import make_campaign, make_lead, make_workspace

T0 = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


async def _assert_exact(db: Database, campaign_id: str | None = None) -> dict:
    async with db.session() as s:
        kept, kept_days = await counters.stored(s)
        rows, row_days = await counters.recount(s)
    assert kept == rows
    assert kept_days == row_days
    if campaign_id is None:
        return {}
    return {k[1:]: n for k, n in kept.items() if k[0] == campaign_id}


def _send(lead: Lead, position: int, status: SendStatus, at: datetime) -> Send:
    return Send(
        id=new_id("send"),
        workspace_id=lead.workspace_id,
        campaign_id=lead.campaign_id,
        lead_id=lead.id,
        step_position=position,
        to_email=lead.email,
        from_email="anita@sender.test",
        status=status,
        sent_at=at if status == SendStatus.SENT else None,
        created_at=at,
        updated_at=at,
    )


async def test_counters_follow_every_change_of_the_rows(db: Database) -> None:
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id)
    a = await make_lead(db, camp, created_at=T0)
    b = await make_lead(db, camp, created_at=T0 + timedelta(hours=1))  # the next UTC day
    got = await _assert_exact(db, camp.id)
    assert got[(0, "", "leads")] == 2
    assert got[(0, "", "leads.queued")] == 2

    # a send claimed, then sent; another failed; a third sent, then bounced
    async with db.session() as s:
        sa_ = _send(a, 1, SendStatus.CLAIMED, T0)
        sb = _send(b, 1, SendStatus.SENT, T0 + timedelta(hours=2))
        s.add_all([sa_, sb])
        await s.commit()
        sa_.status, sa_.sent_at = SendStatus.SENT, T0 + timedelta(minutes=5)
        s.add(sa_)
        s.add(_send(a, 2, SendStatus.FAILED, T0 + timedelta(days=3)))
        await s.commit()
        sb.status, sb.updated_at = SendStatus.BOUNCED, T0 + timedelta(days=1)
        s.add(sb)
        lead_b = await s.get(Lead, b.id)
        assert lead_b is not None
        lead_b.status = LeadStatus.BOUNCED
        s.add(lead_b)
        # an answer to a reply counts as sent at step 0
        answer = _send(a, 1, SendStatus.SENT, T0 + timedelta(days=2))
        answer.step_position, answer.kind = None, SendKind.REPLY
        s.add(answer)
        await s.commit()
    got = await _assert_exact(db, camp.id)
    sender = "anita@sender.test"
    assert got[(1, sender, "sent")] == 2
    assert got[(1, sender, "bounced")] == 1
    assert got[(2, sender, "failed")] == 1
    assert got[(0, sender, "answer.sent")] == 1
    assert got[(0, "", "leads.bounced")] == 1

    # a reply: stored unmatched, matched to the campaign, labelled, relabelled
    async with db.session() as s:
        r = Reply(
            id=new_id("reply"),
            workspace_id=ws.id,
            from_email=a.email,
            to_email=sender,
            received_at=T0 + timedelta(days=1),
        )
        bounce = Reply(id=new_id("reply"), workspace_id=ws.id, kind=ReplyKind.BOUNCE)
        s.add_all([r, bounce])
        await s.commit()
        assert (await _assert_exact(db, camp.id)).get((1, sender, "replied")) is None
        r.lead_id, r.campaign_id, r.step_position = a.id, camp.id, 1
        s.add(r)
        await s.commit()
        r.label = "interested"
        s.add(r)
        await s.commit()
        got = await _assert_exact(db, camp.id)
        assert got[(1, sender, "replied")] == 1
        assert got[(1, sender, "replied.interested")] == 1
        r.label = "unsubscribe_request"
        s.add(r)
        lead_a = await s.get(Lead, a.id)
        assert lead_a is not None
        lead_a.status, lead_a.current_step = LeadStatus.UNSUBSCRIBED, 1
        lead_a.finished_at = T0 + timedelta(days=1)
        s.add(lead_a)
        await s.commit()
    got = await _assert_exact(db, camp.id)
    assert got.get((1, sender, "replied.interested")) is None
    assert got[(1, sender, "replied.unsubscribe_request")] == 1
    assert got[(1, "", "unsubscribed")] == 1

    async with db.session() as s:
        assert await counters.rollup(s) > 0
        pending = (
            await (await s.connection()).execute(sa.text("SELECT COUNT(*) FROM counter_delta"))
        ).scalar()
        assert pending == 0
    assert await _assert_exact(db, camp.id) == got

    async with db.session() as s:
        days = await counters.daily(s, camp.id, T0.date(), (T0 + timedelta(days=3)).date())
    assert days["2026-11-30"] == {"leads": 1, "sent": 1}
    assert days["2026-12-01"]["leads"] == 1
    assert days["2026-12-01"]["sent"] == 1  # sb left and bounced on day 1
    assert days["2026-12-01"]["replied"] == 1
    assert days["2026-12-01"]["unsubscribed"] == 1
    assert days["2026-12-03"] == {"failed": 1}

    # deleting a lead's rows takes their counts away
    async with db.session() as s:
        await (await s.connection()).execute(sa.delete(Reply).where(Reply.lead_id == a.id))
        await (await s.connection()).execute(sa.delete(Send).where(Send.lead_id == a.id))
        await (await s.connection()).execute(sa.delete(Lead).where(Lead.id == a.id))
        await s.commit()
    got = await _assert_exact(db, camp.id)
    assert got[(0, "", "leads")] == 1
    assert got.get((1, sender, "replied")) is None
    assert got[(1, sender, "sent")] == 1


async def test_concurrent_writers_and_rollups_keep_the_counters_exact(db: Database) -> None:
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id)
    leads = [await make_lead(db, camp) for _ in range(12)]
    done = asyncio.Event()

    async def lead_story(lead: Lead) -> None:
        for position in (1, 2, 3):
            async with db.session() as s:
                send = _send(lead, position, SendStatus.CLAIMED, datetime.now(UTC))
                s.add(send)
                await s.commit()
                send.status, send.sent_at = SendStatus.SENT, datetime.now(UTC)
                row = await s.get(Lead, lead.id)
                assert row is not None
                row.current_step, row.status = position, LeadStatus.ACTIVE
                s.add_all([send, row])
                await s.commit()

    async def roller() -> int:
        folded = 0
        while not done.is_set():
            async with db.session() as s:
                folded += await counters.rollup(s)
            await asyncio.sleep(0.01)
        return folded

    rollers = [asyncio.create_task(roller()) for _ in range(2)]
    await asyncio.gather(*(lead_story(lead) for lead in leads))
    done.set()
    assert sum(await asyncio.gather(*rollers)) > 0
    got = await _assert_exact(db, camp.id)
    assert got[(3, "anita@sender.test", "sent")] == 12
    assert got[(0, "", "leads.active")] == 12
    async with db.session() as s:
        await counters.rollup(s)
    assert await _assert_exact(db, camp.id) == got


async def test_recount_counters_command_repairs_drifted_counters(settings, db: Database) -> None:
    """`outreach admin recount-counters` (as an operator runs it) puts drifted counters
    back to what the rows say."""
    from tests.unit.test_cli_admin import outreach

    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id)
    for _ in range(3):
        await make_lead(db, camp)
    async with db.session() as s:  # drift: the deltas of this campaign lost
        conn = await s.connection()
        await conn.execute(
            sa.text("DELETE FROM counter_delta WHERE campaign_id = :c"), {"c": camp.id}
        )
        await s.commit()
        kept, _ = await counters.stored(s)
    assert (camp.id, 0, "", "leads") not in kept
    run = await outreach(settings, "admin", "recount-counters")
    assert run.code == 0, run.err
    assert run.json()["corrected"] >= 2  # `leads` and `leads.queued` of this campaign
    got = await _assert_exact(db, camp.id)
    assert got[(0, "", "leads")] == 3
    async with db.session() as s:
        leads = (await s.exec(select(Lead).where(Lead.campaign_id == camp.id))).all()
    assert len(leads) == 3


async def test_a_large_fold_vacuums_the_deltas_on_postgresql(db: Database) -> None:
    assert await counters.tidy(db, counters.TIDY_AFTER - 1) is False  # small: autovacuum's
    done = await counters.tidy(db, counters.TIDY_AFTER)
    assert done is (db.dialect == "postgresql")
    if done:
        async with db.session() as s:
            conn = await s.connection()
            sql = "SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'counter_delta'"
            assert (await conn.execute(sa.text(sql))).scalar_one() is not None


async def test_every_counted_table_has_its_triggers_at_head(db: Database) -> None:
    """A migration that rebuilds a counted table on SQLite (batch_alter_table) drops its
    triggers silently; after every migration, each counted table still has them."""
    if db.dialect == "sqlite":
        sql = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = (
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal"
        )
    async with db.session() as s:
        rows = (await (await s.connection()).execute(sa.text(sql))).all()
    found = {(table, name) for table, name in rows if name.startswith("counters_")}
    create, _ = counters.trigger_ddl(db.dialect)
    for table in counters.COUNTED_TABLES:
        names = {n for t, n in found if t == table}
        assert len(names) == (3 if db.dialect == "sqlite" else 1), (table, found)
    assert len([c for c in create if "CREATE TRIGGER" in c]) == len(found)

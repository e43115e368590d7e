"""Leads sent from the workspace's own mailboxes, on the time-skipping server with real
SMTP servers (AUTH, STARTTLS) on loopback: rotation over mailboxes with their own limits,
gaps and ramp, the follow-up from the first step's mailbox, a paused mailbox holding its
leads until it resumes, and the health rules (a refused login, the bounce rate)."""

from __future__ import annotations

import email
import email.policy
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from outreach.campaigns.service import notify_running_leads
from outreach.contracts import LEAD_QUERY_PROGRESS
from outreach.encryption.fields import seal_smtp_password
from outreach.inbound.status import MailboxStatus
from outreach.mailboxes.capacity import Policy, Ramp, limit_on
from outreach.models import Lead, Mailbox, Send, utcnow
from tests.conftest import settings_for
from tests.helpers import (
    advance_to,
    events_of,
    eventually,
    make_campaign,
    make_lead,
    make_workspace,
    reload,
    running_worker,
    start_lead,
)
from tests.mailboxes.helpers import make_sending_mailbox, use_mailboxes
from tests.smtp_servers import smtp_server

TWO_STEPS = [
    ("email", "P0D", "Hello {{firstName}}", "Step one"),
    ("email", "P1D", None, "Step two"),
]


async def next_monday_9(env) -> datetime:
    now = (await env.get_current_time()).astimezone(UTC)
    day = now.date() + timedelta(days=1)
    while day.weekday() != 0:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _sends_by_mailbox(sends: list[Send]) -> dict[str, list[Send]]:
    out: dict[str, list[Send]] = defaultdict(list)
    for s in sends:
        assert s.mailbox_id is not None
        out[s.mailbox_id].append(s)
    for rows in out.values():
        rows.sort(key=lambda s: s.scheduled_at)
    return out


async def _all_sends(db, campaign_id: str) -> list[Send]:
    async with db.session() as s:
        return list((await s.exec(select(Send).where(Send.campaign_id == campaign_id))).all())


async def test_rotation_over_three_mailboxes_keeps_each_limit_gap_and_ramp(ts_env, settings, db):
    async with (
        smtp_server(username="a-user", password="a-pass") as srv_a,
        smtp_server(tls="starttls", username="b-user", password="b-pass") as srv_b,
        smtp_server(username="c-user", password="c-pass") as srv_c,
    ):
        st = settings_for(settings, smtp_ca_file=srv_b.ca_file)
        t0 = await next_monday_9(ts_env)
        await advance_to(ts_env, t0)
        ws = await make_workspace(db)
        camp = await make_campaign(db, ws.id, TWO_STEPS)
        a = await make_sending_mailbox(db, st, ws.id, srv_a, daily_limit=3, min_gap_seconds=600)
        b = await make_sending_mailbox(db, st, ws.id, srv_b, daily_limit=2, min_gap_seconds=300)
        c = await make_sending_mailbox(
            db,
            st,
            ws.id,
            srv_c,
            daily_limit=5,
            min_gap_seconds=0,
            warmup_start_per_day=1,
            warmup_increase_per_day=1,
            warmup_started_on=t0.date(),
        )
        await use_mailboxes(db, camp.id, [a.id, b.id, c.id])
        leads = [await make_lead(db, camp, f"lead{i}@example.com") for i in range(12)]
        async with running_worker(ts_env.client, st, db):
            handles = [await start_lead(ts_env.client, st, db, lead) for lead in leads]
            for h in handles:
                assert await h.result() == "completed"

        sends = await _all_sends(db, camp.id)
        assert len(sends) == 24 and all(s.status == "sent" for s in sends)
        by_mailbox = _sends_by_mailbox(sends)
        policies = {
            a.id: Policy(3, 600),
            b.id: Policy(2, 300),
            c.id: Policy(5, 0, ramp=Ramp(1, 1), ramp_from=t0.date()),
        }
        for mailbox_id, rows in by_mailbox.items():
            per_day = Counter(s.scheduled_at.date() for s in rows)
            for day, n in per_day.items():
                assert n <= limit_on(policies[mailbox_id], day), (mailbox_id, day, n)
            gap = policies[mailbox_id].min_gap_seconds
            for before, after in zip(rows, rows[1:], strict=False):
                assert (after.scheduled_at - before.scheduled_at).total_seconds() >= gap - 3
        # Day one used every mailbox to its limit (3 + 2 + the ramp's 1).
        monday = Counter(s.mailbox_id for s in sends if s.scheduled_at.date() == t0.date())
        assert monday == {a.id: 3, b.id: 2, c.id: 1}
        # Each lead's follow-up left from its first step's mailbox, in the thread.
        servers = {a.id: srv_a, b.id: srv_b, c.id: srv_c}
        for lead in leads:
            lead_sends = sorted(
                (s for s in sends if s.lead_id == lead.id), key=lambda s: s.step_position
            )
            first, second = lead_sends
            assert first.mailbox_id == second.mailbox_id
            assert (await reload(db, Lead, lead.id)).mailbox_id == first.mailbox_id
            got = [m for m in servers[first.mailbox_id].messages if lead.email in m.recipients]
            assert len(got) == 2
            follow_up = email.message_from_bytes(got[1].data)
            assert follow_up["In-Reply-To"] == first.message_id
        # Each message left with its mailbox's login and From address (B over STARTTLS).
        mailboxes = {a.id: a, b.id: b, c.id: c}
        for mailbox_id, srv in servers.items():
            assert srv.messages and all(m.login == srv.username for m in srv.messages)
            for m in srv.messages:
                assert mailboxes[mailbox_id].email in email.message_from_bytes(m.data)["From"]
        assert all(m.tls for m in srv_b.messages)
        # One login per mailbox per burst, not one per message (connections are reused).
        assert srv_a.auths < len(srv_a.messages)


async def test_a_paused_mailbox_holds_its_leads_and_resume_releases_them(ts_env, settings, db):
    async with smtp_server(username="u", password="p") as srv:
        st = settings_for(settings)
        t0 = await next_monday_9(ts_env)
        await advance_to(ts_env, t0)
        ws = await make_workspace(db)
        camp = await make_campaign(db, ws.id, TWO_STEPS)
        m = await make_sending_mailbox(db, st, ws.id, srv, daily_limit=50, min_gap_seconds=0)
        await use_mailboxes(db, camp.id, [m.id])
        lead = await make_lead(db, camp)
        async with running_worker(ts_env.client, st, db):
            handle = await start_lead(ts_env.client, st, db, lead)
            await eventually(lambda: len(srv.messages) == 1)
            async with db.session() as s:
                row = await s.get(Mailbox, m.id)
                row.send_status, row.status_reason = MailboxStatus.PAUSED, "paused by request"
                s.add(row)
                await s.commit()
            # Step two falls due while the mailbox is paused: the lead waits for it.
            await advance_to(ts_env, t0 + timedelta(days=1, hours=1))

            async def waiting() -> bool:
                p = await handle.query(LEAD_QUERY_PROGRESS)
                return p["waitingFor"] == "mailbox_paused"

            await eventually(waiting)
            assert len(srv.messages) == 1
            async with db.session() as s:
                row = await s.get(Mailbox, m.id)
                row.send_status, row.status_reason = MailboxStatus.ACTIVE, None
                s.add(row)
                await s.commit()
            await notify_running_leads(ts_env.client, st, camp.id)  # what resume does
            assert await handle.result() == "completed"
        assert len(srv.messages) == 2
        sends = await _all_sends(db, camp.id)
        assert {s.mailbox_id for s in sends} == {m.id}


async def test_a_refused_login_puts_the_mailbox_in_error_and_its_lead_waits(ts_env, settings, db):
    async with smtp_server(username="u", password="right") as srv:
        st = settings_for(settings)
        t0 = await next_monday_9(ts_env)
        await advance_to(ts_env, t0)
        ws = await make_workspace(db)
        camp = await make_campaign(db, ws.id, TWO_STEPS[:1])
        m = await make_sending_mailbox(db, st, ws.id, srv, password="wrong", min_gap_seconds=0)
        await use_mailboxes(db, camp.id, [m.id])
        lead = await make_lead(db, camp)
        async with running_worker(ts_env.client, st, db):
            handle = await start_lead(ts_env.client, st, db, lead)

            async def in_error() -> bool:
                row = await reload(db, Mailbox, m.id)
                return row.send_status == MailboxStatus.ERROR

            await eventually(in_error)
            row = await reload(db, Mailbox, m.id)
            assert row.status_reason.startswith("SMTP authentication failed")
            paused = await eventually(lambda: events_of(db, ws.id, "mailbox.paused"))
            assert paused[0].data["mailbox"]["id"] == m.id
            assert paused[0].data["mailbox"]["status"] == "error"
            assert "smtp" in paused[0].data["mailbox"] and "password" not in str(paused[0].data)
            p = await handle.query(LEAD_QUERY_PROGRESS)
            assert p["waitingFor"] == "mailbox_paused"
            assert (await reload(db, Lead, lead.id)).status == "queued"  # not paused, waiting
            # The founder fixes the password and resumes: the email goes out.
            async with db.session() as s:
                row = await s.get(Mailbox, m.id)
                row.smtp_password = seal_smtp_password(st.keyring(), m.id, "right")
                row.send_status, row.status_reason, row.updated_at = "active", None, utcnow()
                s.add(row)
                await s.commit()
            await notify_running_leads(ts_env.client, st, camp.id)
            assert await handle.result() == "completed"
        assert len(srv.messages) == 1


async def test_a_bounce_rate_over_the_threshold_pauses_the_mailbox(ts_env, settings, db):
    async with smtp_server(username="u", password="p") as srv:
        st = settings_for(settings, mailbox_bounce_window=4, mailbox_bounce_threshold=0.5)
        t0 = await next_monday_9(ts_env)
        await advance_to(ts_env, t0)
        ws = await make_workspace(db)
        camp = await make_campaign(db, ws.id, TWO_STEPS[:1])
        m = await make_sending_mailbox(db, st, ws.id, srv, min_gap_seconds=60)
        await use_mailboxes(db, camp.id, [m.id])
        leads = [await make_lead(db, camp, f"gone{i}@example.com") for i in range(3)]
        leads.append(await make_lead(db, camp, "fine@example.com"))
        leads.append(await make_lead(db, camp, "later@example.com"))
        for lead in leads[:3]:
            srv.rcpt_replies[lead.email] = "550 5.1.1 no such user"
        async with running_worker(ts_env.client, st, db):
            handles = [await start_lead(ts_env.client, st, db, lead) for lead in leads[:3]]
            for h in handles:
                assert await h.result() == "bounced"

            async def paused() -> bool:
                row = await reload(db, Mailbox, m.id)
                return row.send_status == MailboxStatus.PAUSED

            await eventually(paused)
            row = await reload(db, Mailbox, m.id)
            assert "3 of the last" in row.status_reason
            events = await eventually(lambda: events_of(db, ws.id, "mailbox.paused"))
            assert len(events) == 1 and events[0].data["mailbox"]["status"] == "paused"
            # leads enrolled now wait for the mailbox; none is sent
            later = [await start_lead(ts_env.client, st, db, lead) for lead in leads[3:]]
            await advance_to(ts_env, t0 + timedelta(hours=1))
            for h in later:

                async def waits(h=h) -> bool:
                    p = await h.query(LEAD_QUERY_PROGRESS)
                    return p["waitingFor"] == "mailbox_paused"

                await eventually(waits)
        assert [m.recipients for m in srv.messages] == []


@pytest.mark.parametrize("workers", [8])
async def test_many_workers_taking_slots_at_once_never_overbook_a_mailbox(settings, db, workers):
    """Slots taken concurrently (one session each, as on many workers): never more than
    the limit, never two inside the gap."""
    import asyncio

    from outreach.mailboxes import store
    from outreach.models import Campaign

    async with smtp_server() as srv:
        ws = await make_workspace(db)
        camp = await make_campaign(db, ws.id, TWO_STEPS[:1])
        m = await make_sending_mailbox(
            db, settings, ws.id, srv, daily_limit=40, min_gap_seconds=120
        )
        now = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)

        async def one() -> datetime | None:
            for _ in range(50):
                async with db.session() as s:
                    mailbox = await s.get(Mailbox, m.id)
                    campaign = await s.get(Campaign, camp.id)
                    try:
                        at = await store._take(s, mailbox, campaign, now, None)
                        await s.commit()
                        return at
                    except store.SlotContention:
                        await s.rollback()
                    except Exception as exc:  # SQLite: "database is locked" under the race
                        if "locked" not in str(exc):
                            raise
                        await s.rollback()
                await asyncio.sleep(0.01)
            raise AssertionError("never got a slot")

        got = await asyncio.gather(*(one() for _ in range(workers * 6)))
        taken = sorted(x for x in got if x is not None)
        assert len(taken) == workers * 6
        per_day = Counter(x.date() for x in taken)
        assert per_day[date(2026, 3, 2)] == 40 and sum(per_day.values()) == workers * 6
        for before, after in zip(taken, taken[1:], strict=False):
            if before.date() == after.date():
                assert (after - before).total_seconds() >= 120
        assert len(set(taken)) == len(taken)


async def test_a_thousand_leads_at_once_on_ten_mailboxes_go_out_evenly_and_never_inside_the_gap(
    settings, db
):
    """Issue 10's case: 1,000 leads enrolled at once on 10 mailboxes with a 120 s gap
    (plus jitter). Every lead gets a slot at once (the pick is one transaction each, as the
    step activity does it); each mailbox gets about 100, its slots never closer than the gap, and
    the last goes about 100 gaps later, not all at once."""
    import random

    from outreach.mailboxes import store
    from outreach.models import Campaign

    rng = random.Random(7)
    async with smtp_server() as srv:
        ws = await make_workspace(db)
        camp = await make_campaign(db, ws.id, TWO_STEPS[:1])
        boxes = [
            await make_sending_mailbox(
                db, settings, ws.id, srv, daily_limit=200, min_gap_seconds=120
            )
            for _ in range(10)
        ]
        await use_mailboxes(db, camp.id, [m.id for m in boxes], rotation="even")
        now = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
        async with db.session() as s:
            leads = [
                Lead(
                    id=f"lead_thousand{i:04d}{ws.id[-6:]}",
                    workspace_id=ws.id,
                    campaign_id=camp.id,
                    email=f"p{i}@acme.example",
                )
                for i in range(1000)
            ]
            s.add_all(leads)
            await s.commit()
        for lead in leads:
            async with db.session() as s:
                row = await s.get(Lead, lead.id)
                campaign = await s.get(Campaign, camp.id)
                pick = await store.pick_mailbox(
                    s, row, campaign, 1, now, jitter=lambda n: rng.randint(0, n)
                )
                assert pick.mailbox is not None and pick.unavailable is None
                await s.commit()
        async with db.session() as s:
            rows = (await s.exec(select(Lead).where(Lead.campaign_id == camp.id))).all()
    slots: dict[str, list[datetime]] = defaultdict(list)
    for row in rows:
        assert row.mailbox_id is not None and row.slot_at is not None
        slots[row.mailbox_id].append(row.slot_at)
    counts = sorted(len(v) for v in slots.values())
    # Even: the earliest free slot; the jitter makes one mailbox free a little sooner.
    assert len(counts) == 10 and sum(counts) == 1000 and counts[0] >= 98 and counts[-1] <= 102
    for times in slots.values():
        times.sort()
        gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= 120 and max(gaps) <= 144  # the gap plus at most a fifth
    last = max(max(v) for v in slots.values())
    assert timedelta(seconds=99 * 120) <= last - now <= timedelta(seconds=99 * 144)


async def test_from_variables_are_the_mailbox_identity(ts_env, settings, db):
    """`{{fromName}}` / `{{fromEmail}}` in a step name who the email is from: the sending
    mailbox, not the campaign's fallback identity."""
    async with smtp_server() as srv:
        st = settings_for(settings)
        ws = await make_workspace(db)
        camp = await make_campaign(
            db, ws.id, [("email", "P0D", "From {{fromName}}", "Best, {{fromName}} <{{fromEmail}}>")]
        )
        m = await make_sending_mailbox(
            db,
            st,
            ws.id,
            srv,
            email="anita@sender.example.com",
            from_name="Anita Founder",
            min_gap_seconds=0,
        )
        await use_mailboxes(db, camp.id, [m.id])
        lead = await make_lead(db, camp)
        async with running_worker(ts_env.client, st, db):
            handle = await start_lead(ts_env.client, st, db, lead)
            assert await handle.result() == "completed"
        [got] = srv.messages
        message = email.message_from_bytes(got.data, policy=email.policy.default)
        assert message["Subject"] == "From Anita Founder"
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "Best, Anita Founder <anita@sender.example.com>" in text


async def test_mailboxes_free_at_once_take_turns(settings, db):
    """No gap, a burst of leads: every mailbox is free now for each pick, and `even` uses
    them in turn (the campaign's turn follows the mailbox chosen), not one several times
    running."""
    from outreach.mailboxes import store
    from outreach.models import Campaign

    async with smtp_server() as srv:
        ws = await make_workspace(db)
        camp = await make_campaign(db, ws.id, TWO_STEPS[:1])
        boxes = [
            await make_sending_mailbox(db, settings, ws.id, srv, min_gap_seconds=0)
            for _ in range(3)
        ]
        await use_mailboxes(db, camp.id, [m.id for m in boxes], rotation="even")
        now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        chosen = []
        for i in range(12):
            lead = await make_lead(db, camp, f"turn{i}@acme.example")
            async with db.session() as s:
                row = await s.get(Lead, lead.id)
                campaign = await s.get(Campaign, camp.id)
                # Each lead's clock a little earlier or later, as a burst's leads are.
                at = now + timedelta(milliseconds=(i % 3) * 400 - 400)
                pick = await store.pick_mailbox(s, row, campaign, 1, at)
                assert pick.mailbox is not None and pick.wait_until is None
                chosen.append(pick.mailbox.id)
                await s.commit()
    order = [m.id for m in boxes]
    assert chosen == order * 4

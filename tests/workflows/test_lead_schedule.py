"""Lead sequences on the time-skipping server: steps go out at the right instants, inside the
sending window, across DST, within the daily cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from outreach.models import Lead
from tests.conftest import settings_for
from tests.helpers import (
    WEEKDAYS,
    advance_to,
    close_to,
    make_campaign,
    make_lead,
    make_workspace,
    reload,
    running_worker,
    sends_of,
    start_lead,
)

NY = ZoneInfo("America/New_York")


async def next_weekday_at(env, weekday: int, hour: int, minute: int, tz=NY) -> datetime:
    """The next local `weekday` (0=Mon) at hh:mm, at least a day after the env's clock."""
    now = (await env.get_current_time()).astimezone(tz)
    day = now.date() + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).astimezone(UTC)


async def test_four_steps_over_ten_days_inside_a_new_york_weekday_window(
    ts_env, settings, db, smtp
):
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(
        db,
        ws.id,
        [
            ("email", "P0D", "Hello {{firstName}}", "Step one"),
            ("email", "PT1H", None, "Step two"),  # Fri 17:30 -> closed -> Mon 09:00
            ("email", "P2D", None, "Step three"),  # Mon 09:00 + 2 days -> Wed 09:00
            ("email", "P5DT9H", None, "Step four"),  # Wed 09:00 + 5d9h -> Mon 18:00 -> Tue 09:00
        ],
        timezone="America/New_York",
        window=WEEKDAYS,
    )
    lead = await make_lead(db, camp)
    friday = await next_weekday_at(ts_env, 4, 16, 30)
    await advance_to(ts_env, friday)
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        assert await handle.result() == "completed"
    sends = await sends_of(db, lead.id)
    local = friday.astimezone(NY)
    monday = local + timedelta(days=3)
    expected = [
        friday,
        monday.replace(hour=9, minute=0).astimezone(UTC),
        (monday + timedelta(days=2)).replace(hour=9, minute=0).astimezone(UTC),
        (monday + timedelta(days=8)).replace(hour=9, minute=0).astimezone(UTC),
    ]
    assert [s.step_position for s in sends] == [1, 2, 3, 4]
    assert all(s.status == "sent" for s in sends)
    for send, want in zip(sends, expected, strict=True):
        assert close_to(send.scheduled_at, want), (send.step_position, send.scheduled_at, want)
    assert len(smtp.messages) == 4
    assert (await reload(db, Lead, lead.id)).status == "completed"


def second_sunday_of_march(year: int) -> datetime:
    day = datetime(year, 3, 8)
    while day.weekday() != 6:
        day += timedelta(days=1)
    return day


async def test_dst_week_keeps_the_local_window(ts_env, settings, db, smtp):
    """The Friday before US DST starts: Friday 16:00 EST is 21:00 UTC, Monday 09:00 EDT is
    13:00 UTC (not 14:00), and P1D keeps the wall-clock time (Tuesday 09:00 EDT)."""
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(
        db,
        ws.id,
        [
            ("email", "P0D", "Hi", "one"),
            ("email", "P1D", None, "two"),  # Sat 16:00 -> closed -> Mon 09:00 EDT
            ("email", "P1D", None, "three"),  # Tue 09:00 EDT
        ],
        timezone="America/New_York",
        window=WEEKDAYS,
    )
    lead = await make_lead(db, camp)
    year = (await ts_env.get_current_time()).year + 1  # the server's clock only moves on
    sunday = second_sunday_of_march(year)
    friday = sunday - timedelta(days=2)
    start = datetime(friday.year, 3, friday.day, 21, 0, tzinfo=UTC)
    assert start.astimezone(NY).hour == 16  # still EST
    await advance_to(ts_env, start)
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        assert await handle.result() == "completed"
    sends = await sends_of(db, lead.id)
    expected = [
        start,
        datetime(year, 3, sunday.day + 1, 13, 0, tzinfo=UTC),
        datetime(year, 3, sunday.day + 2, 13, 0, tzinfo=UTC),
    ]
    for send, want in zip(sends, expected, strict=True):
        assert close_to(send.scheduled_at, want), (send.step_position, send.scheduled_at, want)


async def test_lead_time_zone_overrides_the_campaign(ts_env, settings, db, smtp):
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(
        db, ws.id, [("email", "P0D", "Hi", "one")], timezone="America/New_York", window=WEEKDAYS
    )
    lead = await make_lead(db, camp, timezone="Europe/Berlin")
    # Monday 06:00 in New York is 12:00 in Berlin: open for the lead, closed for New York.
    monday = await next_weekday_at(ts_env, 0, 6, 0)
    await advance_to(ts_env, monday)
    async with running_worker(ts_env.client, st, db):
        handle = await start_lead(ts_env.client, st, db, lead)
        assert await handle.result() == "completed"
    (send,) = await sends_of(db, lead.id)
    assert close_to(send.scheduled_at, monday)


async def test_daily_cap_of_two_spreads_five_leads_over_three_days(ts_env, settings, db, smtp):
    st = settings_for(settings, smtp)
    ws = await make_workspace(db)
    camp = await make_campaign(
        db,
        ws.id,
        [("email", "P0D", "Hi", "one")],
        timezone="America/New_York",
        window=WEEKDAYS,
        daily_cap=2,
    )
    leads = [await make_lead(db, camp) for _ in range(5)]
    monday = await next_weekday_at(ts_env, 0, 10, 0)
    await advance_to(ts_env, monday)
    async with running_worker(ts_env.client, st, db):
        handles = [await start_lead(ts_env.client, st, db, lead) for lead in leads]
        for h in handles:
            assert await h.result() == "completed"
    sends = [s for lead in leads for s in await sends_of(db, lead.id)]
    days = sorted(s.scheduled_at.astimezone(NY).date() for s in sends)
    first = monday.astimezone(NY).date()
    assert days == [
        first,
        first,
        first + timedelta(days=1),
        first + timedelta(days=1),
        first + timedelta(days=2),
    ]
    later = [s for s in sends if s.scheduled_at.astimezone(NY).date() != first]
    # Deferred sends go out when the next day's window opens, never at midnight.
    assert all(s.scheduled_at.astimezone(NY).hour == 9 for s in later)
    assert len(smtp.messages) == 5


async def test_leads_held_by_the_cap_spread_out_after_midnight(ts_env, settings, db, smtp):
    """No sending window: leads deferred by a spent daily cap do not all wake at 00:00; they
    spread over the jitter (10 minutes here)."""
    st = settings_for(settings, smtp, send_jitter_seconds=600)
    ws = await make_workspace(db)
    camp = await make_campaign(
        db, ws.id, [("email", "P0D", "Hi", "one")], timezone="UTC", daily_cap=1
    )
    leads = [await make_lead(db, camp) for _ in range(4)]
    async with running_worker(ts_env.client, st, db):
        handles = [await start_lead(ts_env.client, st, db, lead) for lead in leads]
        for h in handles:
            assert await h.result() == "completed"
    sends = sorted(
        [s for lead in leads for s in await sends_of(db, lead.id)], key=lambda s: s.scheduled_at
    )
    later = sends[1:]
    assert len({s.scheduled_at.date() for s in sends}) == 4  # one a day
    offsets = [
        (s.scheduled_at - s.scheduled_at.replace(hour=0, minute=0, second=0, microsecond=0))
        for s in later
    ]
    assert all(timedelta(0) <= o <= timedelta(seconds=605) for o in offsets), offsets
    assert any(o > timedelta(seconds=5) for o in offsets), offsets

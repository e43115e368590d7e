"""The limiter on the real database (SQLite, or PostgreSQL with OUTREACH_DATABASE_URL):
controlled clock, concurrent bursts from several engines (as several API processes would
be), other workspaces unaffected, refusals writing nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlmodel import func, select

from outreach.config import Settings
from outreach.db import Database
from outreach.models import RateLimitHit
from outreach.ratelimit import service
from outreach.ratelimit.limits import CONTRACT, Limits, RateAction, Window
from tests.helpers import make_workspace

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _take(db: Database, ws: str, limits: Limits, now: datetime, commit: bool = True):
    async with db.session() as s:
        verdict, hit = await service.take(s, ws, RateAction.REPLY_DRAFT, limits, now)
        if verdict.allowed and commit:
            await s.commit()
        else:
            await s.rollback()
        return verdict, hit


async def _hits(db: Database, ws: str) -> int:
    async with db.session() as s:
        return (
            await s.exec(
                select(func.count())
                .select_from(RateLimitHit)
                .where(RateLimitHit.workspace_id == ws)
            )
        ).one()


async def test_windows_on_the_database_with_a_controlled_clock(db: Database) -> None:
    ws = (await make_workspace(db)).id
    limits = Limits(2, 3, 4)
    assert (await _take(db, ws, limits, T0))[0].allowed
    assert (await _take(db, ws, limits, T0 + timedelta(seconds=30)))[0].allowed
    refused, hit = await _take(db, ws, limits, T0 + timedelta(seconds=59))
    assert (refused.allowed, refused.window, refused.retry_after, hit) == (
        False,
        Window.MINUTE,
        1,
        None,
    )
    assert await _hits(db, ws) == 2  # the refusal wrote nothing
    third, _ = await _take(db, ws, limits, T0 + timedelta(seconds=60))
    # Minute and hour both have none left after it: the shorter window is named.
    assert (third.allowed, third.window, third.remaining) == (True, Window.MINUTE, 0)
    hour, _ = await _take(db, ws, limits, T0 + timedelta(minutes=30))
    assert (hour.allowed, hour.window, hour.retry_after) == (False, Window.HOUR, 30 * 60)
    assert (await _take(db, ws, limits, T0 + timedelta(hours=1)))[0].allowed  # 4th of the day
    day, _ = await _take(db, ws, limits, T0 + timedelta(hours=5))
    assert (day.allowed, day.window, day.limit) == (False, Window.DAY, 4)
    assert day.retry_after == 19 * 3600  # T0 + 24 h
    # A day later the old hits are gone from the table too (kept one day only).
    assert (await _take(db, ws, limits, T0 + timedelta(days=2)))[0].allowed
    assert await _hits(db, ws) == 1


async def test_a_rolled_back_call_spends_nothing(db: Database) -> None:
    ws = (await make_workspace(db)).id
    limits = Limits(1, 10, 10)
    verdict, _ = await _take(db, ws, limits, T0, commit=False)
    assert verdict.allowed
    assert await _hits(db, ws) == 0
    assert (await _take(db, ws, limits, T0))[0].allowed


async def test_concurrent_burst_admits_exactly_the_limit(db: Database, settings: Settings) -> None:
    """30 calls at once through three engines (three API processes): with the contract's
    10 per minute for reply drafts, exactly 10 pass; another workspace's burst is counted
    apart."""
    ws, other = (await make_workspace(db)).id, (await make_workspace(db)).id
    engines = [db, Database(settings), Database(settings)]
    limits = CONTRACT[RateAction.REPLY_DRAFT]
    now = datetime.now(UTC)

    async def one(i: int, workspace: str):
        return (await _take(engines[i % 3], workspace, limits, now + timedelta(milliseconds=i)))[0]

    try:
        verdicts = await asyncio.gather(
            *(one(i, ws) for i in range(30)), *(one(i, other) for i in range(12))
        )
    finally:
        for e in engines[1:]:
            await e.dispose()
    mine, theirs = verdicts[:30], verdicts[30:]
    assert sum(v.allowed for v in mine) == 10
    assert sum(v.allowed for v in theirs) == 10
    assert {v.window for v in mine if not v.allowed} == {Window.MINUTE}
    assert sorted(v.remaining for v in mine if v.allowed) == list(range(10))
    assert await _hits(db, ws) == 10

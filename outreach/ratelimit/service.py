"""Taking a slot of a workspace's rate limit, shared by every API process through the
database.

The bucket row of (workspace, action) is updated first: on PostgreSQL that row lock, on
SQLite the database write lock, makes the takers of one limit go one at a time until
their transaction ends, so with a limit of N exactly N of a concurrent burst pass. The
admitted call's hit is written in the caller's transaction: a call whose work is rolled
back, and a refused call, leave nothing behind.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from outreach.models import RateLimitBucket, RateLimitHit, utcnow
from outreach.ratelimit.limits import LONGEST, Limits, RateAction, Verdict, decide


async def _lock_bucket(session: AsyncSession, workspace_id: str, action: RateAction) -> None:
    for _ in range(3):
        locked = await session.exec(
            update(RateLimitBucket)
            .where(
                col(RateLimitBucket.workspace_id) == workspace_id,
                col(RateLimitBucket.action) == action.value,
            )
            .values(taken=col(RateLimitBucket.taken))
        )
        if locked.rowcount == 1:
            return
        try:
            async with session.begin_nested():
                session.add(RateLimitBucket(workspace_id=workspace_id, action=action.value))
        except IntegrityError:
            continue  # another process made the row first: lock it
    raise RuntimeError(f"rate limit bucket {workspace_id}/{action} could not be locked")


async def take(
    session: AsyncSession,
    workspace_id: str,
    action: RateAction,
    limits: Limits,
    now: datetime | None = None,
) -> tuple[Verdict, int | None]:
    """(verdict, id of the hit written when admitted). The caller commits (with the work
    the call does) or rolls back; on a refusal it must roll back (nothing was written but
    the lock). `now` defaults to the clock read once the lock is held (a call that waited
    for it counts from when it got it)."""
    await _lock_bucket(session, workspace_id, action)
    now = now or utcnow()
    recent = list(
        (
            await session.exec(
                select(RateLimitHit.at)
                .where(
                    RateLimitHit.workspace_id == workspace_id,
                    RateLimitHit.action == action.value,
                    col(RateLimitHit.at) > now - LONGEST,
                )
                .order_by(col(RateLimitHit.at))
            )
        ).all()
    )
    verdict = decide(limits, recent, now)
    if not verdict.allowed:
        return verdict, None
    await session.exec(
        delete(RateLimitHit).where(
            col(RateLimitHit.workspace_id) == workspace_id,
            col(RateLimitHit.action) == action.value,
            col(RateLimitHit.at) <= now - LONGEST,
        )
    )
    await session.exec(
        update(RateLimitBucket)
        .where(
            col(RateLimitBucket.workspace_id) == workspace_id,
            col(RateLimitBucket.action) == action.value,
        )
        .values(taken=col(RateLimitBucket.taken) + 1)
    )
    hit = RateLimitHit(workspace_id=workspace_id, action=action.value, at=now)
    session.add(hit)
    await session.flush()
    return verdict, hit.id


async def give_back(session: AsyncSession, hit_id: int) -> None:
    """Return an admitted call's slot (its work could not start). The caller commits."""
    await session.exec(delete(RateLimitHit).where(col(RateLimitHit.id) == hit_id))

"""Nothing stranded when Temporal is away: the outbox.

A change the API commits that a workflow must learn about (a new lead: its workflow must
start; an unsubscribe click: the lead's workflow must hear it) writes an `OutboxItem` in
the same transaction. The API then delivers it at once and deletes the row; when Temporal
is unreachable the row stays, and the sweeper delivers it once Temporal answers:

- a Temporal schedule (`outbox-sweeper`, every minute, overlap skip) runs
  `OutboxSweepWorkflow`, whose one activity calls `sweep`;
- every worker runs `sweep` once when it starts (the catch-up after an outage or a
  deploy), and makes sure the schedule exists.

Each row is delivered once: a sweeper claims it (`claimed_until`, a conditional UPDATE
that only one of several sweepers wins), delivers it, and deletes it. A start cannot run
twice anyway (the workflow id with REJECT_DUPLICATE); a signal whose delivery succeeded
but whose row could not be deleted would be sent again after the claim expires, and the
lead's workflow treats a second unsubscribe as a no-op (the lead is already unsubscribed,
and `lead.unsubscribed` is recorded once by its dedupe key).

Rows younger than `MIN_AGE` are left to the request that wrote them (it is delivering
them right now).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import (
    Client,
    Schedule,
)
from temporalio.service import RPCError, RPCStatusCode

from outreach import temporal
from outreach.config import Settings
from outreach.db import Database
from outreach.models import Lead, OutboxItem, utcnow

log = logging.getLogger("outreach.outbox")

OUTBOX_SWEEP_WORKFLOW = "OutboxSweepWorkflow"
SCHEDULE_ID = "outbox-sweeper"  # + "-<task queue>": one per installation in a namespace
SWEEP_WORKFLOW_ID = "outbox-sweep"
SWEEP_EVERY = timedelta(minutes=1)
MIN_AGE = timedelta(seconds=60)
CLAIM_FOR = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=1)
BATCH = 500
CONCURRENCY = 8  # starts and signals in flight at once (the dev server chokes on 1,000)
RPC_TIMEOUT = timedelta(seconds=10)
# Temporal itself is away: stop this sweep, the next one retries.
_UNREACHABLE = {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED}


class OutboxKind(StrEnum):
    LEAD_START = "lead_start"
    LEAD_SIGNAL = "lead_signal"
    # A campaign's autopilot schedule must follow its row (outreach/autopilot/schedule.py);
    # the item's `lead_id` holds the campaign's id.
    AUTOPILOT_SCHEDULE = "autopilot_schedule"


@dataclass
class SweepResult:
    delivered: int = 0
    failed: int = 0
    dropped: int = 0  # the lead is gone: nothing to deliver
    pending: int = 0  # left for a later sweep (too young, claimed, or Temporal away)


def _new_id() -> str:
    return "obx_" + secrets.token_hex(10)


def start_key(lead_id: str) -> str:
    return f"lead_start:{lead_id}"


def signal_key(lead_id: str, signal: str) -> str:
    return f"lead_signal:{lead_id}:{signal}"


def add_lead_start(session: AsyncSession, lead: Lead) -> None:
    """In the transaction that creates the lead: its workflow must start."""
    session.add(
        OutboxItem(
            id=_new_id(),
            workspace_id=lead.workspace_id,
            kind=OutboxKind.LEAD_START,
            dedupe_key=start_key(lead.id),
            lead_id=lead.id,
        )
    )


async def add_lead_signal(session: AsyncSession, lead: Lead, signal: str, arg: Any = None) -> None:
    """In the transaction of the change: the lead's workflow must get this signal. One
    pending row per (lead, signal): a second click before delivery adds nothing."""
    pending = (
        await session.exec(
            select(OutboxItem).where(OutboxItem.dedupe_key == signal_key(lead.id, signal))
        )
    ).first()
    if pending is None:
        session.add(
            OutboxItem(
                id=_new_id(),
                workspace_id=lead.workspace_id,
                kind=OutboxKind.LEAD_SIGNAL,
                dedupe_key=signal_key(lead.id, signal),
                lead_id=lead.id,
                signal=signal,
                arg=arg,
            )
        )


async def delivered(session: AsyncSession, dedupe_key: str) -> None:
    """Temporal has it: the row goes (committed here)."""
    await session.exec(delete(OutboxItem).where(col(OutboxItem.dedupe_key) == dedupe_key))
    await session.commit()


async def _claim(db: Database, item_id: str) -> bool:
    now = utcnow()
    async with db.session() as s:
        result = await s.exec(
            update(OutboxItem)
            .where(
                col(OutboxItem.id) == item_id,
                or_(
                    col(OutboxItem.claimed_until).is_(None),
                    col(OutboxItem.claimed_until) < now,
                ),
            )
            .values(claimed_until=now + CLAIM_FOR, attempts=col(OutboxItem.attempts) + 1)
        )
        await s.commit()
        return bool(result.rowcount == 1)


async def _deliver(db: Database, settings: Settings, client: Client, item: OutboxItem) -> str:
    from outreach.leads import service
    from outreach.leads.runs import signal_lead

    if item.kind == OutboxKind.AUTOPILOT_SCHEDULE:
        from outreach.autopilot import schedule

        return await schedule.deliver(db, settings, client, item)
    async with db.session() as s:
        lead = await s.get(Lead, item.lead_id)
        if lead is None:
            await s.exec(delete(OutboxItem).where(col(OutboxItem.id) == item.id))
            await s.commit()
            return "dropped"
        if item.kind == OutboxKind.LEAD_START:
            await service.start(client, settings, s, lead, db=db)  # deletes the row
        else:
            assert item.signal is not None
            await s.commit()  # no transaction held across the RPC
            await signal_lead(client, settings, lead, item.signal, item.arg)
            await s.exec(delete(OutboxItem).where(col(OutboxItem.id) == item.id))
            await s.commit()
    return "delivered"


async def _record_failure(
    db: Database, item: OutboxItem, exc: BaseException, backoff: bool = True
) -> None:
    """Keep the row for a later sweep. A row that failed on its own (not because Temporal
    is away) backs off: 4, 8, 16... minutes after each failed attempt, at most an hour, so
    a row that always fails does not take every round's slots."""
    wait = min(timedelta(minutes=2 ** max(2, item.attempts + 1)), MAX_BACKOFF)
    if not backoff:
        wait = CLAIM_FOR
    async with db.session() as s:
        await s.exec(
            update(OutboxItem)
            .where(col(OutboxItem.id) == item.id)
            .values(last_error=type(exc).__name__[:200], claimed_until=utcnow() + wait)
        )
        await s.commit()


async def sweep(
    db: Database,
    settings: Settings,
    client: Client,
    *,
    min_age: timedelta = MIN_AGE,
    limit: int = BATCH,
    workspace_id: str | None = None,
) -> SweepResult:
    """Deliver the pending rows older than `min_age` (oldest first, at most `limit`; of
    one workspace when given)."""
    result = SweepResult()
    now = utcnow()
    query = select(OutboxItem).where(
        col(OutboxItem.created_at) <= now - min_age,
        or_(col(OutboxItem.claimed_until).is_(None), col(OutboxItem.claimed_until) < now),
    )
    if workspace_id is not None:
        query = query.where(OutboxItem.workspace_id == workspace_id)
    async with db.session() as s:
        items = (
            await s.exec(
                query.order_by(col(OutboxItem.created_at), col(OutboxItem.id)).limit(limit)
            )
        ).all()
    away = asyncio.Event()
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(item: OutboxItem) -> None:
        async with gate:
            if away.is_set() or not await _claim(db, item.id):
                result.pending += 1
                return
            try:
                outcome = await _deliver(db, settings, client, item)
            except Exception as exc:  # noqa: BLE001 - recorded; the claim expires, a later sweep retries
                result.failed += 1
                unreachable = isinstance(exc, RPCError) and exc.status in _UNREACHABLE
                if unreachable:
                    away.set()
                log.warning(
                    "outbox %s (%s %s) not delivered: %s",
                    item.id,
                    item.kind,
                    item.lead_id,
                    type(exc).__name__,
                )
                await _record_failure(db, item, exc, backoff=not unreachable)
                return
            if outcome == "dropped":
                result.dropped += 1
            else:
                result.delivered += 1

    await asyncio.gather(*(one(item) for item in items))
    if result.delivered or result.failed:
        log.info(
            "outbox sweep: %s delivered, %s failed, %s dropped, %s left",
            result.delivered,
            result.failed,
            result.dropped,
            result.pending,
        )
    return result


def schedule_id(settings: Settings) -> str:
    """The sweeper schedule of this installation (its task queue): two installations in
    one namespace each keep their own."""
    return f"{SCHEDULE_ID}-{settings.task_queue}"


def sweeper_schedule(settings: Settings) -> Schedule:
    return temporal.housekeeping_schedule(
        OUTBOX_SWEEP_WORKFLOW,
        f"{SWEEP_WORKFLOW_ID}-{settings.task_queue}",
        settings.task_queue,
        SWEEP_EVERY,
        "deliver pending workflow starts and signals",
    )


async def ensure_schedule(client: Client, settings: Settings) -> bool:
    """Create this installation's sweeper schedule unless it exists (True if created)."""
    return await temporal.ensure_schedule(
        client, schedule_id(settings), sweeper_schedule(settings), settings.task_queue
    )

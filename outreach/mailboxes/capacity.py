"""When a mailbox may send next: its daily limit after the ramp, its minimum gap (plus
jitter) and the campaign's sending window. Pure: the store takes the slot this computes in
one compare-and-set (store.py), so many workers never hand out the same capacity twice.

Slots are handed out in time order per mailbox: `next_free_at` only moves forward, and the
count of the mailbox-day of the last slot is kept beside it (`slot_day`, `slot_count`).
A mailbox's day is counted in its own time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from outreach import schedule

if TYPE_CHECKING:
    from outreach.models import Mailbox

# A send slot that is due within this much of now is taken at once (no timer).
DUE_TOLERANCE = timedelta(seconds=2)
MAX_DAYS_AHEAD = 30  # a mailbox with no capacity this far ahead is treated as full
JITTER_SHARE = 5  # a gap is lengthened by up to 1/JITTER_SHARE of itself


@dataclass(frozen=True)
class Ramp:
    """Warm-up: `start` sends on day 1, `increase` more each following day, up to the
    daily limit."""

    start: int
    increase: int


@dataclass(frozen=True)
class Policy:
    daily_limit: int
    min_gap_seconds: int
    timezone: str = "UTC"
    ramp: Ramp | None = None
    ramp_from: date | None = None  # day 1 of the ramp


@dataclass(frozen=True)
class Slots:
    """What has been handed out so far."""

    next_free_at: datetime | None = None
    day: str | None = None  # the mailbox-day of the last slot ("YYYY-MM-DD")
    count: int = 0  # slots taken on that day


@dataclass(frozen=True)
class Slot:
    at: datetime
    day: str
    count: int  # the slot's number on its day (1-based)
    next_free_at: datetime


def limit_on(policy: Policy, day: date) -> int:
    """The mailbox's limit on `day`: the ramp's figure for that day, capped by the limit."""
    if policy.ramp is None or policy.ramp_from is None:
        return policy.daily_limit
    n = max(0, (day - policy.ramp_from).days)
    return max(0, min(policy.daily_limit, policy.ramp.start + n * policy.ramp.increase))


def next_slot(
    policy: Policy,
    slots: Slots,
    now: datetime,
    *,
    window: schedule.SendWindow | None = None,
    window_timezone: str = "UTC",
    jitter: Callable[[int], int] | None = None,
) -> Slot | None:
    """The next slot: not before now or `next_free_at`, inside the window (in the
    campaign's zone), on a mailbox-day with capacity left. None when the mailbox has no
    capacity in the next MAX_DAYS_AHEAD days (a limit of 0). `jitter(n)` picks 0..n extra
    seconds of gap."""
    at = max(now, slots.next_free_at) if slots.next_free_at else now
    for _ in range(MAX_DAYS_AHEAD * 2 + 2):
        at = schedule.next_send_time(at, window_timezone, window)
        day = schedule.local_day(at, policy.timezone)
        taken = slots.count if day == slots.day else 0
        if taken < limit_on(policy, date.fromisoformat(day)):
            gap = max(0, policy.min_gap_seconds)
            extra = jitter(gap // JITTER_SHARE) if jitter and gap >= JITTER_SHARE else 0
            return Slot(at, day, taken + 1, at + timedelta(seconds=gap + extra))
        if (at - now) > timedelta(days=MAX_DAYS_AHEAD):
            return None
        at = schedule.start_of_next_day(at, policy.timezone)
    return None


def taken_today(policy: Policy, slots: Slots, now: datetime) -> int:
    """Slots handed out for the mailbox's current day."""
    return slots.count if slots.day == schedule.local_day(now, policy.timezone) else 0


def today(timezone: str) -> date:
    """The mailbox's current day."""
    return date.fromisoformat(schedule.local_day(datetime.now(UTC), timezone))


def policy_of(m: Mailbox) -> Policy:
    ramp = None
    if m.warmup_start_per_day is not None:
        ramp = Ramp(m.warmup_start_per_day, m.warmup_increase_per_day or 0)
    return Policy(
        daily_limit=m.daily_limit,
        min_gap_seconds=m.min_gap_seconds,
        timezone=m.timezone,
        ramp=ramp,
        ramp_from=m.warmup_started_on,
    )


def slots_of(m: Mailbox) -> Slots:
    return Slots(m.next_free_at, m.slot_day, m.slot_count)

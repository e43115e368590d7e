"""The contract's table of per-workspace sliding-window limits, and the pure decision.

| Action                     | Per minute | Per hour | Per day |
| Discovery (ICP / campaign) | 3          | 15       | 50      |
| Lead enrichment            | 30         | 200      | 1,000   |
| Reply draft                | 10         | 60       | 200     |
| Channel-touch regenerate   | 10         | 60       | 200     |
| Autopilot manual run       | 2          | 10       | 50      |

A plan may be given other numbers (`OUTREACH_RATE_LIMITS`, see `limits_for`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class RateAction(StrEnum):
    DISCOVERY = "discovery"
    LEAD_ENRICHMENT = "lead_enrichment"
    REPLY_DRAFT = "reply_draft"
    TOUCH_REGENERATE = "channel_touch_regenerate"
    AUTOPILOT_RUN = "autopilot_run"


class Window(StrEnum):
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"

    @property
    def length(self) -> timedelta:
        return _LENGTHS[self]


_LENGTHS = {
    Window.MINUTE: timedelta(minutes=1),
    Window.HOUR: timedelta(hours=1),
    Window.DAY: timedelta(days=1),
}
WINDOWS = (Window.MINUTE, Window.HOUR, Window.DAY)
LONGEST = timedelta(days=1)  # hits older than this count in no window


@dataclass(frozen=True)
class Limits:
    minute: int
    hour: int
    day: int

    def of(self, window: Window) -> int:
        limit: int = getattr(self, window.value)
        return limit


CONTRACT: dict[RateAction, Limits] = {
    RateAction.DISCOVERY: Limits(3, 15, 50),
    RateAction.LEAD_ENRICHMENT: Limits(30, 200, 1_000),
    RateAction.REPLY_DRAFT: Limits(10, 60, 200),
    RateAction.TOUCH_REGENERATE: Limits(10, 60, 200),
    RateAction.AUTOPILOT_RUN: Limits(2, 10, 50),
}


def limits_for(
    action: RateAction, plan: str, overrides: Mapping[str, Mapping[str, Sequence[int]]]
) -> Limits:
    """The contract's limits, unless the plan has its own: `overrides` is
    `{"<plan>": {"<action>": [per_minute, per_hour, per_day]}}`."""
    custom = overrides.get(plan, {}).get(action.value)
    if custom is None:
        return CONTRACT[action]
    return Limits(*custom)


def check_overrides(raw: Mapping[str, Mapping[str, Sequence[int]]]) -> None:
    """ValueError unless every override names a known action with three positive counts."""
    for plan, actions in raw.items():
        for action, counts in actions.items():
            if action not in RateAction.__members__.values():
                known = ", ".join(a.value for a in RateAction)
                raise ValueError(
                    f"rate limit for plan {plan!r}: unknown action {action!r}; {known}"
                )
            if len(counts) != 3 or any(type(c) is not int or c < 0 for c in counts):
                raise ValueError(
                    f"rate limit {plan}.{action}: give [per_minute, per_hour, per_day] as "
                    "three whole numbers >= 0"
                )


@dataclass(frozen=True)
class Verdict:
    """The answer for one call, and what its X-RateLimit-* headers say."""

    allowed: bool
    window: Window  # the window that refused, or the tightest one after an admission
    limit: int
    remaining: int
    retry_after: int = 0  # seconds (refusals only)

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Window": self.window.value,
            "X-RateLimit-Remaining": str(self.remaining),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


def decide(limits: Limits, recent: Sequence[datetime], now: datetime) -> Verdict:
    """Admit one more call, or not. `recent` holds the admitted calls of the last day, oldest
    first. A window admits while fewer than its limit fall in (now - length, now]. A refusal
    names the window that frees up last (waiting Retry-After seconds passes every window)."""
    in_window = {w: [t for t in recent if t > now - w.length] for w in WINDOWS}
    refusals: list[tuple[float, Window]] = []
    for w in WINDOWS:
        hits, limit = in_window[w], limits.of(w)
        if len(hits) >= limit:
            # The call that has to age out for one to pass: the (count - limit + 1)th oldest.
            if limit == 0:
                wait = w.length.total_seconds()
            else:
                frees_at = hits[len(hits) - limit] + w.length
                wait = (frees_at - now).total_seconds()
            refusals.append((wait, w))
    if refusals:
        wait, w = max(refusals, key=lambda r: (r[0], WINDOWS.index(r[1])))
        return Verdict(
            allowed=False,
            window=w,
            limit=limits.of(w),
            remaining=0,
            retry_after=max(1, math.ceil(wait)),
        )
    # Admitted: report the window with the fewest calls left after this one.
    w = min(WINDOWS, key=lambda w: (limits.of(w) - len(in_window[w]) - 1, WINDOWS.index(w)))
    return Verdict(
        allowed=True,
        window=w,
        limit=limits.of(w),
        remaining=limits.of(w) - len(in_window[w]) - 1,
    )

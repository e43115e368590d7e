"""When a sending mailbox must stop before it burns its domain. Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BounceRule:
    threshold: float = 0.05  # a hard-bounce share of ...
    window: int = 50  # ... the mailbox's last this-many sends


def over_bounce_threshold(bounced: int, sends: int, rule: BounceRule) -> bool:
    """True when the hard bounces among the mailbox's last `rule.window` sends exceed the
    threshold. A young mailbox is measured against the full window (3 bounces in its
    first 10 sends are 6 % of 50, not 30 %), so one early bounce never pauses it."""
    if bounced <= 0 or rule.window <= 0:
        return False
    return bounced / max(sends, rule.window) > rule.threshold


def bounce_reason(bounced: int, sends: int, rule: BounceRule) -> str:
    return (
        f"hard-bounce rate over the threshold: {bounced} of the last {min(sends, rule.window)} "
        f"sends bounced (over {rule.threshold:.0%} of {rule.window})"
    )

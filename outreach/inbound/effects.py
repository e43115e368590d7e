"""What each classifier label does to the lead's sequence. Pure (workflows import it).

interested, meeting_request, objection, not_interested, question, referral,
wrong_person, other      -> reply: the sequence stops, the lead is `replied`
                            (`lead.replied`, status reason = the label)
unsubscribe_request      -> unsubscribe: the address is suppressed, the lead
                            `unsubscribed` (`lead.unsubscribed`, not lead.replied)
out_of_office            -> hold until the stated return date when one was read (the next
                            step waits for it), else nothing: the sequence goes on
auto_reply               -> nothing: the sequence goes on
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

HUMAN_REPLY_LABELS = frozenset(
    {
        "interested",
        "meeting_request",
        "objection",
        "not_interested",
        "question",
        "referral",
        "wrong_person",
        "other",
    }
)
NO_EFFECT_LABELS = frozenset({"auto_reply"})

REPLY, UNSUBSCRIBE, HOLD, NONE = "reply", "unsubscribe", "hold", "none"


def effect_for(label: str | None, return_date: date | str | None) -> str:
    if label == "unsubscribe_request":
        return UNSUBSCRIBE
    if label == "out_of_office":
        return HOLD if return_date else NONE
    if label in NO_EFFECT_LABELS:
        return NONE
    return REPLY  # a human reply (or an unknown label: stopping is the safe side)


def hold_instant(return_date: date, timezone: str | None) -> datetime:
    """The start of the return date in the lead's time zone (the sending window then
    decides the hour), as UTC. An unknown zone counts as UTC."""
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.combine(return_date, time(0, 0), tzinfo=zone).astimezone(UTC)

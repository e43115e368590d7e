"""Data types shared by every part of the reply classifier."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

LABELS: tuple[str, ...] = (
    "interested",
    "meeting_request",
    "objection",
    "not_interested",
    "unsubscribe_request",
    "out_of_office",
    "auto_reply",
    "wrong_person",
    "referral",
    "question",
    "other",
)

#: Labels whose replies need a human (or the workflow) to act on them.
NEEDS_ACTION_LABELS: frozenset[str] = frozenset(
    {"interested", "meeting_request", "question", "referral", "objection"}
)


def needs_action(label: str) -> bool:
    """True when a reply with this label needs someone to act on it."""
    return label in NEEDS_ACTION_LABELS


def header_lookup(headers: Mapping[str, str] | None, name: str) -> str | None:
    """Case-insensitive header lookup (header names are case-insensitive, RFC 5322)."""
    if not headers:
        return None
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value if isinstance(value, str) else str(value)
    return None


@dataclass(frozen=True)
class ReplyText:
    """One inbound reply, reduced to what the classifier needs."""

    subject: str
    from_addr: str
    headers: dict[str, str]
    body: str
    received_at: datetime | None = None

    def header(self, name: str) -> str | None:
        """Case-insensitive header lookup."""
        return header_lookup(self.headers, name)


@dataclass(frozen=True)
class Classification:
    """The label of a reply, with the evidence that led to it."""

    label: str
    confidence: float
    reasons: Sequence[str] = ()  # stored as a tuple
    return_date: date | None = None
    referral_email: str | None = None
    #: Low confidence: a person should check the label (``needsReview`` in the API).
    needs_review: bool = False

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise ValueError(f"unknown label {self.label!r}")
        # Accept a list for convenience but store an immutable tuple.
        if not isinstance(self.reasons, tuple):
            object.__setattr__(self, "reasons", tuple(self.reasons))
        conf = float(self.confidence)
        object.__setattr__(self, "confidence", min(1.0, max(0.0, conf)))

    @property
    def needs_action(self) -> bool:
        return self.label in NEEDS_ACTION_LABELS


def to_dict(c: Classification) -> dict[str, Any]:
    """JSON-ready form of a classification.

    Always has ``label``, ``confidence`` and ``reasons``. ``returnDate`` (ISO date or null) is
    present for out_of_office replies or whenever a date was extracted; ``referralEmail`` (or
    null) is present for referral replies or whenever an address was extracted.
    """
    out: dict[str, Any] = {
        "label": c.label,
        "confidence": round(c.confidence, 3),
        "reasons": list(c.reasons),
        "needsReview": c.needs_review,
    }
    if c.label == "out_of_office" or c.return_date is not None:
        out["returnDate"] = c.return_date.isoformat() if c.return_date else None
    if c.label == "referral" or c.referral_email is not None:
        out["referralEmail"] = c.referral_email
    return out

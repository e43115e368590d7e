"""Which of a campaign's mailboxes sends a new lead's first step. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from outreach.mailboxes.status import Rotation


@dataclass(frozen=True)
class Candidate:
    mailbox_id: str
    slot_at: datetime  # its earliest free slot for this lead
    due: bool = False  # that slot is now (within the tolerance a send is taken at)


_TIE = datetime.min.replace(tzinfo=UTC)


def _waited(c: Candidate) -> tuple[int, datetime]:
    """`even`'s order: every mailbox free now ties (the campaign's turn decides: the one
    after the last used, so those free now are used in turn); then the earliest slot.
    (Due slots differ by less than the tolerance: they all go at once.)"""
    return (0, _TIE) if c.due else (1, c.slot_at)


def choose(
    candidates: list[Candidate], order: list[str], rotation: Rotation, cursor: int
) -> tuple[Candidate, int] | None:
    """The mailbox to use and the campaign's next rotation cursor. `candidates` are the
    campaign's mailboxes able to send (in any order), `order` the campaign's `mailboxIds`.

    even: the mailbox that has waited longest wins: of those free now, the one after the
    last used in the campaign's order; when none is free now, the earliest slot (a tie
    again going to the one after the last used).
    round_robin: the next mailbox in the campaign's order that can send."""
    if not candidates:
        return None
    by_id = {c.mailbox_id: c for c in candidates}
    ring = [m for m in order if m in by_id] or sorted(by_id)
    start = cursor % len(ring)
    turn = ring[start:] + ring[:start]  # from the cursor on
    if rotation == Rotation.ROUND_ROBIN:
        pick = turn[0]
    else:
        pick = min(turn, key=lambda m: _waited(by_id[m]))  # min keeps the first of a tie
    return by_id[pick], (ring.index(pick) + 1) % len(ring)

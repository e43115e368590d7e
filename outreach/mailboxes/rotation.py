"""Which of a campaign's mailboxes sends a new lead's first step. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from outreach.mailboxes.status import Rotation


@dataclass(frozen=True)
class Candidate:
    mailbox_id: str
    slot_at: datetime  # its earliest free slot for this lead


def choose(
    candidates: list[Candidate], order: list[str], rotation: Rotation, cursor: int
) -> tuple[Candidate, int] | None:
    """The mailbox to use and the campaign's next rotation cursor. `candidates` are the
    campaign's mailboxes able to send (in any order), `order` the campaign's `mailboxIds`.

    even: the earliest free slot (the mailbox that has waited longest) wins; a tie goes to
    the mailbox after the last one used, in the campaign's order.
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
        pick = min(turn, key=lambda m: by_id[m].slot_at)  # min keeps the first of a tie
    return by_id[pick], (ring.index(pick) + 1) % len(ring)

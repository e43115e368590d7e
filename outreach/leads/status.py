"""The lead's state machine: its statuses, which endings may replace which, and which
ending wins when two arrive together. The row, the workflow, the activities, the API and
the Temporal UI's `OutreachLeadStatus` all speak these values.

    queued --first step done--> active --last step done--> completed
       \\                          |
        `---- paused <--pause/resume (send_failed pauses too)
    open --reply / bounce / unsubscribe / stop--> replied | bounced | unsubscribed | stopped

A reply or a bounce after the sequence ended (completed, stopped) is still recorded; nothing
replaces an unsubscribe.
"""

from __future__ import annotations

from enum import StrEnum


class LeadSource(StrEnum):
    """Who made the lead (`source` on the lead and in `lead.created`)."""

    API = "api"  # POST /leads
    BULK = "bulk"  # POST /leads/bulk (and the CSV import, which calls it)
    DISCOVERY = "discovery"  # POST /campaigns/{id}/discover
    AUTOPILOT = "autopilot"  # an autopilot run's discovery


class LeadStatus(StrEnum):
    QUEUED = "queued"
    ACTIVE = "active"
    PAUSED = "paused"
    REPLIED = "replied"
    BOUNCED = "bounced"
    UNSUBSCRIBED = "unsubscribed"
    COMPLETED = "completed"
    STOPPED = "stopped"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL


OPEN = frozenset({LeadStatus.QUEUED, LeadStatus.ACTIVE, LeadStatus.PAUSED})
TERMINAL = frozenset(set(LeadStatus) - OPEN)

# When two endings arrive together (a reply during a stop), the stronger one wins.
ENDING_STRENGTH: dict[LeadStatus, int] = {
    LeadStatus.COMPLETED: 0,
    LeadStatus.STOPPED: 1,
    LeadStatus.REPLIED: 2,
    LeadStatus.BOUNCED: 3,
    LeadStatus.UNSUBSCRIBED: 4,
}

# Which statuses each ending may replace.
_ENDS_FROM: dict[LeadStatus, frozenset[LeadStatus]] = {
    LeadStatus.COMPLETED: OPEN,
    LeadStatus.STOPPED: OPEN,
    LeadStatus.REPLIED: OPEN | {LeadStatus.COMPLETED, LeadStatus.STOPPED},
    LeadStatus.BOUNCED: OPEN | {LeadStatus.COMPLETED, LeadStatus.STOPPED},
    LeadStatus.UNSUBSCRIBED: OPEN
    | {LeadStatus.COMPLETED, LeadStatus.STOPPED, LeadStatus.REPLIED, LeadStatus.BOUNCED},
}


def is_terminal(status: str) -> bool:
    return status in TERMINAL


def can_end(current: str, ending: str) -> bool:
    """May `ending` replace the lead's `current` status?"""
    return LeadStatus(current) in _ENDS_FROM[LeadStatus(ending)]


def stronger(ending: str, than: str | None) -> bool:
    """Does `ending` win over an ending already asked for (`than`)?"""
    return than is None or ENDING_STRENGTH[LeadStatus(ending)] > ENDING_STRENGTH[LeadStatus(than)]


def can_pause(current: str) -> bool:
    return current in (LeadStatus.QUEUED, LeadStatus.ACTIVE)


def resumed(current_step: int) -> LeadStatus:
    """The status a paused lead goes back to: active once a step is done, else queued."""
    return LeadStatus.ACTIVE if current_step > 0 else LeadStatus.QUEUED


def after_step(current: str, position: int, last_position: int) -> LeadStatus:
    """The status once step `position` is done: a queued lead becomes active; an active one
    that did its last step is completed. Paused or ended leads keep their status."""
    status = LeadStatus(current)
    if status == LeadStatus.QUEUED:
        status = LeadStatus.ACTIVE
    if status == LeadStatus.ACTIVE and position >= last_position:
        return LeadStatus.COMPLETED
    return status


# The target of a resume in a `LeadTransition`: back to `resumed(current_step)`.
RESUME = "resumed"

# Why the workflow paused a lead on its own (its `statusReason`): the step's send kept
# failing at SMTP, or its message could not be built (fix the lead or the step, then resume).
SEND_FAILED = "send_failed"
RENDER_FAILED = "render_failed"
PAUSED_BY_FAILURE = frozenset({SEND_FAILED, RENDER_FAILED})


class BulkRowStatus(StrEnum):
    """What `POST /leads/bulk` did with one row."""

    CREATED = "created"
    EXISTING = "existing"
    SUPPRESSED = "suppressed"
    INVALID = "invalid"
    DUPLICATE_IN_PAYLOAD = "duplicate_in_payload"

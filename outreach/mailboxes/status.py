"""What a sending mailbox can be, and how a campaign spreads new leads over its mailboxes."""

from __future__ import annotations

from enum import StrEnum

from outreach.inbound.status import MailboxStatus

__all__ = ["MailboxStatus", "Rotation", "StatusReason"]


class Rotation(StrEnum):
    EVEN = "even"  # the mailbox with the earliest free slot (the one waiting longest) sends next
    ROUND_ROBIN = "round_robin"  # in the campaign's order, one lead each


class StatusReason(StrEnum):
    """Why a mailbox stopped sending (its `statusReason` starts with one of these)."""

    API = "paused by request"
    AUTH_FAILED = "SMTP authentication failed"
    BOUNCE_RATE = "hard-bounce rate over the threshold"

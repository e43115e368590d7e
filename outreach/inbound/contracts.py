"""Names and payloads shared by the API, the reply workflows and their activities.

Plain dataclasses (Temporal's default converter); dates travel as ISO strings. No heavy
imports: workflows pass this module through the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass

INBOUND_REPLY_WORKFLOW = "InboundReplyWorkflow"
MAILBOX_SYNC_WORKFLOW = "MailboxSyncWorkflow"


def reply_workflow_id(reply_id: str) -> str:
    return f"reply-{reply_id}"


def mailbox_schedule_id(mailbox_id: str) -> str:
    return f"mailbox-{mailbox_id}"


def mailbox_sync_workflow_id(mailbox_id: str) -> str:
    return f"mailbox-sync-{mailbox_id}"


@dataclass
class MatchOutcome:
    """kind: reply | bounce | dsn | missing. lead_id: whose reply / whose bounce."""

    kind: str
    lead_id: str | None = None
    send_id: str | None = None


@dataclass
class ClassifyOutcome:
    label: str
    return_date: str | None = None  # ISO date
    referral_email: str | None = None


@dataclass
class ReplyEffect:
    """effect: reply | unsubscribe | hold | none (see outreach.inbound.effects)."""

    reply_id: str
    lead_id: str | None
    effect: str
    label: str | None = None
    return_date: str | None = None  # ISO date, for `hold`


@dataclass
class SyncOutcome:
    """status: ok | error | disabled | missing."""

    status: str
    stored: int = 0
    duplicates: int = 0
    ignored: int = 0  # our own messages
    skipped: int = 0  # not usable as a message (no sender, no threading headers)
    unreadable: int = 0  # stored from their headers alone (MIME structure over the bounds)
    last_uid: int = 0
    uidvalidity: int | None = None
    more: bool = False  # the run stopped at its cap; more messages are waiting
    error: str | None = None

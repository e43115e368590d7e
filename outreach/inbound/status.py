"""What an inbound message is, and how far its processing got.

    received (stored) -> matched (whose it is) -> classified (its label) -> done (applied)

A delivery status report is stored beside replies with kind `bounce` (a hard failure: the
lead bounces) or `dsn` (delayed / relayed: no effect); it is never listed as a reply.
"""

from __future__ import annotations

from enum import StrEnum


class ReplyStatus(StrEnum):
    RECEIVED = "received"
    MATCHED = "matched"
    CLASSIFIED = "classified"
    DONE = "done"


class ReplyKind(StrEnum):
    REPLY = "reply"
    BOUNCE = "bounce"
    DSN = "dsn"


# The kind `match_inbound` answers for a row that is gone.
MISSING = "missing"


class SyncStatus(StrEnum):
    """How one mailbox sync ended."""

    OK = "ok"
    ERROR = "error"  # the server or the mailbox failed; `lastError` says how
    DISABLED = "disabled"
    MISSING = "missing"  # the mailbox was deleted


class MailboxStatus(StrEnum):
    """What `GET /mailboxes` shows: derived from `enabled` and the last sync's error."""

    ACTIVE = "active"
    PAUSED = "paused"
    ERROR = "error"


# What `POST /inbound` answers for one of our own messages coming back: not stored.
OWN_MESSAGE = "own_message"
IGNORED = "ignored"


class EffectApplied(StrEnum):
    """What applying a reply's label did (the `apply_reply_effect` activity's answer)."""

    NONE = "none"
    MISSING = "missing"
    SUPPRESSED = "suppressed"
    REPLIED = "replied"
    UNSUBSCRIBED = "unsubscribed"
    HELD = "held"

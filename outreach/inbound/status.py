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

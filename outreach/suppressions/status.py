"""Where a suppression entry came from, and the reasons the engine writes itself."""

from __future__ import annotations

from enum import StrEnum


class SuppressionSource(StrEnum):
    UNSUBSCRIBE_LINK = "unsubscribe_link"  # the link or a one-click POST
    REPLY = "reply"  # a reply classified as an opt-out
    BOUNCE = "bounce"  # a hard bounce
    MANUAL = "manual"  # added through the API
    IMPORT = "import"  # `outreach suppressions import`


class SuppressionReason(StrEnum):
    """The reasons the engine writes (an entry added through the API has the caller's)."""

    UNSUBSCRIBED = "unsubscribed"  # the link, a one-click POST or an opt-out reply
    BOUNCED = "bounced"  # a hard bounce
    MANUAL = "manual"  # added by the workspace without a reason


# Sources a caller of POST /suppressions may name; the others are the engine's own.
CALLER_SOURCES = (SuppressionSource.MANUAL, SuppressionSource.IMPORT)

# Entries made before sources existed (migration 0004) and callers that name none.
SOURCE_OF_REASON: dict[str, SuppressionSource] = {
    SuppressionReason.UNSUBSCRIBED: SuppressionSource.UNSUBSCRIBE_LINK,
    SuppressionReason.BOUNCED: SuppressionSource.BOUNCE,
}

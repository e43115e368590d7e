"""The bodies of the suppression list API."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from outreach.models import Suppression
from outreach.schemas import In, Out, Timestamp
from outreach.suppressions.status import SuppressionSource

MAX_ENTRIES = 1000  # emails + domains in one POST /suppressions
MAX_REASON = 200


class SuppressionOut(Out):
    id: str
    email: str | None = Field(description="The address (normalised), or null for a domain")
    domain: str | None = Field(description="The domain (every address at it), or null")
    email_hash: str | None = Field(
        None,
        description="An erased person's address: SHA-256 hex of the normalised address "
        "(`email` and `leadId` null); it still suppresses that address",
    )
    reason: str
    source: SuppressionSource
    lead_id: str | None = Field(description="The lead whose unsubscribe or bounce added it")
    created_at: Timestamp

    @classmethod
    def of(cls, row: Suppression) -> SuppressionOut:
        return cls(
            id=row.id,
            email=row.email,
            domain=row.domain,
            email_hash=row.email_hash,
            reason=row.reason,
            source=SuppressionSource(row.source),
            lead_id=row.lead_id,
            created_at=row.created_at,
        )


class SuppressionList(Out):
    data: list[SuppressionOut]
    next_cursor: str | None


class SuppressionCreate(In):
    emails: list[str] = Field(default_factory=list, max_length=MAX_ENTRIES)
    domains: list[str] = Field(
        default_factory=list,
        max_length=MAX_ENTRIES,
        description="`acme.com` (or `@acme.com`): every address at exactly that domain",
    )
    reason: str | None = Field(
        None, max_length=MAX_REASON, description="Free text; `manual` when left out"
    )
    source: Literal["manual", "import"] = Field(
        "manual", description="`import` for bulk loads of an existing list"
    )


class SuppressionCounts(Out):
    added: int
    existing: int
    invalid: int


class SuppressionResult(Out):
    index: int = Field(description="Position in `emails`, then in `domains` (one sequence)")
    value: str
    status: Literal["added", "existing", "invalid"]
    id: str | None = None
    reason: str | None = Field(None, description="Why the value was refused (invalid only)")


class SuppressionCreated(Out):
    counts: SuppressionCounts
    results: list[SuppressionResult]

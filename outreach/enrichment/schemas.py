"""Enrichment bodies: what `POST /leads/{id}/enrich` takes and answers, and the lead's
`enrichment` as `GET /leads/{id}` shows it (stored as this JSON on the lead)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from outreach.enrichment.status import Deliverability, EnrichmentStatus
from outreach.schemas import In, Out, Timestamp


class EnrichIn(In):
    website: str | None = Field(
        None,
        max_length=2000,
        description="The company's site (http/https); default: the email's domain "
        "(not for free-mail or disposable domains)",
    )


class EnrichAccepted(Out):
    lead_id: str
    workflow_id: str
    run_id: str = Field(description="The Temporal run of EnrichLeadWorkflow")
    status: EnrichmentStatus


class EmailCheckOut(Out):
    deliverability: Deliverability
    reasons: list[str] = Field(
        description="invalid_syntax | domain_not_found | null_mx | no_mail_server | "
        "no_mx_address_fallback | dns_unavailable | mx_found | disposable_domain | "
        "role_account | free_mail; the first names the verdict's cause"
    )
    domain: str | None = None
    mx: list[str] = Field(default_factory=list)
    null_mx: bool = False
    disposable: bool = False
    role: bool = False
    free_mail: bool = False


def _absent(value: object) -> bool:
    return value is None


class EnrichmentOut(Out):
    """What was not found or written (no model, no site) is absent, not null."""

    status: EnrichmentStatus
    requested_at: Timestamp | None = Field(None, exclude_if=_absent)
    enriched_at: Timestamp | None = Field(None, exclude_if=_absent)
    run_id: str | None = Field(None, exclude_if=_absent)
    email: EmailCheckOut | None = Field(None, exclude_if=_absent)
    company: dict[str, Any] | None = Field(
        None,
        exclude_if=_absent,
        description="name, description, website, language, social {network: url}, "
        "openGraph {property: content}, organization (JSON-LD Organization)",
    )
    summary: str | None = Field(
        None, exclude_if=_absent, description="Written by the model, when one is set"
    )
    opener: str | None = Field(
        None, exclude_if=_absent, description="Written by the model, when one is set"
    )
    model: str | None = Field(None, exclude_if=_absent)
    note: str | None = Field(None, exclude_if=_absent)
    sources: list[dict[str, Any]] = Field(
        default_factory=list, description="Every DNS query and page fetch, with its outcome"
    )

    @classmethod
    def from_stored(cls, stored: dict[str, Any] | None) -> EnrichmentOut | None:
        return cls.model_validate(stored) if stored else None

"""Enrichment bodies: what `POST /leads/{id}/enrich` takes and answers, and the lead's
`enrichment` as `GET /leads/{id}` shows it (stored as this JSON on the lead)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

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


class EnrichmentOut(Out):
    status: EnrichmentStatus
    requested_at: Timestamp | None = None
    enriched_at: Timestamp | None = None
    run_id: str | None = None
    email: EmailCheckOut | None = None
    company: dict[str, Any] | None = Field(
        None,
        description="name, description, website, language, social {network: url}, "
        "openGraph {property: content}, organization (JSON-LD Organization)",
    )
    summary: str | None = Field(None, description="Written by the model, when one is set")
    opener: str | None = Field(None, description="Written by the model, when one is set")
    model: str | None = None
    note: str | None = None
    sources: list[dict[str, Any]] = Field(
        default_factory=list, description="Every DNS query and page fetch, with its outcome"
    )

    @model_serializer(mode="wrap")
    def _absent_when_unknown(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """What was not found or written (no model, no site) is absent, not null."""
        out: dict[str, Any] = handler(self)
        return {k: v for k, v in out.items() if v is not None}

    @classmethod
    def from_stored(cls, stored: dict[str, Any] | None) -> EnrichmentOut | None:
        return cls.model_validate(stored) if stored else None

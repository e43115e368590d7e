"""Discovery bodies: what `POST /campaigns/{id}/discover` takes and answers, and a run as
`GET /discovery-runs/{id}` shows it."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from outreach.discovery.rules import MAX_DOMAINS, MAX_ICP_CHARS
from outreach.discovery.status import DiscoveryStatus
from outreach.models import DiscoveryRun
from outreach.schemas import In, Out, Timestamp


class DiscoverIn(In):
    icp: str | None = Field(
        None,
        max_length=MAX_ICP_CHARS,
        description="The ideal customer, in words: roles, industries, places "
        '("heads of marketing at coffee roasters in Berlin")',
    )
    domains: list[str] = Field(
        default_factory=list,
        max_length=MAX_DOMAINS,
        description="Seed companies: domains or website URLs (acme.com, http://acme.example:8080/)",
    )
    limit: int = Field(25, description="At most this many new leads (1..100)")


class DiscoveryAccepted(Out):
    id: str = Field(description="The run: GET /discovery-runs/{id}")
    campaign_id: str
    workflow_id: str
    status: DiscoveryStatus


class DiscoveryRunOut(Out):
    model_config = ConfigDict(from_attributes=True)

    id: str
    campaign_id: str
    status: DiscoveryStatus
    trigger: str = Field(description="api | autopilot")
    icp: str | None
    domains: list[str]
    limit: int
    counts: dict[str, int] = Field(
        description="companies, candidates, and one count per outcome: created, duplicate, "
        "suppressed, no_address, not_matching, undeliverable, invalid, limit_reached"
    )
    queries: list[str] = Field(description="The web searches made (none without search)")
    companies: list[dict[str, Any]] = Field(
        description="Every company considered: site, status (read | unreachable | refused | "
        "disallowed_by_robots | invalid | limit_reached), from (seed | search), pages read; "
        "a search that failed appears as {search, status: unreachable, detail}"
    )
    candidates: list[dict[str, Any]] = Field(
        description="Every person found, best ranked first: company, name, title, email, "
        "addressFrom (page | pattern:<pattern>), foundOn, score, outcome, reason, leadId"
    )
    error: str | None
    created_at: Timestamp
    updated_at: Timestamp
    finished_at: Timestamp | None

    @classmethod
    def from_row(cls, run: DiscoveryRun) -> DiscoveryRunOut:
        return cls(
            id=run.id,
            campaign_id=run.campaign_id,
            status=DiscoveryStatus(run.status),
            trigger=run.trigger,
            icp=run.icp,
            domains=list(run.domains),
            limit=run.max_leads,
            counts={k: v for k, v in run.counts.items() if isinstance(v, int)},
            queries=list(run.queries),
            companies=list(run.companies),
            candidates=list(run.candidates),
            error=run.error,
            created_at=run.created_at,
            updated_at=run.updated_at,
            finished_at=run.finished_at,
        )

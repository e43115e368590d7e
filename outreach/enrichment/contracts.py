"""What the API, EnrichLeadWorkflow and its activities pass each other (dataclasses:
Temporal's JSON converter carries them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from outreach.enrichment.extract import PageFacts

ENRICH_LEAD_WORKFLOW = "EnrichLeadWorkflow"  # id `enrich-<leadId>`


def enrich_workflow_id(lead_id: str) -> str:
    """One id per lead: a second request while a run is going joins it; a later one starts
    a new run (the erasure of the lead ends and forgets them)."""
    return f"enrich-{lead_id}"


@dataclass
class EnrichRequest:
    lead_id: str
    website: str | None = None  # given in the request; else the email's domain's site


@dataclass
class AddressFacts:
    """The address as read without the network (syntax and lexicons); the address itself
    stays in the database (histories hold its domain only)."""

    syntax_ok: bool
    domain: str | None = None
    company_domain: str | None = None  # None for free mail and disposable domains
    disposable: bool = False
    role: bool = False
    free_mail: bool = False
    # The lead's own `website` custom field (a CSV column), when it can be fetched: read
    # before the email's domain (0.7.0; earlier results have none).
    website: str | None = None


@dataclass
class MxResult:
    nxdomain: bool = False
    null_mx: bool = False
    hosts: list[str] = field(default_factory=list)
    at: str = ""  # ISO time of the answer


@dataclass
class AddressQuery:
    domain: str
    kind: str  # A | AAAA


@dataclass
class Source:
    """One fetch of the company's site, as the lead's `enrichment.sources` shows it."""

    url: str
    status: str  # a SourceStatus
    http_status: int | None = None
    detail: str | None = None
    at: str = ""


@dataclass
class PageResult:
    """One page, fetched if its origin's robots.txt allows it (status
    `disallowed_by_robots` when not). The robots.txt text stays in the activity; the
    history holds only how it was read (`robots`: that fetch's source, cached or not)."""

    source: Source
    facts: PageFacts | None = None
    robots: Source | None = None


@dataclass
class ModelRequest:
    lead_id: str
    company: dict[str, Any]


@dataclass
class ModelWritten:
    summary: str | None = None
    opener: str | None = None
    model: str | None = None
    model_off: bool = False  # no model configured: nothing was written
    note: str | None = None  # why nothing was written (the model's failure)


@dataclass
class EnrichResult:
    lead_id: str
    run_id: str
    email: dict[str, Any]
    company: dict[str, Any]
    sources: list[dict[str, Any]]
    summary: str | None = None
    opener: str | None = None
    model: str | None = None
    note: str | None = None


@dataclass
class EnrichDone:
    lead_id: str
    deliverability: str  # a Deliverability
    company_found: bool

"""What starts DiscoveryWorkflow and what it answers (dataclasses: Temporal's JSON converter
carries them). The API starts it for `POST /campaigns/{id}/discover`; AutopilotWorkflow
starts it as a child. Either way the workflow records its run row itself if it is not there
yet (idempotent on `run_id`), so a parent only has to start it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DISCOVERY_WORKFLOW = "DiscoveryWorkflow"  # id `discover-<runId>`


def discovery_workflow_id(run_id: str) -> str:
    return f"discover-{run_id}"


@dataclass
class DiscoveryRequest:
    run_id: str  # `disc_…`: the run's row, `GET /discovery-runs/{id}`
    workspace_id: str
    campaign_id: str
    icp: str | None = None
    domains: list[str] = field(default_factory=list)
    limit: int = 25  # at most this many leads created
    trigger: str = "api"  # api | autopilot (who asked; the run row shows it)


@dataclass
class DiscoveryDone:
    run_id: str
    created: int  # leads created
    lead_ids: list[str] = field(default_factory=list)  # those leads, in creation order
    candidates: int = 0  # candidates considered


# -- what DiscoveryWorkflow and its activities pass each other (added fields only) -------


@dataclass
class RunOpened:
    """The run's row (created when absent, marked running) and what the worker allows."""

    takes_leads: bool  # False: the campaign is gone or archived (the run fails)
    reason: str | None = None
    search_on: bool = False  # OUTREACH_SEARCH_URL is set
    max_companies: int = 10
    max_pages: int = 5  # per company
    crawl_delay_seconds: float = 1.0  # between two pages of one site


@dataclass
class QueryPlan:
    """The searches built from the ICP (by the model; `model_off` when none is set) and the
    roles it names besides the vocabulary's."""

    queries: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    model: str | None = None
    model_off: bool = False


@dataclass
class SearchFound:
    urls: list[str] = field(default_factory=list)  # result URLs, in the engine's order


@dataclass
class SeenAddress:
    """An address seen on a page, with what the lexicons say of it (read in the activity)."""

    email: str
    role: bool = False
    free_mail: bool = False
    disposable: bool = False


@dataclass
class PersonFact:
    name: str
    title: str | None = None
    email: str | None = None
    source: str = ""  # jsonld | microdata | mailto | team_block


@dataclass
class CrawledPage:
    """One page of a company's site, as the history holds it: extracted facts, no body."""

    url: str
    status: str  # an enrichment SourceStatus
    final_url: str = ""
    http_status: int | None = None
    detail: str | None = None
    robots: str | None = None  # how its origin's robots.txt was read (a SourceStatus)
    company_name: str | None = None
    people: list[PersonFact] = field(default_factory=list)
    addresses: list[SeenAddress] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


@dataclass
class LeadRow:
    index: int  # the candidate's index in the run's report
    email: str
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    role: str | None = None


@dataclass
class CreateLeads:
    run_id: str
    campaign_id: str
    limit: int
    rows: list[LeadRow] = field(default_factory=list)
    source: str = "discovery"  # a LeadSource


@dataclass
class RowOutcome:
    index: int
    outcome: str  # an Outcome
    lead_id: str | None = None
    reason: str | None = None


@dataclass
class LeadsCreated:
    rows: list[RowOutcome] = field(default_factory=list)


@dataclass
class RunReport:
    run_id: str
    status: str  # a DiscoveryStatus
    counts: dict[str, int] = field(default_factory=dict)
    companies: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    error: str | None = None

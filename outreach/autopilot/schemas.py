"""Autopilot bodies: the campaign's `autopilot` settings and a run as the API (and the
`autopilot.completed` event) shows it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from outreach.autopilot.status import AutopilotRunStatus, AutopilotTrigger
from outreach.discovery.rules import MAX_DOMAINS, MAX_ICP_CHARS
from outreach.models import AutopilotRun
from outreach.schemas import In, Out, Timestamp

Domain = Annotated[str, Field(max_length=300)]


class DiscoveryIn(In):
    icp: str | None = Field(
        None, max_length=MAX_ICP_CHARS, description="Who to look for (an ideal customer profile)"
    )
    domains: list[Domain] = Field(
        default_factory=list,
        max_length=MAX_DOMAINS,
        description="Seed companies: `acme.com` or a site's URL",
    )


class AutopilotIn(In):
    """A campaign's autopilot; `time` and `days` are read in the campaign's `timezone`."""

    enabled: bool = False
    time: str = Field("09:00", max_length=5, description="HH:MM, 24-hour")
    days: list[str] = Field(
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"], max_length=7
    )
    new_leads_per_day: int = Field(10, description="1..500 leads discovered a day at most")
    discovery: DiscoveryIn = Field(default_factory=DiscoveryIn)
    enrich: bool = Field(True, description="Enrich the leads a run creates")
    draft_replies: bool = Field(
        True, description="Draft answers to replies that need one (never sent by the autopilot)"
    )


class AutopilotRunOut(Out):
    id: str
    campaign_id: str
    trigger: AutopilotTrigger
    status: AutopilotRunStatus
    day: str | None  # the campaign-local date whose quota it used
    quota: int  # leads it could still create when it began
    discovered: int  # leads discovery created
    enriched: int  # of those, enriched by this run (0 when the campaign's autoEnrich does it)
    enrolled: int  # of those, in the campaign's sequence
    drafted: int  # answers drafted (ready for review; never sent by the autopilot)
    errors: list[str]
    note: str | None
    discovery_run_id: str | None
    started_at: Timestamp
    finished_at: Timestamp | None

    @classmethod
    def from_row(cls, run: AutopilotRun) -> AutopilotRunOut:
        fields = {name: getattr(run, name) for name in cls.model_fields}
        return cls(**fields)


class AutopilotRunList(Out):
    data: list[AutopilotRunOut]
    next_cursor: str | None

"""What starts AutopilotWorkflow and what it and its activities pass each other
(dataclasses: Temporal's JSON converter carries them)."""

from __future__ import annotations

from dataclasses import dataclass, field

AUTOPILOT_WORKFLOW = "AutopilotWorkflow"
AUTOPILOT_COMPLETED = "autopilot.completed"  # the webhook event a finished run fires
MAX_DRAFTS_PER_RUN = 20  # answers one run drafts at most
MAX_ENRICH_AT_ONCE = 5  # enrichments one run has going at once


def schedule_id(campaign_id: str) -> str:
    """The campaign's Temporal Schedule."""
    return f"autopilot-{campaign_id}"


def scheduled_workflow_id(campaign_id: str) -> str:
    """The id its scheduled runs get (Temporal appends the time of the run)."""
    return f"autopilot-{campaign_id}"


def manual_workflow_id(run_id: str) -> str:
    """A run started with POST /campaigns/{id}/autopilot/run."""
    return f"autopilot-run-{run_id}"


@dataclass
class AutopilotRequest:
    campaign_id: str
    workspace_id: str
    trigger: str = "schedule"  # an AutopilotTrigger
    run_id: str | None = (
        None  # a manual run's row (the API wrote it); a scheduled run makes its own
    )


@dataclass
class BeginRequest:
    run_id: str
    campaign_id: str
    workspace_id: str
    trigger: str
    at: str  # the workflow's time (ISO 8601): which campaign-local day the run counts for


@dataclass
class Begun:
    """The run's plan, from the campaign as it is when the run begins."""

    go: bool  # False: nothing to do (`note` says why)
    note: str | None = None
    failed: bool = False  # the run cannot be (its campaign is gone): it ends failed
    quota: int = 0  # leads it may still create today
    icp: str | None = None
    domains: list[str] = field(default_factory=list)
    enrich: bool = False  # enrich the leads it creates itself
    draft_replies: bool = False


@dataclass
class DraftBatch:
    run_id: str
    campaign_id: str
    limit: int


@dataclass
class Finish:
    run_id: str
    status: str  # an AutopilotRunStatus
    discovery_run_id: str | None = None
    discovered: int = 0
    enriched: int = 0
    enrolled: int = 0
    drafted: int = 0
    errors: list[str] = field(default_factory=list)
    note: str | None = None


@dataclass
class AutopilotDone:
    run_id: str
    status: str
    discovered: int = 0
    enriched: int = 0
    enrolled: int = 0
    drafted: int = 0

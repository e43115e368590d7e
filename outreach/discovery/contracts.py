"""What starts DiscoveryWorkflow and what it answers (dataclasses: Temporal's JSON converter
carries them). The API starts it for `POST /campaigns/{id}/discover`; AutopilotWorkflow
starts it as a child. Either way the workflow records its run row itself if it is not there
yet (idempotent on `run_id`), so a parent only has to start it."""

from __future__ import annotations

from dataclasses import dataclass, field

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

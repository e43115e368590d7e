"""Starting EnrichLeadWorkflow (the API answers at once: it never waits for the network)."""

from __future__ import annotations

from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from outreach.config import Settings
from outreach.enrichment.contracts import (
    ENRICH_LEAD_WORKFLOW,
    EnrichDone,
    EnrichRequest,
    enrich_workflow_id,
)


async def start_enrichment(
    client: Client, settings: Settings, req: EnrichRequest
) -> WorkflowHandle[Any, EnrichDone]:
    """Start the lead's enrichment; a run already going for the lead is joined (its
    handle answered), a finished one is followed by a new run."""
    return await client.start_workflow(
        ENRICH_LEAD_WORKFLOW,
        req,
        id=enrich_workflow_id(req.lead_id),
        task_queue=settings.task_queue,
        result_type=EnrichDone,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        static_summary=f"enrich {req.lead_id}",
    )

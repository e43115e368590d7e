"""Starting DiscoveryWorkflow (the API answers at once: it never waits for the network)."""

from __future__ import annotations

from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from outreach.config import Settings
from outreach.discovery.contracts import (
    DISCOVERY_WORKFLOW,
    DiscoveryDone,
    DiscoveryRequest,
    discovery_workflow_id,
)


async def start_discovery(
    client: Client, settings: Settings, req: DiscoveryRequest
) -> WorkflowHandle[Any, DiscoveryDone]:
    """One run per id: starting it again joins the run going, never a second one."""
    return await client.start_workflow(
        DISCOVERY_WORKFLOW,
        req,
        id=discovery_workflow_id(req.run_id),
        task_queue=settings.task_queue,
        result_type=DiscoveryDone,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        static_summary=f"discover {req.run_id} for {req.campaign_id}",
    )

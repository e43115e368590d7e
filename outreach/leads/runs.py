"""Starting and signalling lead workflows (used by the API and by activities)."""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from outreach import search_attributes as sa_keys
from outreach.config import Settings
from outreach.contracts import LEAD_WORKFLOW, LeadInput, Plan
from outreach.leads.erasure import ERASE_LEADS_WORKFLOW, EraseRequest, ErasureResult
from outreach.metrics import WORKFLOW_START_FAILURES
from outreach.models import Lead
from outreach.temporal import lead_workflow_id


def lead_search_attributes(lead: Lead) -> TypedSearchAttributes:
    return TypedSearchAttributes(
        [
            SearchAttributePair(sa_keys.WORKSPACE_ID, lead.workspace_id),
            SearchAttributePair(sa_keys.CAMPAIGN_ID, lead.campaign_id),
            SearchAttributePair(sa_keys.LEAD_STATUS, lead.status),
            SearchAttributePair(sa_keys.STEP, lead.current_step),
        ]
    )


def lead_input(settings: Settings, lead: Lead, **kw: Any) -> LeadInput:
    return LeadInput(
        lead_id=lead.id,
        workspace_id=lead.workspace_id,
        campaign_id=lead.campaign_id,
        jitter_seconds=settings.send_jitter_seconds,
        send_timeout_seconds=int(settings.smtp_timeout * 2 + 10),
        enrich_wait_seconds=settings.auto_enrich_wait,
        **kw,
    )


async def start_lead_workflow(
    client: Client,
    settings: Settings,
    lead: Lead,
    plan: Plan | None,
    publish_event_ids: list[str],
) -> bool:
    """Start the lead's workflow unless it exists (running or finished). True if started:
    with USE_EXISTING a running run (a short one a late signal started) is no error, so
    the server's `started` flag of the answer tells."""
    try:
        handle = await client.start_workflow(
            LEAD_WORKFLOW,
            lead_input(settings, lead, plan=plan, publish_event_ids=publish_event_ids),
            id=lead_workflow_id(lead.id),
            task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=lead_search_attributes(lead),
            memo={"email": lead.email, "leadId": lead.id},
            static_summary=f"{lead.email} in {lead.campaign_id}",
        )
    except WorkflowAlreadyStartedError:
        return False
    except Exception:
        WORKFLOW_START_FAILURES.labels(workflow="lead").inc()
        raise
    response = getattr(handle, "_start_workflow_response", None)  # the SDK keeps it there
    return bool(getattr(response, "started", True))


async def signal_lead(
    client: Client, settings: Settings, lead: Lead, signal: str, arg: Any = None
) -> None:
    """Signal the lead's workflow; if its sequence already ended, start a short run that
    applies the signal (a late reply or unsubscribe is recorded, never an error)."""
    await client.start_workflow(
        LEAD_WORKFLOW,
        lead_input(settings, lead, signal_only=True),
        id=lead_workflow_id(lead.id),
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        search_attributes=lead_search_attributes(lead),
        memo={"email": lead.email, "leadId": lead.id},
        start_signal=signal,
        start_signal_args=[] if arg is None else [arg],
    )


def lead_handle(client: Client, lead_id: str) -> WorkflowHandle[Any, Any]:
    return client.get_workflow_handle(lead_workflow_id(lead_id))


async def erase_leads(
    client: Client, settings: Settings, workflow_id: str, req: EraseRequest, wait: float
) -> ErasureResult | None:
    """Start the erasure (or join the one running with this id) and wait up to `wait`
    seconds for it; None when it is still running (it goes on by itself)."""
    handle = await client.start_workflow(
        ERASE_LEADS_WORKFLOW,
        req,
        id=workflow_id,
        task_queue=settings.task_queue,
        result_type=ErasureResult,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        static_summary=f"erase {len(req.lead_ids)} lead(s), {len(req.reply_ids)} reply(ies)",
    )
    try:
        return await asyncio.wait_for(handle.result(), timeout=wait)
    except TimeoutError:
        return None

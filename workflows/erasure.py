"""EraseLeadsWorkflow: forget leads (and the replies of an address) for good.

Id `erase-<leadId>` (`DELETE /leads/{id}`) or `erase-<workspaceId>-<address hash>`
(`POST /erasure`), so a repeated request joins the running erasure. Its input and history
hold ids only, never the address. Three steps: end each lead's workflow (it stops sending;
a send already in the SMTP exchange finishes and then finds no lead, see
outreach/leads/erasure_store.py), delete every row naming the person in one transaction
(address entries become hashed entries; one `lead.deleted` each), then delete the
Temporal executions that carried the person's data.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

from workflows.policies import DB_RETRY, DB_TIMEOUT

with workflow.unsafe.imports_passed_through():
    from activities.erasure import ErasureActivities
    from outreach.leads.erasure import ERASE_LEADS_WORKFLOW, EraseRequest, ErasureResult

# Ending and deleting executions is one RPC each; a large address erasure has many.
TEMPORAL_CALLS_TIMEOUT = timedelta(minutes=10)
HEARTBEAT = timedelta(minutes=1)


@workflow.defn(name=ERASE_LEADS_WORKFLOW)
class EraseLeadsWorkflow:
    @workflow.run
    async def run(self, req: EraseRequest) -> ErasureResult:
        if req.lead_ids:
            await workflow.execute_activity_method(
                ErasureActivities.end_lead_workflows,
                req.lead_ids,
                start_to_close_timeout=TEMPORAL_CALLS_TIMEOUT,
                heartbeat_timeout=HEARTBEAT,
                retry_policy=DB_RETRY,
            )
        rows = await workflow.execute_activity_method(
            ErasureActivities.erase_rows,
            req,
            start_to_close_timeout=DB_TIMEOUT * 4,
            retry_policy=DB_RETRY,
        )
        forgotten = await workflow.execute_activity_method(
            ErasureActivities.forget_executions,
            rows.workflow_ids,
            start_to_close_timeout=TEMPORAL_CALLS_TIMEOUT,
            heartbeat_timeout=HEARTBEAT,
            retry_policy=DB_RETRY,
        )
        return ErasureResult(rows.counts, forgotten.deleted, forgotten.kept)

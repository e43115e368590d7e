"""Thin I/O of the erasure workflow: end the leads' workflows, delete the rows (one
transaction, outreach/leads/erasure_store.py), delete the Temporal executions."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from temporalio import activity
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from activities.base import Activities
from outreach.leads import erasure_store
from outreach.leads.erasure import ErasedRows, EraseRequest
from outreach.temporal import lead_workflow_id

log = logging.getLogger("outreach.activities.erasure")

ERASED = "erased"  # the reason a terminated lead workflow shows


@dataclass
class Forgotten:
    deleted: int = 0  # executions deleted
    kept: int = 0  # executions the server would not delete (it lacks the call)


class ErasureActivities(Activities):
    @activity.defn(name="end_lead_workflows")
    async def end_lead_workflows(self, lead_ids: list[str]) -> int:
        """Terminate each lead's running workflow (a send in flight finishes on its own and
        then finds no lead). Returns how many were running."""
        ended = 0
        for lead_id in lead_ids:
            handle = self.client.get_workflow_handle(lead_workflow_id(lead_id))
            try:
                await handle.terminate(reason=ERASED)
                ended += 1
            except RPCError as exc:
                if exc.status != RPCStatusCode.NOT_FOUND:  # never started, or closed
                    raise
            activity.heartbeat(lead_id)
        return ended

    @activity.defn(name="erase_rows")
    async def erase_rows(self, req: EraseRequest) -> ErasedRows:
        async with self.db.session() as s:
            rows = await erasure_store.erase(s, req)
            await s.commit()
        await self._publish(rows.event_ids)
        return rows

    @activity.defn(name="forget_executions")
    async def forget_executions(self, workflow_ids: list[str]) -> Forgotten:
        """Delete every run of these workflows (a run still going, such as a late signal's
        short run of an erased lead, is terminated first). A server without the call (the
        time-skipping test server) keeps them; they are counted."""
        out = Forgotten()
        namespace = self.client.namespace
        for workflow_id in workflow_ids:
            for run_id in await self._runs(workflow_id):
                handle = self.client.get_workflow_handle(workflow_id, run_id=run_id)
                try:
                    desc = await handle.describe()
                    if desc.status == WorkflowExecutionStatus.RUNNING:
                        await handle.terminate(reason=ERASED)
                    await self.client.workflow_service.delete_workflow_execution(
                        DeleteWorkflowExecutionRequest(
                            namespace=namespace,
                            workflow_execution=WorkflowExecution(
                                workflow_id=workflow_id, run_id=run_id
                            ),
                        )
                    )
                    out.deleted += 1
                except RPCError as exc:
                    if exc.status == RPCStatusCode.NOT_FOUND:
                        continue
                    if exc.status != RPCStatusCode.UNIMPLEMENTED:
                        raise
                    out.kept += 1
            activity.heartbeat(workflow_id)
        return out

    async def _runs(self, workflow_id: str) -> list[str]:
        """The run ids of a workflow id: the current one and those visibility lists (the
        runs it continued from)."""
        runs: list[str] = []
        try:
            desc = await self.client.get_workflow_handle(workflow_id).describe()
            runs.append(desc.run_id)
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
        try:
            async for found in self.client.list_workflows(f"WorkflowId = '{workflow_id}'"):
                runs.append(found.run_id)
        except RPCError as exc:
            if exc.status not in (RPCStatusCode.UNIMPLEMENTED, RPCStatusCode.INVALID_ARGUMENT):
                raise
        return list(dict.fromkeys(runs))

"""AutopilotWorkflow: one run of a campaign's autopilot, started by the campaign's
schedule (`autopilot-<campaignId>`, at `time` on `days` in its zone) or by
`POST /campaigns/{id}/autopilot/run` (`autopilot-run-<runId>`).

1. Begin: the run's row, the campaign-local day and what is left of its quota
   (`newLeadsPerDay` less what the day's other runs created), the plan from the settings.
2. Discover up to the quota: DiscoveryWorkflow as a child (it records its own run; the leads
   it creates start their LeadWorkflow through the leads service: that is the enrolment).
3. Enrich the leads it created (EnrichLeadWorkflow children, a few at a time), unless the
   campaign's `autoEnrich` has each lead's workflow do it before step 1.
4. Enrol: count the created leads whose sequence has started.
5. Draft answers to the campaign's replies that need one and have none (DraftReplyWorkflow
   children). Never sent: a person sends them (POST /replies/{id}/send).
6. Record the run's end and fire `autopilot.completed`.

A step that fails is recorded in the run's `errors` and the run goes on; every activity has
a timeout and a bounded retry policy, every child an execution timeout.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, ChildWorkflowError

from workflows.policies import DB_RETRY, DB_TIMEOUT

with workflow.unsafe.imports_passed_through():
    from activities.autopilot import AutopilotActivities
    from outreach.autopilot.contracts import (
        AUTOPILOT_WORKFLOW,
        MAX_DRAFTS_PER_RUN,
        MAX_ENRICH_AT_ONCE,
        AutopilotDone,
        AutopilotRequest,
        BeginRequest,
        Begun,
        DraftBatch,
        Finish,
    )
    from outreach.autopilot.status import AutopilotRunStatus
    from outreach.discovery.contracts import (
        DISCOVERY_WORKFLOW,
        DiscoveryDone,
        DiscoveryRequest,
        discovery_workflow_id,
    )
    from outreach.drafts.contracts import DRAFT_REPLY_WORKFLOW, DraftDone, draft_workflow_id
    from outreach.drafts.status import DraftStatus
    from outreach.enrichment.contracts import (
        ENRICH_LEAD_WORKFLOW,
        EnrichDone,
        EnrichRequest,
        enrich_workflow_id,
    )

DISCOVERY_TIMEOUT = timedelta(minutes=30)
ENRICH_TIMEOUT = timedelta(minutes=10)
DRAFT_TIMEOUT = timedelta(minutes=10)


def _why(exc: BaseException) -> str:
    cause = exc.cause if isinstance(exc, ActivityError | ChildWorkflowError) else exc
    if isinstance(cause, ApplicationError):
        return cause.message[:200]
    return str(cause or exc)[:200] or type(exc).__name__


@workflow.defn(name=AUTOPILOT_WORKFLOW)
class AutopilotWorkflow:
    def __init__(self) -> None:
        self.plan = Begun(go=False)  # what `begin` found: the quota and the steps to take

    @workflow.run
    async def run(self, req: AutopilotRequest) -> AutopilotDone:
        run_id = req.run_id or f"aprun_{workflow.uuid4().hex[:20]}"
        done = await self._begin(req, run_id)
        if done.status == AutopilotRunStatus.RUNNING:
            done.status = AutopilotRunStatus.COMPLETED
            lead_ids = await self._discover(req, done)
            if self.plan.enrich and lead_ids:
                done.enriched = await self._enrich(lead_ids, done)
            if lead_ids:
                done.enrolled = await self._enrolled(req.campaign_id, lead_ids, done)
            if self.plan.draft_replies:
                done.drafted = await self._draft(run_id, req.campaign_id, done)
        await workflow.execute_activity_method(
            AutopilotActivities.finish,
            done,
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=DB_RETRY,
        )
        return AutopilotDone(
            run_id, done.status, done.discovered, done.enriched, done.enrolled, done.drafted
        )

    async def _begin(self, req: AutopilotRequest, run_id: str) -> Finish:
        """The run's plan (its day, quota and steps): `running` when there is work to do,
        else the run's end as it stands (`completed` with a note, or `failed`)."""
        try:
            self.plan = await workflow.execute_activity_method(
                AutopilotActivities.begin,
                BeginRequest(
                    run_id,
                    req.campaign_id,
                    req.workspace_id,
                    req.trigger,
                    workflow.now().isoformat(),
                ),
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=DB_RETRY,
            )
        except ActivityError as exc:
            # The database kept failing: the run (if its row exists) ends failed.
            self.plan = Begun(go=False, failed=True)
            return Finish(run_id, AutopilotRunStatus.FAILED, errors=[f"begin: {_why(exc)}"])
        if self.plan.failed:
            return Finish(run_id, AutopilotRunStatus.FAILED, note=self.plan.note)
        if not self.plan.go:
            return Finish(run_id, AutopilotRunStatus.COMPLETED, note=self.plan.note)
        return Finish(run_id, AutopilotRunStatus.RUNNING)

    async def _discover(self, req: AutopilotRequest, done: Finish) -> list[str]:
        """Up to the day's quota of new leads (their sequences start as they are made)."""
        quota = self.plan.quota
        if quota <= 0:
            done.note = "the day's quota is used"
            return []
        done.discovery_run_id = f"disc_{workflow.uuid4().hex[:20]}"
        try:
            found: DiscoveryDone = await workflow.execute_child_workflow(
                DISCOVERY_WORKFLOW,
                DiscoveryRequest(
                    run_id=done.discovery_run_id,
                    workspace_id=req.workspace_id,
                    campaign_id=req.campaign_id,
                    icp=self.plan.icp,
                    domains=self.plan.domains,
                    limit=quota,
                    trigger="autopilot",
                ),
                id=discovery_workflow_id(done.discovery_run_id),
                result_type=DiscoveryDone,
                execution_timeout=DISCOVERY_TIMEOUT,
            )
        except ChildWorkflowError as exc:
            done.errors.append(f"discovery: {_why(exc)}")
            return []
        done.discovered = found.created
        return list(found.lead_ids)

    async def _enrolled(self, campaign_id: str, lead_ids: list[str], done: Finish) -> int:
        """How many of the created leads have their sequence running."""
        try:
            return await workflow.execute_activity_method(
                AutopilotActivities.count_enrolled,
                args=[campaign_id, lead_ids],
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=DB_RETRY,
            )
        except ActivityError as exc:
            done.errors.append(f"enrolment count: {_why(exc)}")
            return 0

    async def _enrich(self, lead_ids: list[str], done: Finish) -> int:
        """EnrichLeadWorkflow for each created lead, at most MAX_ENRICH_AT_ONCE at a time."""
        enriched = 0
        for i in range(0, len(lead_ids), MAX_ENRICH_AT_ONCE):
            batch = lead_ids[i : i + MAX_ENRICH_AT_ONCE]
            results = await asyncio.gather(
                *(
                    workflow.execute_child_workflow(
                        ENRICH_LEAD_WORKFLOW,
                        EnrichRequest(lead_id),
                        id=enrich_workflow_id(lead_id),
                        result_type=EnrichDone,
                        execution_timeout=ENRICH_TIMEOUT,
                    )
                    for lead_id in batch
                ),
                return_exceptions=True,
            )
            for lead_id, result in zip(batch, results, strict=True):
                if isinstance(result, BaseException):
                    done.errors.append(f"enrichment of {lead_id}: {_why(result)}")
                else:
                    enriched += 1
        return enriched

    async def _draft(self, run_id: str, campaign_id: str, done: Finish) -> int:
        """Answers for the replies that need one and have none: written, never sent."""
        try:
            draft_ids = await workflow.execute_activity_method(
                AutopilotActivities.draft_rows,
                DraftBatch(run_id, campaign_id, MAX_DRAFTS_PER_RUN),
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=DB_RETRY,
            )
        except ActivityError as exc:
            done.errors.append(f"drafts: {_why(exc)}")
            return 0
        drafted = 0
        for i in range(0, len(draft_ids), MAX_ENRICH_AT_ONCE):
            batch = draft_ids[i : i + MAX_ENRICH_AT_ONCE]
            results = await asyncio.gather(
                *(
                    workflow.execute_child_workflow(
                        DRAFT_REPLY_WORKFLOW,
                        draft_id,
                        id=draft_workflow_id(draft_id),
                        result_type=DraftDone,
                        execution_timeout=DRAFT_TIMEOUT,
                    )
                    for draft_id in batch
                ),
                return_exceptions=True,
            )
            for draft_id, result in zip(batch, results, strict=True):
                if isinstance(result, BaseException):
                    done.errors.append(f"draft {draft_id}: {_why(result)}")
                elif isinstance(result, DraftDone) and result.status == DraftStatus.READY:
                    drafted += 1
        return drafted

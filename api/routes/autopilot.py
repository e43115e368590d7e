"""A campaign's autopilot runs: `POST /campaigns/{id}/autopilot/run` (run it now;
rate-limited: Autopilot manual run), `GET /campaigns/{id}/autopilot/runs` and
`GET /campaigns/{id}/autopilot/runs/{runId}`. The settings are the campaign's `autopilot`
(POST / PATCH /campaigns); the work is AutopilotWorkflow's (workflows/autopilot.py)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from sqlmodel import delete, select
from temporalio.common import WorkflowIDReusePolicy
from temporalio.service import RPCError

from api.deps import Principal, SessionDep, StateDep, get_owned, require
from api.docs import scoped
from api.errors import APIError, not_found, temporal_unavailable
from api.limits import give_back, take_slot
from api.pagination import Page, page_params
from outreach.autopilot import service
from outreach.autopilot.contracts import AUTOPILOT_WORKFLOW, AutopilotRequest, manual_workflow_id
from outreach.autopilot.schedule import RUN_TIMEOUT
from outreach.autopilot.schemas import AutopilotRunList, AutopilotRunOut
from outreach.autopilot.status import AutopilotTrigger
from outreach.models import AutopilotRun, Campaign
from outreach.ratelimit.limits import RateAction
from outreach.schemas import dump
from outreach.scopes import Scope

router = APIRouter(tags=["campaigns"])
log = logging.getLogger("outreach.api.autopilot")


@router.post(
    "/campaigns/{campaign_id}/autopilot/run",
    response_model=AutopilotRunOut,
    status_code=202,
    **scoped(
        "campaigns:write",
        404,
        422,
        429,
        503,
        summary="Run the campaign's autopilot now (rate-limited: Autopilot manual run)",
    ),
)
async def run_autopilot(
    campaign_id: str,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.CAMPAIGNS_WRITE)],
) -> JSONResponse:
    """Starts a run of the campaign's autopilot at once and answers 202 with it (`running`;
    `GET /campaigns/{id}/autopilot/runs/{runId}` shows how it ends). It discovers up to
    what is left of the day's `newLeadsPerDay` (a manual run shares the day's quota with
    the scheduled one), enriches and enrols those leads, and drafts answers to replies that
    need one; it never sends a drafted answer. It runs even while `enabled` is false.
    422 when the campaign is archived (`campaign_archived`), not active
    (`campaign_not_active`) or has no autopilot discovery settings
    (`autopilot_not_configured`). Limited per workspace to 2 a minute, 10 an hour, 50 a
    day (429 with `Retry-After`); every answer carries `X-RateLimit-*`."""
    campaign = await get_owned(session, Campaign, campaign_id, principal)
    service.check_runnable(campaign)
    slot = await take_slot(session, state, principal, RateAction.AUTOPILOT_RUN, response)
    run = service.new_run(campaign, AutopilotTrigger.MANUAL)
    session.add(run)
    await session.commit()
    try:
        await (await state.temporal()).start_workflow(
            AUTOPILOT_WORKFLOW,
            AutopilotRequest(campaign.id, campaign.workspace_id, AutopilotTrigger.MANUAL, run.id),
            id=manual_workflow_id(run.id),
            task_queue=state.settings.task_queue,
            execution_timeout=RUN_TIMEOUT,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            static_summary=f"autopilot of {campaign.id} (manual)",
        )
    except (RPCError, APIError) as exc:
        # Nothing ran: the run is forgotten and its slot given back.
        await session.exec(delete(AutopilotRun).where(AutopilotRun.id == run.id))  # type: ignore[arg-type]
        await give_back(session, slot)  # commits the delete too
        raise temporal_unavailable() from exc
    await session.refresh(run)
    return JSONResponse(
        dump(AutopilotRunOut.from_row(run)), status_code=202, headers=slot.headers()
    )


@router.get(
    "/campaigns/{campaign_id}/autopilot/runs",
    response_model=AutopilotRunList,
    **scoped("campaigns:read", 404, summary="List the campaign's autopilot runs"),
)
async def list_runs(
    campaign_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.CAMPAIGNS_READ)],
    page: Annotated[Page, Depends(page_params)],
) -> dict:
    """Newest first: each run's trigger (`schedule | manual`), status
    (`running | completed | failed`), the campaign-local `day` whose quota it used, the
    `quota` left when it began, and what it did: `discovered`, `enriched`, `enrolled`,
    `drafted`, `errors`."""
    campaign = await get_owned(session, Campaign, campaign_id, principal)
    stmt = select(AutopilotRun).where(AutopilotRun.campaign_id == campaign.id)
    rows = list((await session.exec(page.apply(stmt, AutopilotRun))).all())
    return page.result(rows, AutopilotRunOut.from_row)


@router.get(
    "/campaigns/{campaign_id}/autopilot/runs/{autopilot_run_id}",
    response_model=AutopilotRunOut,
    **scoped("campaigns:read", 404, summary="Get one autopilot run"),
)
async def get_run(
    campaign_id: str,
    autopilot_run_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.CAMPAIGNS_READ)],
) -> AutopilotRunOut:
    campaign = await get_owned(session, Campaign, campaign_id, principal)
    run = await session.get(AutopilotRun, autopilot_run_id)
    if run is None or run.campaign_id != campaign.id:
        raise not_found("Autopilot run")
    return AutopilotRunOut.from_row(run)

"""`POST /campaigns/{id}/discover` (rate-limited: Discovery) and `GET /discovery-runs/{id}`.
The work is DiscoveryWorkflow's; the answer is 202 with the run's id at once, and the run's
row shows where it stands and, once done, every candidate's outcome."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from temporalio.service import RPCError

from api.deps import Principal, SessionDep, StateDep, get_owned, require
from api.docs import scoped
from api.errors import APIError, temporal_unavailable
from api.limits import give_back, take_slot
from outreach.campaigns.status import CampaignStatus
from outreach.discovery import runs, service
from outreach.discovery.contracts import DiscoveryRequest, discovery_workflow_id
from outreach.discovery.schemas import DiscoverIn, DiscoveryAccepted, DiscoveryRunOut
from outreach.discovery.status import DiscoveryStatus
from outreach.errors import RuleBroken
from outreach.ids import new_id
from outreach.models import Campaign, DiscoveryRun
from outreach.ratelimit.limits import RateAction
from outreach.schemas import dump
from outreach.scopes import Scope

router = APIRouter(tags=["campaigns"])
log = logging.getLogger("outreach.api.discovery")


@router.post(
    "/campaigns/{campaign_id}/discover",
    response_model=DiscoveryAccepted,
    status_code=202,
    **scoped(
        "leads:write",
        404,
        422,
        429,
        503,
        summary="Discover leads from an ICP and seed domains (rate-limited: Discovery)",
    ),
)
async def discover(
    campaign_id: str,
    body: DiscoverIn,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> JSONResponse:
    """Starts DiscoveryWorkflow and answers 202 with the run's id at once. Candidates come
    from `domains` (seed companies: `acme.com`, `http://acme.example:8080/`) and, with web
    search configured (`OUTREACH_SEARCH_URL`), from searches built from `icp`. Each
    company's team, about and contact pages are read (robots.txt honoured), people and
    their addresses extracted; an address is proposed only from a pattern the site's own
    addresses confirm, and checked (MX). Candidates are ranked by the ICP's roles; up to
    `limit` (1..100, default 25) become leads (`source: discovery`; duplicates and
    suppressed addresses are reported, not added). `GET /discovery-runs/{id}` shows the
    report. 422: `nothing_to_discover`, `invalid_domain`, `invalid_limit`,
    `search_not_configured`, `campaign_archived`. Limited per workspace to 3 a minute, 15
    an hour, 50 a day (429 with `Retry-After`)."""
    campaign = await get_owned(session, Campaign, campaign_id, principal)
    if campaign.status == CampaignStatus.ARCHIVED:
        raise RuleBroken("The campaign is archived; it takes no new leads.", "campaign_archived")
    checked = service.check(
        body.icp,
        body.domains,
        body.limit,
        search_on=bool((state.settings.search_url or "").strip()),
        allow_private=state.settings.webhook_allow_private_targets,
    )
    slot = await take_slot(session, state, principal, RateAction.DISCOVERY, response)
    req = DiscoveryRequest(
        run_id=new_id("disc"),
        workspace_id=principal.workspace_id,
        campaign_id=campaign.id,
        icp=checked.icp,
        domains=checked.sites,
        limit=body.limit,
        trigger="api",
    )
    run = service.new_run(req)
    session.add(run)
    await session.commit()  # the row and the slot: GET answers at once
    try:
        await runs.start_discovery(await state.temporal(), state.settings, req)
    except (RPCError, APIError) as exc:
        await session.delete(run)
        await give_back(session, slot)  # commits the deletion too
        raise temporal_unavailable() from exc
    accepted = DiscoveryAccepted(
        id=req.run_id,
        campaign_id=campaign.id,
        workflow_id=discovery_workflow_id(req.run_id),
        status=DiscoveryStatus.PENDING,
    )
    return JSONResponse(dump(accepted), status_code=202, headers=slot.headers())


@router.get(
    "/discovery-runs/{run_id}",
    response_model=DiscoveryRunOut,
    **scoped("leads:read", 404, summary="A discovery run: its counts and every candidate"),
)
async def get_discovery_run(
    run_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.LEADS_READ)],
) -> DiscoveryRunOut:
    return DiscoveryRunOut.from_row(await get_owned(session, DiscoveryRun, run_id, principal))

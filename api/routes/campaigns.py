"""`/campaigns`: list, get, create, edit. The rules live in `outreach.campaigns.service`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.service import RPCError

from api import schemas as s
from api.deps import Principal, SessionDep, StateDep, get_owned, require
from api.docs import scoped
from api.errors import APIError
from api.pagination import Page, page_params
from outreach.autopilot import schedule as autopilot_schedule
from outreach.campaigns import counters, service, stats
from outreach.campaigns.schemas import (
    CampaignCreate,
    CampaignDetailOut,
    CampaignOut,
    CampaignStatsOut,
    CampaignUpdate,
    StepOut,
)
from outreach.campaigns.status import CampaignStatus
from outreach.errors import RuleBroken
from outreach.models import Campaign
from outreach.scopes import Scope

router = APIRouter(tags=["campaigns"])


async def detail(session: AsyncSession, campaign: Campaign) -> CampaignDetailOut:
    counts = (await service.counts_for(session, [campaign.id]))[campaign.id]
    base = CampaignOut.from_row(campaign, counts)
    steps = await service.load_steps(session, campaign.id)
    return CampaignDetailOut(**base.model_dump(), steps=[StepOut.from_row(x) for x in steps])


@router.get(
    "/campaigns",
    response_model=s.CampaignList,
    **scoped("campaigns:read", summary="List campaigns"),
)
async def list_campaigns(
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.CAMPAIGNS_READ)],
    page: Annotated[Page, Depends(page_params)],
    status: CampaignStatus | None = None,
) -> dict:
    """Campaigns of the workspace, newest first, with `_count` of leads, sends (sent),
    steps and replies. The `id` is what `POST /leads` takes as `campaignId`."""
    stmt = select(Campaign).where(Campaign.workspace_id == principal.workspace_id)
    if status:
        stmt = stmt.where(Campaign.status == status)
    rows = list((await session.exec(page.apply(stmt, Campaign))).all())
    counts = await service.counts_for(session, [c.id for c in rows[: page.limit]])
    return page.result(rows, lambda c: CampaignOut.from_row(c, counts[c.id]))


@router.get(
    "/campaigns/{campaign_id}",
    response_model=CampaignDetailOut,
    **scoped("campaigns:read", 404, summary="Get a campaign with its steps"),
)
async def get_campaign(
    campaign_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.CAMPAIGNS_READ)],
) -> CampaignDetailOut:
    return await detail(session, await get_owned(session, Campaign, campaign_id, principal))


@router.get(
    "/campaigns/{campaign_id}/stats",
    response_model=CampaignStatsOut,
    **scoped("campaigns:read", 404, 422, summary="A campaign's statistics"),
)
async def campaign_stats(
    campaign_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.CAMPAIGNS_READ)],
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> CampaignStatsOut:
    """Per step: sent, bounced, failed, replied (by label), unsubscribed and their rates
    over sent; per sending address; per UTC day from `from` to `to` (YYYY-MM-DD, both
    included; default the last 30 days, at most 366). Answered from counters kept with
    the rows, so its cost does not grow with the number of leads."""
    campaign = await get_owned(session, Campaign, campaign_id, principal)
    try:
        first, last = stats.day_range(start, end, datetime.now(UTC).date())
    except stats.RangeError as exc:
        raise RuleBroken(str(exc), "invalid_range") from None
    counts = await counters.counters(session, [campaign.id])
    per_day = await counters.daily(session, campaign.id, first, last)
    steps = await service.load_steps(session, campaign.id)
    return stats.build(campaign.id, list(steps), counts, per_day, first, last)


@router.post(
    "/campaigns",
    status_code=201,
    response_model=CampaignDetailOut,
    **scoped("campaigns:write", 422, summary="Create a campaign with its steps"),
)
async def create_campaign(
    body: CampaignCreate,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.CAMPAIGNS_WRITE)],
) -> CampaignDetailOut:
    """`autopilot`, when given, makes the campaign's daily schedule (see Autopilot)."""
    campaign = await service.create(session, principal.workspace_id, body)
    if campaign.autopilot is not None:
        await autopilot_schedule.mark_stale(session, campaign)
    await session.commit()
    if campaign.autopilot is not None:
        await _sync_autopilot(session, state, response, campaign)
    return await detail(session, campaign)


async def _sync_autopilot(
    session: AsyncSession, state: StateDep, response: Response, campaign: Campaign
) -> None:
    """The campaign's autopilot schedule follows the committed row now; when Temporal is
    away, the outbox item written with the change has the sweeper do it later."""
    try:
        await autopilot_schedule.sync_now(await state.temporal(), state.settings, session, campaign)
    except (APIError, RPCError):
        await session.rollback()
        _warn(response, '199 - "the autopilot schedule will follow the change later"')


def _warn(response: Response, warning: str) -> None:
    """Add a `Warning` (RFC 7234: several are comma-separated)."""
    had = response.headers.get("Warning")
    response.headers["Warning"] = f"{had}, {warning}" if had else warning


@router.patch(
    "/campaigns/{campaign_id}",
    response_model=CampaignDetailOut,
    **scoped("campaigns:write", 404, 422, summary="Edit a campaign or its steps"),
)
async def update_campaign(
    campaign_id: str,
    body: CampaignUpdate,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.CAMPAIGNS_WRITE)],
) -> CampaignDetailOut:
    """Partial update. `steps`, when given, replaces the sequence: leads that have not
    reached a step get the new version; steps a lead already passed are never re-sent.
    Status changes (pause, resume, archive) reach running leads within a second.
    `autopilot` replaces the autopilot settings (null removes them and the schedule);
    pausing or archiving the campaign pauses or removes its autopilot schedule."""
    campaign = await get_owned(session, Campaign, campaign_id, principal)
    for field in ("name", "status", "timezone"):
        if field in body.model_fields_set and getattr(body, field) is None:
            raise APIError(400, "invalid_request", f"Invalid request: '{field}' cannot be null.")
    before = campaign.model_dump()
    changed = await service.update(session, campaign, body)
    schedule_stale = service.autopilot_schedule_stale(before, campaign)
    if schedule_stale:
        await autopilot_schedule.mark_stale(session, campaign)
    await session.commit()
    if schedule_stale:
        await _sync_autopilot(session, state, response, campaign)
    if changed:
        try:
            await service.notify_running_leads(await state.temporal(), state.settings, campaign.id)
        except (APIError, RPCError):
            # Saved; leads re-read the campaign at every wake-up and every six hours anyway.
            _warn(response, '199 - "running leads will pick the change up later"')
    return await detail(session, campaign)

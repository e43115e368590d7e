from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from sqlmodel import select

from api import schemas as s
from api.deps import Principal, SessionDep, StateDep, require
from api.docs import scoped
from api.errors import not_found
from api.pagination import Page, page_params
from api.views import touch_out
from outreach.contracts import LeadSignal, TouchSent
from outreach.leads import signal_lead
from outreach.models import ChannelTouch, Lead, utcnow
from outreach.scopes import Scope

router = APIRouter(tags=["channel touches"])


@router.get(
    "/channel-touches",
    response_model=s.TouchList,
    **scoped("leads:read", summary="LinkedIn / Twitter touches to paste by hand"),
)
async def list_touches(
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.LEADS_READ)],
    page: Annotated[Page, Depends(page_params)],
    status: Literal["queued", "sent"] | None = None,
    channel: Literal["linkedin", "twitter"] | None = None,
    campaign_id: Annotated[str | None, Query(alias="campaignId", max_length=60)] = None,
    lead_id: Annotated[str | None, Query(alias="leadId", max_length=60)] = None,
) -> dict:
    stmt = select(ChannelTouch).where(ChannelTouch.workspace_id == principal.workspace_id)
    if status:
        stmt = stmt.where(ChannelTouch.status == status)
    if channel:
        stmt = stmt.where(ChannelTouch.channel == channel)
    if campaign_id:
        stmt = stmt.where(ChannelTouch.campaign_id == campaign_id)
    if lead_id:
        stmt = stmt.where(ChannelTouch.lead_id == lead_id)
    rows = list((await session.exec(page.apply(stmt, ChannelTouch))).all())
    return page.result(rows, touch_out)


@router.post(
    "/channel-touches/{touch_id}/sent",
    response_model=s.TouchOut,
    **scoped("leads:write", 404, 503, summary="Mark a queued touch as sent"),
)
async def mark_sent(
    touch_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> s.TouchOut:
    """Tells the lead's workflow the founder pasted the touch (fires `channel_touch.sent`).
    Idempotent: marking a sent touch again returns it unchanged."""
    touch = await session.get(ChannelTouch, touch_id)
    if touch is None or touch.workspace_id != principal.workspace_id:
        raise not_found("Channel touch")
    if touch.status == "sent":
        return touch_out(touch)
    lead = await session.get(Lead, touch.lead_id)
    assert lead is not None
    client = await state.temporal()
    await signal_lead(
        client,
        state.settings,
        lead,
        LeadSignal.TOUCH_SENT,
        TouchSent(lead_id=lead.id, touch_id=touch.id, at=utcnow()),
    )
    for _ in range(60):
        await session.refresh(touch)
        if touch.status == "sent":
            break
        await asyncio.sleep(0.05)
    return touch_out(touch)

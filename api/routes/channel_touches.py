from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from sqlmodel import select

from api import schemas as s
from api.deps import Principal, SessionDep, StateDep, get_owned, require
from api.docs import scoped
from api.pagination import Page, page_params
from outreach.campaigns.status import Channel
from outreach.contracts import LeadSignal, TouchSent
from outreach.leads.runs import signal_lead
from outreach.models import ChannelTouch, Lead, utcnow
from outreach.scopes import Scope
from outreach.sends.schemas import TouchOut
from outreach.sends.status import TouchStatus

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
    status: TouchStatus | None = None,
    channel: Literal[Channel.LINKEDIN, Channel.TWITTER] | None = None,
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
    return page.result(rows, TouchOut.from_row)


@router.post(
    "/channel-touches/{touch_id}/sent",
    response_model=TouchOut,
    **scoped("leads:write", 404, 503, summary="Mark a queued touch as sent"),
)
async def mark_sent(
    touch_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> TouchOut:
    """Tells the lead's workflow the founder pasted the touch (fires `channel_touch.sent`).
    Idempotent: marking a sent touch again returns it unchanged."""
    touch = await get_owned(session, ChannelTouch, touch_id, principal)
    if touch.status == TouchStatus.SENT:
        return TouchOut.from_row(touch)
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
        if touch.status == TouchStatus.SENT:
            break
        await asyncio.sleep(0.05)
    return TouchOut.from_row(touch)

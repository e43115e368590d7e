from __future__ import annotations

import asyncio
import secrets
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse
from sqlmodel import select
from temporalio.service import RPCError

from api import schemas as s
from api.deps import Principal, SessionDep, StateDep, get_owned, require
from api.docs import scoped
from api.errors import APIError, temporal_unavailable, unprocessable
from api.limits import give_back, take_slot
from api.pagination import Page, page_params
from outreach.campaigns.status import Channel
from outreach.classify.provider import LLMSettings
from outreach.contracts import LeadSignal, TouchSent
from outreach.drafts import runs
from outreach.drafts.contracts import RegenerateRequest
from outreach.leads.runs import signal_lead
from outreach.models import ChannelTouch, Lead, Step, utcnow
from outreach.ratelimit.limits import RateAction
from outreach.render import has_spintax
from outreach.schemas import dump
from outreach.scopes import Scope
from outreach.sends.schemas import TouchOut
from outreach.sends.status import TouchStatus

router = APIRouter(tags=["channel touches"])
REGENERATE_WAIT = 10.0  # seconds the API waits for a rewrite before answering 202


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


@router.post(
    "/channel-touches/{touch_id}/regenerate",
    response_model=TouchOut,
    **scoped(
        "leads:write",
        404,
        422,
        429,
        503,
        summary="Rewrite a queued touch (rate-limited: Channel-touch regenerate)",
        accepted=TouchOut,
    ),
)
async def regenerate(
    touch_id: str,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> TouchOut | JSONResponse:
    """Rewrites a queued LinkedIn / Twitter touch and returns it: with the configured model
    (`OUTREACH_LLM_*`) when there is one, else the step's next spintax wording for this
    lead (`{Hi|Hello}`: see "Templates"). A touch already marked sent, or whose step has no
    other wording and no model to rewrite it, answers 422. 202 with the touch as it is when
    the rewrite takes longer than a few seconds. Limited per workspace to 10 a minute, 60
    an hour, 200 a day (429 with `Retry-After`); answers carry `X-RateLimit-*`."""
    touch = await get_owned(session, ChannelTouch, touch_id, principal)
    if touch.status == TouchStatus.SENT:
        raise unprocessable(
            "The touch is already marked sent; it can no longer change.", "touch_sent"
        )
    step = await session.get(Step, touch.step_id) if touch.step_id else None
    if not LLMSettings.from_env().enabled and not has_spintax(step.body if step else None):
        raise unprocessable(
            "The step's text has no other wording (add spintax such as {Hi|Hello}) and no "
            "model is configured (OUTREACH_LLM_*).",
            "nothing_to_regenerate",
        )
    slot = await take_slot(session, state, principal, RateAction.TOUCH_REGENERATE, response)
    await session.commit()  # the slot; and no transaction is held while waiting
    req = RegenerateRequest(touch_id=touch.id, variant=touch.variant + 1)
    try:
        handle = await runs.start_regenerate(
            await state.temporal(), state.settings, req, request=secrets.token_hex(8)
        )
    except (RPCError, APIError) as exc:
        await give_back(session, slot)
        raise temporal_unavailable() from exc
    done = await runs.result_within(handle, REGENERATE_WAIT)
    session.expire_all()
    await session.refresh(touch)
    if done is None:
        return JSONResponse(dump(TouchOut.from_row(touch)), status_code=202, headers=slot.headers())
    if not done.changed:
        await give_back(session, slot)
        raise unprocessable(
            f"The touch was not rewritten: {done.reason}.",
            "touch_sent" if touch.status == TouchStatus.SENT else "nothing_to_regenerate",
        )
    return TouchOut.from_row(touch)

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlmodel import select

from api import schemas as s
from api.deps import Principal, SessionDep, require
from api.docs import scoped
from api.pagination import Page, page_params
from outreach.models import Send
from outreach.scopes import Scope
from outreach.sends.schemas import SendOut
from outreach.sends.status import SendStatus

router = APIRouter(tags=["sends"])


@router.get(
    "/sends",
    response_model=s.SendList,
    **scoped("sends:read", summary="List outbound sends with delivery state"),
)
async def list_sends(
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.SENDS_READ)],
    page: Annotated[Page, Depends(page_params)],
    campaign_id: Annotated[str | None, Query(alias="campaignId", max_length=60)] = None,
    lead_id: Annotated[str | None, Query(alias="leadId", max_length=60)] = None,
    status: SendStatus | None = None,
) -> dict:
    """`status`: `claimed` (about to go out), `sending` (in the SMTP DATA exchange), `sent`,
    `failed` (SMTP kept failing), `bounced` (hard bounce), `unknown` (the worker stopped
    during DATA; not resent, to never send twice)."""
    stmt = select(Send).where(Send.workspace_id == principal.workspace_id)
    if campaign_id:
        stmt = stmt.where(Send.campaign_id == campaign_id)
    if lead_id:
        stmt = stmt.where(Send.lead_id == lead_id)
    if status:
        stmt = stmt.where(Send.status == status)
    rows = list((await session.exec(page.apply(stmt, Send))).all())
    return page.result(rows, SendOut.from_row)

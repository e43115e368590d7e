from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from sqlmodel import col, select

from api import schemas as s
from api.deps import Principal, SessionDep, require
from api.docs import scoped
from api.pagination import Page, page_params
from outreach.classify import LABELS
from outreach.inbound.schemas import ReplyOut
from outreach.inbound.status import ReplyKind
from outreach.models import Reply
from outreach.scopes import Scope

router = APIRouter(tags=["replies"])

Label = Literal[LABELS]  # type: ignore[valid-type]  # the classifier's eleven labels


@router.get(
    "/replies",
    response_model=s.ReplyList,
    **scoped("replies:read", summary="List inbound replies with their classification"),
)
async def list_replies(
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.REPLIES_READ)],
    page: Annotated[Page, Depends(page_params)],
    campaign_id: Annotated[str | None, Query(alias="campaignId", max_length=60)] = None,
    lead_id: Annotated[str | None, Query(alias="leadId", max_length=60)] = None,
    needs_action: Annotated[bool | None, Query(alias="needsAction")] = None,
    label: Label | None = None,
) -> dict:
    """Newest first. `needsAction=true`: interested, meeting_request, question, referral
    and objection replies not yet marked handled."""
    # Delivery status reports are stored beside replies (kind bounce / dsn): not replies.
    stmt = select(Reply).where(
        Reply.workspace_id == principal.workspace_id, Reply.kind == ReplyKind.REPLY
    )
    if campaign_id:
        stmt = stmt.where(Reply.campaign_id == campaign_id)
    if lead_id:
        stmt = stmt.where(Reply.lead_id == lead_id)
    if label:
        stmt = stmt.where(Reply.label == label)
    if needs_action is True:
        stmt = stmt.where(col(Reply.needs_action).is_(True), col(Reply.handled_at).is_(None))
    elif needs_action is False:
        stmt = stmt.where(col(Reply.needs_action).is_(False) | col(Reply.handled_at).is_not(None))
    rows = list((await session.exec(page.apply(stmt, Reply))).all())
    return page.result(rows, ReplyOut.from_row)

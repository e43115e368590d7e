"""One reply: `GET /replies/{id}` and `PATCH /replies/{id}` (`{"handled": true}` clears
`needsAction`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api import schemas as s
from api.deps import Principal, SessionDep, get_owned, require
from api.docs import scoped
from api.errors import not_found
from outreach.inbound.schemas import ReplyOut
from outreach.inbound.status import ReplyKind
from outreach.models import Reply, utcnow
from outreach.scopes import Scope

router = APIRouter(tags=["replies"])


class ReplyUpdate(s.In):
    handled: bool


async def get_owned_reply(session: SessionDep, principal: Principal, reply_id: str) -> Reply:
    reply = await get_owned(session, Reply, reply_id, principal)
    # Delivery reports are stored beside replies but are not replies.
    if reply.kind != ReplyKind.REPLY:
        raise not_found("Reply")
    return reply


@router.get(
    "/replies/{reply_id}",
    response_model=ReplyOut,
    **scoped("replies:read", 404, summary="Get one reply with its classification"),
)
async def get_reply(
    reply_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.REPLIES_READ)],
) -> ReplyOut:
    return ReplyOut.from_row(await get_owned_reply(session, principal, reply_id))


@router.patch(
    "/replies/{reply_id}",
    response_model=ReplyOut,
    **scoped("replies:write", 404, summary="Mark a reply handled (or not)"),
)
async def update_reply(
    reply_id: str,
    body: ReplyUpdate,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.REPLIES_WRITE)],
) -> ReplyOut:
    """`{"handled": true}`: someone took care of it; `needsAction` turns false (it is true
    for interested, meeting_request, question, referral and objection replies until then).
    `{"handled": false}` puts it back. Idempotent."""
    reply = await get_owned_reply(session, principal, reply_id)
    if body.handled and reply.handled_at is None:
        reply.handled_at = utcnow()
    elif not body.handled:
        reply.handled_at = None
    session.add(reply)
    await session.commit()
    return ReplyOut.from_row(reply)

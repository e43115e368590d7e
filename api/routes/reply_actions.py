"""One reply: `GET /replies/{id}` (with its drafts), `PATCH /replies/{id}` (`{"handled":
true}` clears `needsAction`; `{"label": ...}` corrects the label, kept as feedback),
`POST /replies/{id}/draft` (a suggested answer; rate-limited) and `POST /replies/{id}/send`
(the answer goes out in the thread, exactly once)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import Field, model_validator
from temporalio.service import RPCError

from api import schemas as s
from api.deps import Principal, SessionDep, StateDep, get_owned, require
from api.docs import scoped
from api.errors import APIError, not_found, temporal_unavailable, unprocessable
from api.limits import give_back, take_slot
from outreach.classify.models import LABELS
from outreach.drafts import runs, service
from outreach.drafts.schemas import DraftOut, ReplyDetailOut, ReplySendIn
from outreach.drafts.status import DraftStatus
from outreach.inbound.feedback import correct_label
from outreach.inbound.status import ReplyKind
from outreach.models import Reply, Send, utcnow
from outreach.ratelimit.limits import RateAction
from outreach.schemas import dump
from outreach.scopes import Scope
from outreach.sends.schemas import SendOut
from outreach.sends.status import SETTLED

router = APIRouter(tags=["replies"])
log = logging.getLogger("outreach.api.replies")

DRAFT_WAIT = 10.0  # seconds the API waits for a draft before answering 202
SEND_WAIT = 10.0  # ... for an answer's SMTP exchange


class ReplyUpdate(s.In):
    """`handled` and/or `label` (one of the eleven; another value is 422 `unknown_label`)."""

    handled: bool | None = None
    label: str | None = Field(None, max_length=40, json_schema_extra={"enum": list(LABELS)})

    @model_validator(mode="after")
    def _something(self) -> ReplyUpdate:
        if self.handled is None and self.label is None:
            raise ValueError("give handled and/or label")
        return self


async def get_owned_reply(session: SessionDep, principal: Principal, reply_id: str) -> Reply:
    reply = await get_owned(session, Reply, reply_id, principal)
    # Delivery reports are stored beside replies but are not replies.
    if reply.kind != ReplyKind.REPLY:
        raise not_found("Reply")
    return reply


async def _detail(session: SessionDep, reply: Reply) -> ReplyDetailOut:
    return ReplyDetailOut.with_drafts(reply, await service.drafts_of(session, reply.id))


@router.get(
    "/replies/{reply_id}",
    response_model=ReplyDetailOut,
    **scoped("replies:read", 404, summary="Get one reply with its classification and drafts"),
)
async def get_reply(
    reply_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.REPLIES_READ)],
) -> ReplyDetailOut:
    return await _detail(session, await get_owned_reply(session, principal, reply_id))


@router.patch(
    "/replies/{reply_id}",
    response_model=ReplyDetailOut,
    **scoped(
        "replies:write", 404, 422, summary="Mark a reply handled (or not), or correct its label"
    ),
)
async def update_reply(
    reply_id: str,
    body: ReplyUpdate,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.REPLIES_WRITE)],
) -> ReplyDetailOut:
    """`{"handled": true}`: someone took care of it; `needsAction` turns false (it is true
    for interested, meeting_request, question, referral and objection replies until then).
    `{"handled": false}` puts it back. Idempotent.

    `{"label": "<one of the eleven>"}`: a person's correction. The label, `needsAction` and
    `needsReview` (cleared) change, and the correction is stored as feedback (the original
    label and confidence, this API key, when) for `outreach classify export-feedback`. A
    correction to `unsubscribe_request` suppresses the lead's address (and the sender's); any
    other change is recorded only: the lead's workflow already acted on the first label."""
    reply = await get_owned_reply(session, principal, reply_id)
    if body.label is not None and body.label not in LABELS:
        raise unprocessable(f"label must be one of: {', '.join(LABELS)}", "unknown_label")
    if body.label is not None:
        await correct_label(session, reply, body.label, principal.key.id)
    if body.handled and reply.handled_at is None:
        reply.handled_at = utcnow()
    elif body.handled is False:
        reply.handled_at = None
    session.add(reply)
    await session.commit()
    return await _detail(session, reply)


@router.post(
    "/replies/{reply_id}/draft",
    response_model=DraftOut,
    status_code=201,
    **scoped(
        "replies:write",
        404,
        422,
        429,
        503,
        summary="Suggest an answer to a reply (rate-limited: Reply draft)",
        accepted=DraftOut,
    ),
)
async def draft_reply(
    reply_id: str,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.REPLIES_WRITE)],
) -> DraftOut | JSONResponse:
    """Writes a draft answer: with the configured model (`OUTREACH_LLM_*`) from the reply,
    the thread, the lead and the campaign's `pitchContext`; without one (or when it keeps
    failing, `note` says so) the built-in answer for the reply's label, filled with the
    lead's values (a meeting request is offered the campaign's `bookingUrl`, else the next
    slots of its sending window). Answers 201 with the draft, or 202 with it `pending`
    when writing takes longer than a few seconds (`GET /replies/{id}` shows it when
    ready). Out-of-office, automatic replies and unsubscribe requests get no draft (422).
    Limited per workspace to 10 a minute, 60 an hour, 200 a day (429 with `Retry-After`);
    every answer carries `X-RateLimit-*` for the tightest window."""
    reply = await get_owned_reply(session, principal, reply_id)
    service.check_draftable(reply)
    slot = await take_slot(session, state, principal, RateAction.REPLY_DRAFT, response)
    draft = service.new_draft(reply)
    session.add(draft)
    await session.commit()
    try:
        handle = await runs.start_draft(await state.temporal(), state.settings, draft.id)
    except (RPCError, APIError) as exc:
        draft.status, draft.note = DraftStatus.FAILED, "the workflow engine was unavailable"
        session.add(draft)
        await give_back(session, slot)  # commits the draft's status too
        raise temporal_unavailable() from exc
    await session.commit()  # hold no transaction (nor pool connection) while waiting
    done = await runs.result_within(handle, DRAFT_WAIT)
    await session.refresh(draft)
    if done is None:
        return JSONResponse(dump(DraftOut.from_row(draft)), status_code=202, headers=slot.headers())
    return DraftOut.from_row(draft)


@router.post(
    "/replies/{reply_id}/send",
    response_model=SendOut,
    **scoped(
        "replies:write",
        404,
        422,
        503,
        summary="Send an answer to a reply, in its thread",
        accepted=SendOut,
    ),
)
async def send_reply(
    reply_id: str,
    body: ReplySendIn,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.REPLIES_WRITE)],
) -> SendOut | JSONResponse:
    """`{"draftId": "draft_..."}` sends a ready draft of this reply; `{"subject": "...",
    "body": "..."}` sends your own text (kept as a `manual` draft). The answer goes to the
    lead from the campaign's sender, threaded under the reply (`In-Reply-To`, `References`,
    `Re:` subject, their text quoted), through the same exactly-once SMTP path as the
    sequence steps; it is recorded as a send of the lead (`kind: reply`), fires
    `send.sent`, and marks the reply handled. Sending the same draft again answers the
    same send (never a second email). 200 with the send once the SMTP server took it; 202
    with it while it is still going out. 422 when the reply has no lead, the draft is not
    ready, or the address is suppressed."""
    reply = await get_owned_reply(session, principal, reply_id)
    if body.draft_id is not None:
        draft = await service.named_draft(session, reply, body.draft_id)
        if draft is None:
            raise not_found("Draft")
    else:
        draft = await service.manual_answer(session, reply, body)
    if draft.send_id is not None:
        done_before = await session.get(Send, draft.send_id)
        if done_before is not None and done_before.status in SETTLED:
            return SendOut.from_row(done_before)  # asked again: the same send
    lead, campaign = await service.check_sendable(session, reply)
    send_id = draft.send_id or await service.attach_send(session, draft, reply, lead, campaign)
    draft_id = draft.id
    existing = await session.get(Send, send_id)
    assert existing is not None
    if existing.status in SETTLED:
        return SendOut.from_row(existing)
    await session.commit()  # hold no transaction (nor pool connection) while waiting
    try:
        handle = await runs.start_reply_send(await state.temporal(), state.settings, draft_id)
    except (RPCError, APIError) as exc:
        raise temporal_unavailable() from exc  # the send stays claimed: calling again resumes it
    done = await runs.result_within(handle, SEND_WAIT)
    session.expire_all()
    sent = await session.get(Send, send_id)
    assert sent is not None
    if done is None:
        return JSONResponse(dump(SendOut.from_row(sent)), status_code=202)
    return SendOut.from_row(sent)

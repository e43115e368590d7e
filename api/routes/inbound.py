"""`POST /inbound`: a raw RFC 5322 message from a mail relay (a Postfix pipe, a provider's
inbound route forwarding raw MIME). Stored at once, then matched, classified and applied by
its workflow (`reply-<replyId>`)."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import Field
from temporalio.service import RPCError

from api import schemas as s
from api.deps import Principal, SessionDep, StateDep, require
from api.docs import scoped
from api.errors import APIError, bad_request
from outreach.inbound.message import (
    BODY_CAP,
    MAX_CONTAINERS,
    MAX_PARTS,
    RAW_CAP,
    MalformedMessage,
    parse_message,
)
from outreach.inbound.status import IGNORED, OWN_MESSAGE, ReplyKind, ReplyStatus
from outreach.inbound.store import ingest, start_reply_workflow
from outreach.scopes import Scope
from outreach.workpool import run_cpu

log = logging.getLogger("outreach.api.inbound")
router = APIRouter(tags=["replies"])

MEDIA_TYPE = "message/rfc822"

DOC = f"""The body is one raw message, `Content-Type: message/rfc822`, up to 40 MB. The first
{RAW_CAP // (1024 * 1024)} MB are parsed and kept, the body text is cut at {BODY_CAP:,}
characters, and `truncated` says when either happened.

**202**: stored; matching and classification follow (`GET /replies`, the `reply.received`
and `reply.classified` webhooks). **200**: the same Message-ID was received before (nothing
is stored twice), or the message is our own (a copy of a send, or written from one of the
workspace's sender addresses): ignored. Delivery status reports (`multipart/report;
report-type=delivery-status`, mailer-daemon bounces) are stored as `kind: bounce` and
bounce the lead of the original message; they are not replies.

A message whose MIME structure is too deep or too large to parse safely (over
{MAX_CONTAINERS} nested or multipart parts, over {MAX_PARTS:,} parts) is stored from its
headers alone: `parseError` says why, the body text is empty, `truncated` is true, and it is
matched and classified like any other.

**400**: empty body, or not a message. **415**: another Content-Type. **422**: a message
with neither a sender nor threading headers, or one not even its headers can be read.
**503**: stored but not processed yet; retry the same request."""


class InboundOut(s.Out):
    id: str | None
    kind: ReplyKind | Literal["own_message"]
    duplicate: bool
    truncated: bool
    status: str
    parse_error: str | None = Field(
        None,
        description="why only the headers were read (a MIME structure too deep or too large "
        "to parse); the body text is then empty",
    )


def _docs() -> dict[str, Any]:
    kw = scoped(
        "replies:write", 413, 422, 503, summary="Receive a raw inbound message (reply or bounce)"
    )
    kw["openapi_extra"] = {
        **kw["openapi_extra"],
        "requestBody": {
            "required": True,
            "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        },
    }
    kw["responses"][200] = {
        "description": "Already received (same Message-ID), or our own message (ignored)"
    }
    kw["responses"][415] = {"description": "Content-Type is not message/rfc822"}
    kw["status_code"] = 202
    return kw


@router.post("/inbound", response_model=InboundOut, **_docs())
async def receive_inbound(
    request: Request,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.REPLIES_WRITE)],
) -> InboundOut:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != MEDIA_TYPE:
        raise APIError(
            415, "unsupported_media_type", "Send the raw message with Content-Type: message/rfc822."
        )
    raw = await request.body()
    if not raw.strip():
        raise bad_request(
            "The request body is empty: send one raw RFC 5322 message.", "empty_message"
        )
    try:
        # Parsing a big or odd message is CPU work: off the event loop.
        parsed = await run_cpu(parse_message, raw)
    except MalformedMessage as exc:
        raise APIError(exc.status, exc.code, str(exc)) from exc

    result = await ingest(session, principal.workspace_id, parsed, source="inbound")
    await session.commit()
    if result.reply is None:
        response.status_code = 200
        return InboundOut(
            id=None,
            kind=OWN_MESSAGE,
            duplicate=False,
            truncated=parsed.truncated,
            status=IGNORED,
            parse_error=parsed.unreadable,
        )
    reply = result.reply
    if not result.created:
        response.status_code = 200
    if reply.status != ReplyStatus.DONE:
        client = await state.temporal()
        try:
            await start_reply_workflow(client, state.settings, reply)
        except RPCError as exc:
            log.warning("reply %s stored but its workflow did not start: %s", reply.id, exc)
            raise APIError(
                503,
                "temporal_unavailable",
                "The message was stored but could not be processed yet; retry the same request.",
            ) from exc
    return InboundOut(
        id=reply.id,
        kind=reply.kind,
        duplicate=not result.created,
        truncated=reply.truncated,
        status=reply.status,
        parse_error=parsed.unreadable,
    )


receive_inbound.__doc__ = DOC  # the OpenAPI description (it names the caps)

"""Store one parsed inbound message as a `Reply` row (once), and start its workflow.

Shared by `POST /inbound` and the IMAP sync. The Message-ID is the identity: a message
seen again (a relay retrying, a second mailbox, a UIDVALIDITY reset) finds its row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from outreach import search_attributes as sa_keys
from outreach.config import Settings
from outreach.ids import new_id
from outreach.inbound.contracts import INBOUND_REPLY_WORKFLOW, reply_workflow_id
from outreach.inbound.matching import is_own_message
from outreach.inbound.message import ParsedMessage, clip
from outreach.inbound.status import ReplyKind
from outreach.models import Reply, ReplyRaw, utcnow

log = logging.getLogger("outreach.inbound")

OWN_MESSAGE = "own_message"


@dataclass
class Ingested:
    reply: Reply | None
    created: bool = False
    ignored: str | None = None  # why nothing was stored (own_message)


def kind_of(parsed: ParsedMessage) -> str:
    if parsed.bounce is None:
        return ReplyKind.REPLY
    return ReplyKind.BOUNCE if parsed.bounce.hard else ReplyKind.DSN


async def find_reply(session: AsyncSession, workspace_id: str, message_id: str) -> Reply | None:
    return (
        await session.exec(
            select(Reply).where(Reply.workspace_id == workspace_id, Reply.message_id == message_id)
        )
    ).first()


async def ingest(
    session: AsyncSession,
    workspace_id: str,
    parsed: ParsedMessage,
    *,
    source: str,
    mailbox_id: str | None = None,
    received_at: datetime | None = None,
) -> Ingested:
    """Insert the message unless it is ours or already stored. The caller commits."""
    kind = kind_of(parsed)
    if kind == ReplyKind.REPLY and await is_own_message(
        session,
        workspace_id,
        None if parsed.synthetic_id else parsed.message_id,
        parsed.from_email,
    ):
        return Ingested(None, ignored=OWN_MESSAGE)
    existing = await find_reply(session, workspace_id, parsed.message_id)
    if existing is not None:
        return Ingested(existing)
    now = utcnow()
    reply = Reply(
        id=new_id("reply"),
        workspace_id=workspace_id,
        mailbox_id=mailbox_id,
        source=source,
        kind=kind,
        message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to,
        references=clip(" ".join(parsed.references), 20_000) or None,
        from_email=parsed.from_email,
        from_name=parsed.from_name,
        to_email=parsed.to_email,
        subject=parsed.subject,
        body_text=parsed.body_text,
        headers=parsed.headers,
        bounce=parsed.bounce.as_dict() if parsed.bounce else None,
        raw_size=parsed.raw_size,
        truncated=parsed.truncated,
        received_at=received_at or now,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(reply)
            await session.flush()
            session.add(ReplyRaw(reply_id=reply.id, raw=parsed.raw))
    except IntegrityError:
        # The same message stored concurrently (two relays, a mailbox and the API).
        found = await find_reply(session, workspace_id, parsed.message_id)
        if found is None:
            raise
        return Ingested(found)
    return Ingested(reply, created=True)


async def start_reply_workflow(client: Client, settings: Settings, reply: Reply) -> bool:
    """Start the reply's workflow once (id `reply-<replyId>`). True if it started now."""
    try:
        await client.start_workflow(
            INBOUND_REPLY_WORKFLOW,
            reply.id,
            id=reply_workflow_id(reply.id),
            task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(sa_keys.WORKSPACE_ID, reply.workspace_id),
                ]
            ),
            static_summary=f"{reply.kind} from {reply.from_email or 'unknown sender'}"[:200],
        )
    except WorkflowAlreadyStartedError:
        return False  # it ran before and finished
    return True

"""Which lead an inbound message belongs to.

Replies: `In-Reply-To` / `References` against the Message-IDs of our sends first (the
thread names the exact lead and step); then the sender's address against the workspace's
leads, preferring an active campaign, then the most recently contacted lead.
Bounces: the returned message's Message-ID, else the failed recipient's latest send.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from outreach.campaigns.status import CampaignStatus
from outreach.models import Campaign, Lead, Reply, Send
from outreach.sends.status import SendStatus

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def thread_ids(reply: Reply) -> list[str]:
    """In-Reply-To first, then References from the newest to the oldest."""
    ids = [reply.in_reply_to] if reply.in_reply_to else []
    ids += list(reversed((reply.references or "").split()))
    return list(dict.fromkeys(i for i in ids if i))


async def send_by_message_id(
    session: AsyncSession, workspace_id: str, ids: list[str]
) -> Send | None:
    """The send whose Message-ID comes first in `ids` (compared case-insensitively)."""
    if not ids:
        return None
    wanted = list(dict.fromkeys(ids + [i.lower() for i in ids]))
    rows = (
        await session.exec(
            select(Send).where(Send.workspace_id == workspace_id, col(Send.message_id).in_(wanted))
        )
    ).all()
    by_id = {(r.message_id or "").lower(): r for r in rows}
    for mid in ids:
        if mid.lower() in by_id:
            return by_id[mid.lower()]
    return None


async def lead_by_address(session: AsyncSession, workspace_id: str, email: str) -> Lead | None:
    leads = (
        await session.exec(
            select(Lead).where(Lead.workspace_id == workspace_id, Lead.email == email)
        )
    ).all()
    if not leads:
        return None
    campaign_ids = list({lead.campaign_id for lead in leads})
    active = set(
        (
            await session.exec(
                select(Campaign.id).where(
                    col(Campaign.id).in_(campaign_ids), Campaign.status == CampaignStatus.ACTIVE
                )
            )
        ).all()
    )
    return max(
        leads,
        key=lambda lead: (
            lead.campaign_id in active,
            lead.last_sent_at or _EPOCH,
            lead.created_at,
            lead.id,
        ),
    )


async def match_reply(
    session: AsyncSession, reply: Reply
) -> tuple[Lead | None, Send | None, str | None]:
    """(lead, send, how) with how = headers | address, or (None, None, None)."""
    send = await send_by_message_id(session, reply.workspace_id, thread_ids(reply))
    if send is not None:
        lead = await session.get(Lead, send.lead_id)
        if lead is not None:
            return lead, send, "headers"
    if reply.from_email:
        lead = await lead_by_address(session, reply.workspace_id, reply.from_email)
        if lead is not None:
            return lead, None, "address"
    return None, None, None


def answered_step(lead: Lead, send: Send | None) -> int:
    """The step a reply answers (for the campaign's stats): the step of the email it
    threads under, else the last step the lead had been sent."""
    if send is not None and send.step_position is not None:
        return send.step_position
    return lead.current_step


async def match_bounce(session: AsyncSession, reply: Reply) -> tuple[Send | None, str | None]:
    """(the send that bounced, how) with how = headers | recipient."""
    bounce = reply.bounce or {}
    ids = [str(i) for i in bounce.get("originalMessageIds") or []]
    send = await send_by_message_id(session, reply.workspace_id, ids)
    if send is not None:
        return send, "headers"
    for rcpt in bounce.get("recipients") or []:
        send = (
            await session.exec(
                select(Send)
                .where(
                    Send.workspace_id == reply.workspace_id,
                    Send.to_email == str(rcpt).lower(),
                    col(Send.status).in_((SendStatus.SENT, SendStatus.UNKNOWN, SendStatus.BOUNCED)),
                )
                .order_by(col(Send.created_at).desc())
                .limit(1)
            )
        ).first()
        if send is not None:
            return send, "recipient"
    return None, None


async def is_own_message(
    session: AsyncSession, workspace_id: str, message_id: str | None, from_email: str | None
) -> bool:
    """Mail we sent (a copy in a Sent folder, a Bcc) or wrote from one of our sender
    addresses (the founder answering a lead by hand) is never a reply."""
    if message_id and await send_by_message_id(session, workspace_id, [message_id]):
        return True
    if from_email:
        found = (
            await session.exec(
                select(Campaign.id)
                .where(Campaign.workspace_id == workspace_id, Campaign.from_email == from_email)
                .limit(1)
            )
        ).first()
        if found is not None:
            return True
    return False

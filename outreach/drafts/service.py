"""Reply drafts and answers: the rules the API checks before it starts anything, and what
the activities load to write and send.

A draft is written by `DraftReplyWorkflow` (model first when one is configured, else or on
failure the built-in answer of `outreach.drafts.builtin`). Sending goes through
`ReplySendWorkflow`: the API records the intent (a `Send` of kind reply, `claimed`, named
by the draft's unique `send_id`), so a second call for the same draft finds that send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from outreach import mail
from outreach.classify.quoting import strip_quoted
from outreach.drafts.builtin import NO_DRAFT, DraftContext, next_slots, reply_subject
from outreach.drafts.model import DraftPrompt
from outreach.drafts.schemas import ReplySendIn
from outreach.drafts.status import DraftSource, DraftStatus
from outreach.errors import RuleBroken
from outreach.ids import new_id
from outreach.inbound.status import ReplyKind
from outreach.models import Campaign, Lead, Reply, ReplyDraft, Send, Step, utcnow
from outreach.render import lead_variables, render, step_seed
from outreach.schedule import SendWindow
from outreach.schemas import single_line
from outreach.sends.status import IN_THREAD, SendKind, SendStatus
from outreach.suppressions import service as suppressions
from outreach.workpool import run_cpu

QUOTED_LINES = 40  # lines of their reply quoted under an answer
READ_CHARS = 20_000  # of a reply's text, the part that is read (what they wrote is on top)
REFERENCES_KEPT = 10  # Message-IDs kept in an answer's References


def check_draftable(reply: Reply) -> None:
    """RuleBroken (422) when this reply gets no draft."""
    if reply.kind != ReplyKind.REPLY:
        raise RuleBroken("Only replies get drafts.", "not_a_reply")
    if reply.lead_id is None:
        raise RuleBroken(
            "The reply is not matched to a lead: there is nobody to answer from a campaign.",
            "reply_unmatched",
        )
    if reply.label is None:
        raise RuleBroken(
            "The reply is not classified yet; retry in a moment.", "reply_not_classified"
        )
    if reply.label in NO_DRAFT:
        raise RuleBroken(
            f"No draft for a {reply.label} reply: {NO_DRAFT[reply.label]}.", "no_draft_for_label"
        )


def new_draft(reply: Reply, source: DraftSource = DraftSource.TEMPLATE) -> ReplyDraft:
    now = utcnow()
    return ReplyDraft(
        id=new_id("draft"),
        workspace_id=reply.workspace_id,
        reply_id=reply.id,
        lead_id=reply.lead_id,
        source=source,
        created_at=now,
        updated_at=now,
    )


async def named_draft(session: AsyncSession, reply: Reply, draft_id: str) -> ReplyDraft | None:
    """The draft of this reply with this id (None: no such draft here); RuleBroken unless
    it is ready or already has its send."""
    draft = await session.get(ReplyDraft, draft_id)
    if draft is None or draft.reply_id != reply.id:
        return None
    if draft.send_id is None and draft.status != DraftStatus.READY:
        raise RuleBroken(f"The draft is {draft.status}, not ready to send.", "draft_not_ready")
    return draft


async def manual_answer(session: AsyncSession, reply: Reply, body: ReplySendIn) -> ReplyDraft:
    """The hand-written answer as a draft. The same text sent again for the same reply is
    the same draft (a retried call never mails twice); a new one is flushed, not committed."""
    assert body.body is not None
    if body.subject is not None:
        single_line(body.subject, "subject")
    same = (
        await session.exec(
            select(ReplyDraft).where(
                ReplyDraft.reply_id == reply.id,
                ReplyDraft.source == DraftSource.MANUAL,
                ReplyDraft.body == body.body,
                col(ReplyDraft.subject).is_(None)
                if body.subject is None
                else ReplyDraft.subject == body.subject,
            )
        )
    ).first()
    if same is not None:
        return same
    draft = new_draft(reply, DraftSource.MANUAL)
    draft.status, draft.subject, draft.body = DraftStatus.READY, body.subject, body.body
    session.add(draft)
    await session.flush()
    return draft


async def attach_send(
    session: AsyncSession, draft: ReplyDraft, reply: Reply, lead: Lead, campaign: Campaign
) -> str:
    """The id of the draft's send, made now (`claimed`, committed), for a draft that had
    none. Two calls at once make one: `send_id` is set only where it is still empty."""
    send = claim_send(draft, reply, lead, campaign)
    session.add(send)
    taken = await session.exec(
        update(ReplyDraft)
        .where(col(ReplyDraft.id) == draft.id, col(ReplyDraft.send_id).is_(None))
        .values(send_id=send.id, updated_at=utcnow())
    )
    if taken.rowcount != 1:
        await session.rollback()  # the other call's send stands
    else:
        await session.commit()
    await session.refresh(draft)
    assert draft.send_id is not None
    return draft.send_id


async def drafts_of(session: AsyncSession, reply_id: str) -> list[ReplyDraft]:
    return list(
        (
            await session.exec(
                select(ReplyDraft)
                .where(ReplyDraft.reply_id == reply_id)
                .order_by(col(ReplyDraft.created_at), col(ReplyDraft.id))
            )
        ).all()
    )


async def check_sendable(session: AsyncSession, reply: Reply) -> tuple[Lead, Campaign]:
    """The lead and campaign an answer goes out for; RuleBroken when it must not."""
    if reply.lead_id is None:
        raise RuleBroken(
            "The reply is not matched to a lead: answer it from your mail client.",
            "reply_unmatched",
        )
    lead = await session.get(Lead, reply.lead_id)
    campaign = await session.get(Campaign, lead.campaign_id) if lead else None
    if lead is None or campaign is None:
        raise RuleBroken("The reply's lead no longer exists.", "lead_gone")
    entry = await suppressions.find(session, lead.workspace_id, lead.email)  # or its domain
    if entry is not None:
        raise RuleBroken(
            f"{lead.email} is on the suppression list ({entry.reason}): it is never mailed.",
            "suppressed",
        )
    return lead, campaign


def claim_send(draft: ReplyDraft, reply: Reply, lead: Lead, campaign: Campaign) -> Send:
    """The answer's send row (`claimed`; nothing handed to SMTP yet). The caller names it
    on the draft (`send_id`, set only where it is still empty)."""
    now = utcnow()
    send = Send(
        id=new_id("send"),
        workspace_id=lead.workspace_id,
        campaign_id=campaign.id,
        lead_id=lead.id,
        kind=SendKind.REPLY,
        reply_id=reply.id,
        step_position=None,
        to_email=lead.email,
        from_email=campaign.from_email,
        # Always `Re: <their subject>` unless the answer has its own (then `Re: <it>`):
        # mail clients thread on it.
        subject=reply_subject(mail.one_line(draft.subject or "") or reply.subject),
        status=SendStatus.CLAIMED,
        created_at=now,
        updated_at=now,
    )
    return send


def answer_references(reply: Reply) -> tuple[str | None, tuple[str, ...]]:
    """(In-Reply-To, References) of an answer to this reply (RFC 5322 3.6.4)."""
    earlier = (reply.references or "").split()
    if reply.in_reply_to and reply.in_reply_to not in earlier:
        earlier.append(reply.in_reply_to)
    if reply.message_id:
        earlier.append(reply.message_id)
    refs = tuple(dict.fromkeys(earlier))[-REFERENCES_KEPT:]
    return reply.message_id, refs


def quoted(reply: Reply) -> str:
    """Their reply under the answer, as mail clients quote it (CPU work: callers in async
    code run it with `run_cpu`)."""
    text = strip_quoted((reply.body_text or "")[:READ_CHARS]).strip()
    if not text:
        return ""
    lines = text.splitlines()[:QUOTED_LINES]
    when = reply.received_at.strftime("%a %d %b %Y %H:%M UTC")
    who = reply.from_name or reply.from_email or "you"
    return f"\n\nOn {when}, {who} wrote:\n" + "\n".join(f"> {line}" for line in lines)


# -- what drafting works from ------------------------------------------------------------


@dataclass
class Loaded:
    draft: ReplyDraft
    reply: Reply
    lead: Lead | None
    campaign: Campaign | None


async def load(session: AsyncSession, draft_id: str) -> Loaded | None:
    draft = await session.get(ReplyDraft, draft_id)
    if draft is None:
        return None
    reply = await session.get(Reply, draft.reply_id)
    if reply is None:
        return None
    lead = await session.get(Lead, reply.lead_id) if reply.lead_id else None
    campaign = await session.get(Campaign, lead.campaign_id) if lead else None
    return Loaded(draft, reply, lead, campaign)


def builtin_context(x: Loaded, now: datetime) -> DraftContext:
    lead, campaign = x.lead, x.campaign
    return DraftContext(
        label=x.reply.label,
        subject=x.reply.subject,
        first_name=lead.first_name if lead else None,
        company=lead.company if lead else None,
        sender_name=campaign.from_name if campaign else None,
        booking_url=campaign.booking_url if campaign else None,
        referral_email=x.reply.referral_email,
        timezone=(campaign.timezone if campaign else None) or "UTC",
        window=SendWindow.from_dict(campaign.send_window) if campaign else None,
        now=now,
    )


async def model_prompt(session: AsyncSession, x: Loaded, now: datetime) -> DraftPrompt:
    """The model's material: the pitch, the lead, our emails so far, their reply."""
    lead, campaign = x.lead, x.campaign
    thread: list[str] = []
    if lead is not None and campaign is not None:
        sent = (
            await session.exec(
                select(Send.subject, Send.step_position, Step.body)
                .join(Step, col(Step.id) == Send.step_id)
                .where(Send.lead_id == lead.id, col(Send.status).in_(IN_THREAD))
                .order_by(col(Send.created_at))
            )
        ).all()
        variables = lead_variables(lead, campaign)
        thread = [
            f"Subject: {subj}\n{render(body, variables, seed=step_seed(lead.id, pos or 0))}"
            for subj, pos, body in sent
        ]
    ctx = builtin_context(x, now)
    return DraftPrompt(
        pitch_context=campaign.pitch_context if campaign else None,
        lead={
            "firstName": (lead.first_name or "") if lead else "",
            "lastName": (lead.last_name or "") if lead else "",
            "company": (lead.company or "") if lead else "",
            "role": (lead.role or "") if lead else "",
        },
        thread=thread,
        reply_subject=x.reply.subject,
        # Stripping quoted history is CPU work on a tenant's text: off the event loop.
        reply_text=await run_cpu(strip_quoted, (x.reply.body_text or "")[:READ_CHARS]),
        label=x.reply.label,
        sender_name=campaign.from_name if campaign else None,
        booking_url=campaign.booking_url if campaign else None,
        slots=[f"{s:%A %d %B %H:%M} ({ctx.timezone})" for s in next_slots(ctx)],
    )

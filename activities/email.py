"""perform_step: send one email step (or queue one channel touch), exactly once.

The Send row, unique on (lead, step), is the anchor (see outreach.sends.status): claimed
(safe to resend) -> sending (inside the SMTP DATA exchange: unknown if we die now) -> sent,
bounced or unknown (final: a retry finds it and does nothing more).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.base import Activities
from outreach import mail, schedule
from outreach.campaigns.service import load_steps
from outreach.campaigns.status import CampaignStatus, Channel
from outreach.config import Settings
from outreach.contracts import StepRequest, StepResult
from outreach.enrichment import service as enrichment
from outreach.events import event_ids_for, publish_events, record_event
from outreach.ids import new_id
from outreach.leads import status as lead_status
from outreach.leads.erasure_store import hold_lead
from outreach.leads.plans import plan_from
from outreach.leads.status import LeadStatus, is_terminal
from outreach.mailboxes import sending
from outreach.mailboxes import store as mailbox_store
from outreach.mailboxes.status import MailboxStatus, StatusReason
from outreach.metrics import SENDS
from outreach.models import (
    Campaign,
    CapCounter,
    ChannelTouch,
    Lead,
    Mailbox,
    Send,
    Step,
    Suppression,
    utcnow,
)
from outreach.payloads import lead_payload, send_payload, touch_payload
from outreach.render import RENDERED_BODY_CAP, lead_variables, render, step_seed
from outreach.security import sign_token
from outreach.sends.status import IN_THREAD, SETTLED, SendStatus, StepOutcome
from outreach.suppression import SuppressionReason, SuppressionSource, suppress
from outreach.suppressions.service import email_domain
from outreach.workpool import run_cpu

log = logging.getLogger("outreach.activities.email")

UNSUBSCRIBE_PURPOSE = "unsub"
RENDER_FAILED = "RenderFailed"  # the activity error type of a message that cannot be built


def unsubscribe_url(settings: Settings, lead_id: str) -> str:
    token = sign_token(settings.signing_key(), UNSUBSCRIBE_PURPOSE, lead_id)
    return f"{settings.public_url.rstrip('/')}/u/{token}"


async def take_cap_slot(session: AsyncSession, campaign_id: str, day: str, cap: int) -> bool:
    """Atomically take one of the day's `cap` sends. Correct with many workers: the
    conditional UPDATE is a single statement, the INSERT is guarded by the primary key."""
    for _ in range(3):
        result = await session.exec(
            update(CapCounter)
            .where(
                col(CapCounter.campaign_id) == campaign_id,
                col(CapCounter.day) == day,
                col(CapCounter.count) < cap,
            )
            .values(count=col(CapCounter.count) + 1)
        )
        if result.rowcount == 1:
            return True
        exists = (
            await session.exec(
                select(CapCounter.count).where(
                    CapCounter.campaign_id == campaign_id, CapCounter.day == day
                )
            )
        ).first()
        if exists is not None:
            return False  # the day's cap is spent
        try:
            async with session.begin_nested():
                session.add(CapCounter(campaign_id=campaign_id, day=day, count=1))
            return True
        except IntegrityError:
            continue  # another worker created the row first: try the UPDATE again
    return False


# perform_step's one round trip: the lead, its campaign, this step's send and the suppression
# entry of its address or of its domain, if any (two unique-index lookups; the address's own
# reason first, clipped to fit the lead's status reason). Built once, run with parameters:
# composing it (two aliases) on every call cost more than the query itself.
_SUP_BY_EMAIL = aliased(Suppression, name="sup_email")
_SUP_BY_DOMAIN = aliased(Suppression, name="sup_domain")
_STEP_ROW = (
    select(
        Lead,
        Campaign,
        Send,
        func.substr(func.coalesce(_SUP_BY_EMAIL.reason, _SUP_BY_DOMAIN.reason), 1, 186),
    )
    .join(Campaign, col(Campaign.id) == Lead.campaign_id)
    .outerjoin(
        Send,
        and_(col(Send.lead_id) == Lead.id, col(Send.step_position) == bindparam("position")),
    )
    .outerjoin(
        _SUP_BY_EMAIL,
        and_(
            col(_SUP_BY_EMAIL.workspace_id) == Lead.workspace_id,
            col(_SUP_BY_EMAIL.email) == Lead.email,
        ),
    )
    .outerjoin(  # a domain entry: the part after the address's @
        _SUP_BY_DOMAIN,
        and_(
            col(_SUP_BY_DOMAIN.workspace_id) == Lead.workspace_id,
            col(_SUP_BY_DOMAIN.domain) == email_domain(col(Lead.email)),
        ),
    )
    .where(Lead.id == bindparam("lead_id"))
)


@dataclass
class _Step:
    """Everything one run of perform_step works on, loaded once."""

    s: AsyncSession
    req: StepRequest
    lead: Lead
    campaign: Campaign
    steps: list[Step]
    send: Send | None
    events: list[str]
    suppressed: str | None = None  # the suppression list's reason for this address

    def __post_init__(self) -> None:
        self.send_existed = self.send is not None  # read at the start of this attempt
        self.held = False  # the lead's row is held by the open transaction

    async def hold(self) -> None:
        """Hold the lead's row before this transaction writes anything (LeadErased when it
        is gone: an erasure ran meanwhile, and nothing about the lead may be written)."""
        if self.held:
            return
        lead_id = self.req.lead_id
        with self.s.sync_session.no_autoflush:
            if not await hold_lead(self.s, lead_id):
                await self.s.rollback()  # (expires the rows read: touch none of them now)
                raise LeadErased(lead_id)
        self.held = True

    def result(
        self,
        outcome: StepOutcome,
        *,
        send_id: str | None = None,
        touch_id: str | None = None,
        retry_at: datetime | None = None,
        error: str | None = None,
        completed: bool = False,
    ) -> StepResult:
        return StepResult(
            outcome,
            lead_status=LeadStatus(self.lead.status),
            position=self.req.position,
            send_id=send_id,
            touch_id=touch_id,
            retry_at=retry_at,
            error=error,
            completed=completed,
            plan=plan_from(self.campaign, self.steps, self.lead),
        )

    def advance(self, emailed: bool = True) -> bool:
        """The lead passed this step; True when it was the last one (lead completed)."""
        now, lead = utcnow(), self.lead
        lead.current_step = max(lead.current_step, self.req.position)
        if emailed:
            lead.last_sent_at = now
        lead.updated_at = now
        last = max((x.position for x in self.steps), default=0)
        before = lead.status
        lead.status = lead_status.after_step(lead.status, self.req.position, last)
        if lead.status == LeadStatus.COMPLETED and before != LeadStatus.COMPLETED:
            lead.finished_at = now
            return True
        return False

    async def event(self, type_: str, data: dict[str, Any], key: str, new: bool = False) -> None:
        self.events.append(
            await record_event(
                self.s,
                workspace_id=self.lead.workspace_id,
                type=type_,
                data=data,
                dedupe_key=key,
                new=new,
            )
        )


class LeadErased(Exception):
    """The lead's row went while the step ran (an erasure): the step writes nothing."""


class EmailActivities(Activities):
    async def _commit_and_publish(self, ctx: _Step) -> None:
        await ctx.hold()
        await ctx.s.commit()
        ctx.held = False
        await self._publish(ctx.events)

    @activity.defn(name="perform_step")
    async def perform_step(self, req: StepRequest) -> StepResult:
        try:
            return await self._perform_step(req)
        except LeadErased:
            log.info("lead %s erased during step %s: nothing recorded", req.lead_id, req.position)
            return StepResult(
                StepOutcome.LEAD_INACTIVE, lead_status=LeadStatus.STOPPED, position=req.position
            )

    async def _perform_step(self, req: StepRequest) -> StepResult:
        async with self.db.session() as s:
            # One round trip (see _STEP_ROW).
            row = (
                await s.exec(_STEP_ROW, params={"lead_id": req.lead_id, "position": req.position})
            ).first()
            if row is None:
                return StepResult(
                    StepOutcome.LEAD_INACTIVE, lead_status=LeadStatus.STOPPED, position=req.position
                )
            lead, campaign, send, suppressed = row
            ctx = _Step(
                s,
                req,
                lead,
                campaign,
                await load_steps(s, campaign.id),
                send,
                list(req.publish_event_ids),
                suppressed,
            )
            done = await self._already_done(ctx) or await self._must_not_send(ctx)
            if done is not None:
                return done
            step = next((x for x in ctx.steps if x.position == req.position), None)
            if step is None:
                await self._commit_and_publish(ctx)
                return ctx.result(StepOutcome.NO_STEP)
            if step.channel != Channel.EMAIL:
                return await self._queue_touch(ctx, step)
            return await self._send_email(ctx, step)

    async def _already_done(self, ctx: _Step) -> StepResult | None:
        """A retry of a step that already ran reports it and sends nothing."""
        send = ctx.send
        if send is None or (send.status not in SETTLED and send.status != SendStatus.SENDING):
            return None
        if send.status == SendStatus.SENDING:
            # The previous attempt died inside the DATA exchange: the server may have the
            # message. Never resend; report it.
            return await self._unknown(
                ctx,
                "outcome unknown: the worker stopped during the SMTP DATA exchange; "
                "not resent so the lead never gets two copies",
            )
        key = {
            SendStatus.SENT: f"send.sent:{send.id}",
            SendStatus.BOUNCED: f"lead.bounced:{ctx.lead.id}",
            SendStatus.UNKNOWN: f"send.failed:{send.id}",
        }[SendStatus(send.status)]
        ctx.events += await event_ids_for(ctx.s, [key])
        await self._commit_and_publish(ctx)
        return ctx.result(
            StepOutcome(send.status),
            send_id=send.id,
            completed=ctx.lead.status == LeadStatus.COMPLETED,
        )

    async def _must_not_send(self, ctx: _Step) -> StepResult | None:
        """Re-check at every wake-up: lead status, campaign status, suppression list."""
        lead, campaign = ctx.lead, ctx.campaign
        if is_terminal(lead.status):
            await self._commit_and_publish(ctx)
            return ctx.result(StepOutcome.LEAD_INACTIVE)
        if campaign.status == CampaignStatus.ARCHIVED or (
            campaign.status != CampaignStatus.ACTIVE and not ctx.req.forced
        ):
            await self._commit_and_publish(ctx)
            return ctx.result(StepOutcome.CAMPAIGN_INACTIVE)
        if ctx.suppressed is None:
            return await self._undeliverable(ctx)
        status = (
            LeadStatus.BOUNCED
            if ctx.suppressed == SuppressionReason.BOUNCED
            else LeadStatus.UNSUBSCRIBED
        )
        await ctx.hold()
        lead.status, lead.status_reason = status, f"suppressed ({ctx.suppressed})"
        lead.finished_at = lead.updated_at = utcnow()
        ctx.s.add(lead)
        await ctx.event(
            f"lead.{status}",
            {"lead": lead_payload(lead), "reason": "suppressed"},
            f"lead.{status}:{lead.id}",
        )
        await self._commit_and_publish(ctx)
        return ctx.result(StepOutcome.SUPPRESSED)

    async def _undeliverable(self, ctx: _Step) -> StepResult | None:
        """The campaign skips undeliverable addresses and enrichment found this one so: the
        lead stops, never mailed, with the reason (`undeliverable (domain_not_found)`)."""
        why = ctx.campaign.skip_undeliverable and enrichment.undeliverable(ctx.lead.enrichment)
        if not why:
            return None
        await ctx.hold()
        lead = ctx.lead
        lead.status, lead.status_reason = LeadStatus.STOPPED, f"undeliverable ({why})"[:200]
        lead.finished_at = lead.updated_at = utcnow()
        ctx.s.add(lead)
        await self._commit_and_publish(ctx)
        return ctx.result(StepOutcome.UNDELIVERABLE)

    async def _send_email(self, ctx: _Step, step: Step) -> StepResult:
        s, req, lead, campaign = ctx.s, ctx.req, ctx.lead, ctx.campaign
        now = utcnow()
        # Which mailbox it leaves from, and when (a later slot: the lead sleeps until it).
        pick = mailbox_store.Pick(None)
        if campaign.mailbox_ids or lead.mailbox_id:
            await ctx.hold()
            pick = await mailbox_store.pick_mailbox(
                s,
                lead,
                campaign,
                req.position,
                req.scheduled_at,
                forced=req.forced,
                jitter=lambda n: random.randint(0, n),
            )
            if pick.unavailable is not None or pick.wait_until is not None:
                return await self._mailbox_wait(ctx, pick)
        mailbox = pick.mailbox
        from_email = (mailbox.email if mailbox else None) or campaign.from_email or ""
        send = ctx.send or Send(
            id=new_id("send"),
            workspace_id=lead.workspace_id,
            campaign_id=campaign.id,
            lead_id=lead.id,
            step_position=req.position,
            to_email=lead.email,
            created_at=now,
        )
        ctx.send = send
        message_id = send.message_id or mail.make_message_id(send.id, from_email or "localhost")
        # Render and build first: a message that cannot be built takes no cap slot.
        unsub = unsubscribe_url(self.settings, lead.id)
        from_name = (mailbox.from_name if mailbox else None) or campaign.from_name
        # {{fromName}} / {{fromEmail}} are who the email is from: the mailbox's identity.
        variables = lead_variables(
            lead,
            campaign,
            {"unsubscribeUrl": unsub, "fromName": from_name, "fromEmail": from_email},
        )
        first_subject, previous = await self._thread(s, lead.id, req.position)
        seed = step_seed(lead.id, req.position)  # a retried send renders the same wording
        subject = mail.one_line(render(step.subject, variables, seed=seed)) or reply_subject(
            first_subject
        )
        outgoing = mail.Outgoing(
            from_name=from_name,
            from_email=from_email,
            to_email=lead.email,
            to_name=" ".join(x for x in (lead.first_name, lead.last_name) if x) or None,
            subject=subject,
            body=sending.with_signature(render(step.body, variables, seed=seed), mailbox),
            message_id=message_id,
            unsubscribe_url=unsub,
            in_reply_to=previous[-1] if previous else None,
            references=tuple(previous),
            reply_to=mailbox.reply_to if mailbox else None,
        )
        try:
            raw = await build(outgoing)
        except Unbuildable as exc:
            send.message_id, send.subject, send.error = message_id, subject, str(exc)[:1000]
            send.status, send.forced, send.step_id = SendStatus.CLAIMED, req.forced, step.id
            send.attempts += 1
            send.scheduled_at, send.updated_at = req.scheduled_at, now
            s.add(send)
            await s.commit()
            # Not an SMTP outage: retrying builds the same thing. The lead is paused
            # (`render_failed`) until its fields or the step are fixed and it is resumed.
            raise ApplicationError(str(exc), type=RENDER_FAILED, non_retryable=True) from exc

        # Claim: daily-cap slot, Message-ID and rendered content, in one commit.
        await ctx.hold()
        cap_day = send.cap_day
        if campaign.daily_cap and not req.forced and cap_day is None:
            cap_day = schedule.local_day(req.scheduled_at, campaign.timezone)
            if not await take_cap_slot(s, campaign.id, cap_day, campaign.daily_cap):
                spent = ctx.result(
                    StepOutcome.CAP_REACHED,
                    retry_at=schedule.start_of_next_day(req.scheduled_at, campaign.timezone),
                )
                await s.rollback()  # (the mailbox slot taken with it is given back)
                ctx.held = False
                await publish_events(
                    self.db, self.client, self.settings.webhook_task_queue, ctx.events
                )
                return spent
        if ctx.send_existed:
            await take_attempt(s, send)
        else:
            send.status, send.attempts = SendStatus.CLAIMED, send.attempts + 1
        send.step_id, send.from_email = step.id, from_email or None
        send.mailbox_id = mailbox.id if mailbox else None
        send.message_id, send.subject = message_id, subject
        send.cap_day, send.forced = cap_day, req.forced
        send.scheduled_at, send.claimed_at, send.updated_at = req.scheduled_at, now, now
        send.error = None
        s.add(send)
        if mailbox is not None:
            mailbox_store.release(lead)  # the slot is used by this send
            s.add(lead)
        await s.commit()
        ctx.held = False
        target = sending.smtp_target(self.settings, mailbox) if mailbox else None
        try:
            await deliver_claimed(
                s, self.settings, send, raw, outgoing.from_email, lead.email, target
            )
        except mail.SmtpBounce as exc:
            return await self._bounced(ctx, str(exc), exc.code)
        except mail.SmtpUnknown as exc:
            return await self._unknown(ctx, str(exc))
        except ApplicationError as exc:
            if mailbox is not None and exc.type == mail.SmtpAuthFailed.__name__:
                return await self._mailbox_refused_login(ctx, mailbox, str(exc))
            raise
        return await self._sent(ctx)

    async def _mailbox_wait(self, ctx: _Step, pick: mailbox_store.Pick) -> StepResult:
        """The lead waits for its mailbox: a later slot it now holds, or a mailbox that
        cannot send (paused, in error; its resume wakes the lead)."""
        ctx.s.add(ctx.lead)
        await self._commit_and_publish(ctx)
        if pick.wait_until is not None:
            return ctx.result(StepOutcome.MAILBOX_SLOT, retry_at=pick.wait_until)
        return ctx.result(
            StepOutcome.MAILBOX_UNAVAILABLE,
            retry_at=ctx.req.scheduled_at + mailbox_store.UNAVAILABLE_RECHECK,
            error=pick.unavailable,
        )

    async def _mailbox_refused_login(self, ctx: _Step, mailbox: Mailbox, error: str) -> StepResult:
        """SMTP refused the mailbox's login: the mailbox goes to `error` at once (a
        `mailbox.paused` event) and its leads wait for it; the send stays claimed (nothing
        reached the server) and goes out once the mailbox is fixed and resumed."""
        await ctx.hold()
        row = await ctx.s.get(Mailbox, mailbox.id, populate_existing=True)
        if row is not None:
            event = await sending.stop_mailbox(
                ctx.s, row, MailboxStatus.ERROR, f"{StatusReason.AUTH_FAILED}: {error}", error
            )
            if event:
                ctx.events.append(event)
        mailbox_store.release(ctx.lead)
        ctx.s.add(ctx.lead)
        await self._commit_and_publish(ctx)
        return ctx.result(
            StepOutcome.MAILBOX_UNAVAILABLE,
            retry_at=ctx.req.scheduled_at + mailbox_store.UNAVAILABLE_RECHECK,
            error=error,
        )

    # -- outcomes ------------------------------------------------------------------------

    async def _sent(self, ctx: _Step) -> StepResult:
        send, lead = ctx.send, ctx.lead
        assert send is not None
        await ctx.hold()
        now = utcnow()
        send.status, send.sent_at, send.updated_at = SendStatus.SENT, now, now
        ctx.s.add(send)
        SENDS.labels(outcome=SendStatus.SENT.value).inc()
        completed = ctx.advance()
        ctx.s.add(lead)
        await ctx.event(
            "send.sent",
            {"send": send_payload(send), "lead": lead_payload(lead)},
            f"send.sent:{send.id}",
            new=True,
        )
        if completed:
            await self._completed_event(ctx)
        await self._commit_and_publish(ctx)
        return ctx.result(StepOutcome.SENT, send_id=send.id, completed=completed)

    async def _bounced(self, ctx: _Step, error: str, code: int) -> StepResult:
        send, lead = ctx.send, ctx.lead
        assert send is not None
        await ctx.hold()
        now = utcnow()
        send.status, send.error, send.smtp_code = SendStatus.BOUNCED, error, code
        send.updated_at = now
        ctx.s.add(send)
        SENDS.labels(outcome=SendStatus.BOUNCED.value).inc()
        if lead_status.can_end(lead.status, LeadStatus.BOUNCED):
            lead.status, lead.status_reason = LeadStatus.BOUNCED, f"hard bounce: {error}"[:200]
            lead.finished_at = lead.updated_at = now
            ctx.s.add(lead)
        await suppress(
            ctx.s,
            lead.workspace_id,
            lead.email,
            SuppressionReason.BOUNCED,
            lead.id,
            SuppressionSource.BOUNCE,
        )
        await ctx.event(
            "send.failed",
            {"send": send_payload(send), "lead": lead_payload(lead), "reason": "hard_bounce"},
            f"send.failed:{send.id}",
        )
        await ctx.event(
            "lead.bounced",
            {
                "lead": lead_payload(lead),
                "send": send_payload(send),
                "smtpCode": code,
                "error": error,
            },
            f"lead.bounced:{lead.id}",
        )
        if send.mailbox_id:
            await ctx.s.flush()  # (the bounce counts in the mailbox's rate)
            mailbox = await ctx.s.get(Mailbox, send.mailbox_id, populate_existing=True)
            if mailbox is not None:
                paused = await sending.check_bounce_rate(ctx.s, self.settings, mailbox)
                if paused:
                    ctx.events.append(paused)
        await self._commit_and_publish(ctx)
        return ctx.result(StepOutcome.BOUNCED, send_id=send.id, error=error)

    async def _unknown(self, ctx: _Step, error: str) -> StepResult:
        send, lead = ctx.send, ctx.lead
        assert send is not None
        await ctx.hold()
        send.status, send.error, send.updated_at = SendStatus.UNKNOWN, error, utcnow()
        ctx.s.add(send)
        SENDS.labels(outcome=SendStatus.UNKNOWN.value).inc()
        await ctx.event(
            "send.failed",
            {"send": send_payload(send), "lead": lead_payload(lead), "reason": "unknown_outcome"},
            f"send.failed:{send.id}",
        )
        completed = ctx.advance()
        ctx.s.add(lead)
        if completed:
            await self._completed_event(ctx)
        await self._commit_and_publish(ctx)
        return ctx.result(StepOutcome.UNKNOWN, send_id=send.id, error=error, completed=completed)

    async def _completed_event(self, ctx: _Step) -> None:
        await ctx.event(
            "lead.completed", {"lead": lead_payload(ctx.lead)}, f"lead.completed:{ctx.lead.id}"
        )

    async def _queue_touch(self, ctx: _Step, step: Step) -> StepResult:
        s, lead = ctx.s, ctx.lead
        await ctx.hold()
        touch = (
            await s.exec(
                select(ChannelTouch).where(
                    ChannelTouch.lead_id == lead.id, ChannelTouch.step_position == ctx.req.position
                )
            )
        ).first()
        if touch is None:
            touch = ChannelTouch(
                id=new_id("touch"),
                workspace_id=lead.workspace_id,
                campaign_id=lead.campaign_id,
                lead_id=lead.id,
                step_id=step.id,
                step_position=ctx.req.position,
                channel=step.channel,
                text=render(
                    step.body,
                    lead_variables(lead, ctx.campaign),
                    seed=step_seed(lead.id, ctx.req.position),
                ).strip(),
            )
            s.add(touch)
            await s.flush()
        await ctx.event(
            "channel_touch.queued",
            {"touch": touch_payload(touch), "lead": lead_payload(lead)},
            f"channel_touch.queued:{touch.id}",
        )
        completed = ctx.advance(emailed=False)
        s.add(lead)
        if completed:
            await self._completed_event(ctx)
        await self._commit_and_publish(ctx)
        return ctx.result(StepOutcome.TOUCH_QUEUED, touch_id=touch.id, completed=completed)

    async def _thread(self, s: AsyncSession, lead_id: str, position: int) -> tuple[str, list[str]]:
        """The subject of the lead's first email and the Message-IDs of the emails before
        this step (for In-Reply-To / References)."""
        if position == 1:
            return "", []
        earlier = (
            await s.exec(
                select(Send.subject, Send.message_id)
                .where(
                    Send.lead_id == lead_id,
                    col(Send.step_position) < position,
                    col(Send.status).in_(IN_THREAD),
                )
                .order_by(col(Send.step_position))
            )
        ).all()
        first_subject = (earlier[0][0] or "") if earlier else ""
        return first_subject, [mid for _, mid in earlier if mid]


async def take_attempt(s: AsyncSession, send: Send) -> None:
    """Count this attempt on a send row read earlier in this session, only if no other
    attempt touched it since (an attempt that outlived its timeout may still be running):
    a conditional UPDATE, so two attempts can never both go on to DATA. The caller commits;
    ApplicationError ClaimLost (retryable) when another attempt got there first."""
    taken = await s.exec(
        update(Send)
        .where(
            col(Send.id) == send.id,
            col(Send.status) == send.status,
            col(Send.attempts) == send.attempts,
        )
        .values(status=SendStatus.CLAIMED, attempts=send.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        await s.rollback()
        raise ApplicationError("another attempt holds this send", type="ClaimLost")
    send.status, send.attempts = SendStatus.CLAIMED, send.attempts + 1


async def deliver_claimed(
    s: AsyncSession,
    settings: Settings,
    send: Send,
    raw: bytes,
    sender: str,
    recipient: str,
    target: mail.SmtpTarget | None = None,
) -> None:
    """Hand a claimed send (status `claimed`, its attempt counted and committed) to SMTP,
    keeping the exactly-once rule: only the attempt that holds the claim may start DATA,
    and the row says `sending` before it does (a crash then means "unknown", never a
    resend). Returns when the server took the message; raises SmtpBounce / SmtpUnknown
    for the caller to record, or ApplicationError (retryable unless permanent) after
    putting the send back to `claimed` when the server did not take it."""
    claimed_attempt = send.attempts

    async def before_data() -> None:
        # From here on the server may have the message: a crash means "unknown". Only
        # the attempt that holds the claim may start DATA (an earlier attempt that
        # outlived its timeout may still be running somewhere).
        started = utcnow()
        taken = await s.exec(
            update(Send)
            .where(
                col(Send.id) == send.id,
                col(Send.status) == SendStatus.CLAIMED,
                col(Send.attempts) == claimed_attempt,
            )
            .values(status=SendStatus.SENDING, data_started_at=started)
        )
        await s.commit()
        if taken.rowcount != 1:
            raise ApplicationError("another attempt holds this send", type="ClaimLost")
        send.status, send.data_started_at = SendStatus.SENDING, started

    try:
        await mail.deliver(settings, raw, sender, recipient, before_data, target)
    except (mail.SmtpTransient, mail.SmtpPermanent) as exc:
        # The server did not take the message: back to `claimed`, safe to retry.
        send.status, send.error, send.smtp_code = SendStatus.CLAIMED, str(exc)[:1000], exc.code
        send.updated_at = utcnow()
        s.add(send)
        await s.commit()
        permanent = isinstance(exc, mail.SmtpPermanent)
        raise ApplicationError(str(exc), type=type(exc).__name__, non_retryable=permanent) from exc


class Unbuildable(ValueError):
    """The step's message cannot be built (too big, an address with no ASCII form...)."""


async def build(outgoing: mail.Outgoing) -> bytes:
    """The message's bytes, built off the event loop (MIME is CPU work), or Unbuildable."""
    if len(outgoing.body) > RENDERED_BODY_CAP:
        raise Unbuildable(
            f"the body rendered to {len(outgoing.body):,} characters "
            f"(at most {RENDERED_BODY_CAP:,})"
        )
    try:
        return await run_cpu(mail.build_message, outgoing)
    except (ValueError, TypeError, LookupError) as exc:
        raise Unbuildable(f"the message could not be built: {exc}"[:500]) from exc


def reply_subject(first_subject: str) -> str:
    """A follow-up without its own subject replies in the thread: `Re: <first subject>`."""
    if not first_subject:
        return "Re:"
    return first_subject if first_subject.lower().startswith("re:") else f"Re: {first_subject}"

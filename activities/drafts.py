"""Drafting and sending answers to replies, and rewriting channel touches: thin I/O around
outreach.drafts (the rules, the built-in wording, the model's prompt)."""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.base import Activities
from activities.email import Unbuildable, build, deliver_claimed, take_attempt, unsubscribe_url
from outreach import mail
from outreach.classify.provider import LLMSettings
from outreach.drafts import model, service
from outreach.drafts.builtin import NoDraft, builtin_draft, reply_subject
from outreach.drafts.contracts import (
    BuiltinRequest,
    DraftDone,
    RegenerateDone,
    RegenerateRequest,
    ReplySendDone,
    ReplySendFailed,
)
from outreach.drafts.status import DraftSource, DraftStatus
from outreach.events import event_ids_for, record_event
from outreach.mailboxes import sending
from outreach.mailboxes import store as mailbox_store
from outreach.metrics import SENDS
from outreach.models import (
    Campaign,
    ChannelTouch,
    Lead,
    Mailbox,
    Reply,
    ReplyDraft,
    Send,
    Step,
    utcnow,
)
from outreach.payloads import lead_payload, send_payload
from outreach.render import lead_variables, render, step_seed
from outreach.sends.status import SETTLED, SendStatus, TouchStatus
from outreach.suppression import SuppressionReason, SuppressionSource, suppress
from outreach.workpool import run_cpu

log = logging.getLogger("outreach.activities.drafts")

MODEL_FAILED = "ModelFailed"  # the model's answer was unusable (retried, then built-in)
REGENERATE_VARIANTS = 20  # spintax wordings tried for one that differs


class DraftActivities(Activities):
    def llm(self) -> LLMSettings:
        return LLMSettings.from_env()

    @activity.defn(name="write_draft_with_model")
    async def write_with_model(self, draft_id: str) -> DraftDone:
        """Write the draft with the configured model (`model_off` in the answer when none
        is); ApplicationError ModelFailed (retried by the workflow's policy) when its answer
        is unusable."""
        llm = self.llm()
        if not llm.enabled or not llm.model:
            return DraftDone(draft_id, DraftStatus.PENDING, model_off=True)
        async with self.db.session() as s:
            x = await service.load(s, draft_id)
            if x is None or x.draft.status != DraftStatus.PENDING:
                return _done(x.draft if x else None, draft_id)
            prompt = await service.model_prompt(s, x, utcnow())
        try:
            _, body = await model.write_draft(llm, prompt)
        except model.ModelError as exc:
            raise ApplicationError(str(exc), type=MODEL_FAILED) from None
        async with self.db.session() as s:
            draft = await s.get(ReplyDraft, draft_id)
            if draft is None or draft.status != DraftStatus.PENDING:
                return _done(draft, draft_id)
            x.draft = draft
            # The answer keeps their subject (`Re: ...`): mail clients thread on it.
            draft.subject = reply_subject(x.reply.subject)
            draft.body, draft.model = body, llm.model
            draft.source, draft.status, draft.updated_at = (
                DraftSource.MODEL,
                DraftStatus.READY,
                utcnow(),
            )
            s.add(draft)
            await s.commit()
            return _done(draft, draft_id)

    @activity.defn(name="write_draft_builtin")
    async def write_builtin(self, req: BuiltinRequest) -> DraftDone:
        async with self.db.session() as s:
            x = await service.load(s, req.draft_id)
            if x is None or x.draft.status != DraftStatus.PENDING:
                return _done(x.draft if x else None, req.draft_id)
            draft = x.draft
            try:
                drafted = builtin_draft(service.builtin_context(x, utcnow()))
            except NoDraft as exc:
                draft.status, draft.note = DraftStatus.FAILED, str(exc)[:500]
            else:
                draft.subject, draft.body = drafted.subject, drafted.body
                draft.model, draft.source = drafted.template, DraftSource.TEMPLATE
                draft.status, draft.note = DraftStatus.READY, (req.note or None)
                if draft.note:
                    draft.note = draft.note[:500]
            draft.updated_at = utcnow()
            s.add(draft)
            await s.commit()
            return _done(draft, req.draft_id)

    # -- channel touches -----------------------------------------------------------------

    @activity.defn(name="regenerate_touch_with_model")
    async def regenerate_with_model(self, req: RegenerateRequest) -> RegenerateDone:
        llm = self.llm()
        if not llm.enabled or not llm.model:
            return RegenerateDone(req.touch_id, False, model_off=True)
        async with self.db.session() as s:
            touch = await s.get(ChannelTouch, req.touch_id)
            if touch is None or touch.status != TouchStatus.QUEUED:
                return RegenerateDone(req.touch_id, False, "the touch is no longer queued")
            campaign = await s.get(Campaign, touch.campaign_id)
            pitch = campaign.pitch_context if campaign else None
            channel, current = touch.channel, touch.text
        try:
            text = await model.rewrite_touch(llm, channel, current, pitch)
        except model.ModelError as exc:
            raise ApplicationError(str(exc), type=MODEL_FAILED) from None
        return await self._replace_touch_text(req, text)

    @activity.defn(name="regenerate_touch_variant")
    async def regenerate_variant(self, req: RegenerateRequest) -> RegenerateDone:
        """The step's next spintax wording for this lead (a different text, or the reason
        there is none)."""
        async with self.db.session() as s:
            touch = await s.get(ChannelTouch, req.touch_id)
            if touch is None or touch.status != TouchStatus.QUEUED:
                return RegenerateDone(req.touch_id, False, "the touch is no longer queued")
            lead = await s.get(Lead, touch.lead_id)
            campaign = await s.get(Campaign, touch.campaign_id)
            step = await s.get(Step, touch.step_id) if touch.step_id else None
            if lead is None or campaign is None or step is None:
                return RegenerateDone(req.touch_id, False, "the touch's step no longer exists")
            variables = lead_variables(lead, campaign)
            for variant in range(req.variant, req.variant + REGENERATE_VARIANTS):
                text = render(step.body, variables, seed=touch_seed(touch, variant)).strip()
                if text != touch.text:
                    return await self._replace_touch_text(req, text, variant)
        why = "the step's text has no other wording (no spintax such as {Hi|Hello})"
        return RegenerateDone(req.touch_id, False, f"{req.note}; {why}" if req.note else why)

    async def _replace_touch_text(
        self, req: RegenerateRequest, text: str, variant: int | None = None
    ) -> RegenerateDone:
        async with self.db.session() as s:
            changed = await s.exec(
                update(ChannelTouch)
                .where(
                    col(ChannelTouch.id) == req.touch_id,
                    col(ChannelTouch.status) == TouchStatus.QUEUED,
                )
                .values(text=text, variant=req.variant if variant is None else variant)
            )
            await s.commit()
        if changed.rowcount != 1:
            return RegenerateDone(req.touch_id, False, "the touch was marked sent meanwhile")
        return RegenerateDone(req.touch_id, True)


def touch_seed(touch: ChannelTouch, variant: int) -> str:
    """The spintax seed of a touch's wording: the first one is the step's own seed (as it
    was queued), each regeneration takes the next."""
    base = step_seed(touch.lead_id, touch.step_position)
    return base if variant == 0 else f"{base}:{variant}"


def _done(draft: ReplyDraft | None, draft_id: str) -> DraftDone:
    if draft is None:
        return DraftDone(draft_id, DraftStatus.FAILED)
    return DraftDone(draft_id, draft.status, draft.source)


class ReplySendActivities(Activities):
    """Sending an answer to a reply, on the email task queue, with the sequence steps'
    exactly-once rule (outreach.sends.status)."""

    @activity.defn(name="send_reply")
    async def send_reply(self, draft_id: str) -> ReplySendDone:
        async with self.db.session() as s:
            x = await service.load(s, draft_id)
            if x is None or x.draft.send_id is None or x.lead is None or x.campaign is None:
                raise ApplicationError("the draft or its send is gone", non_retryable=True)
            draft, reply, lead, campaign = x.draft, x.reply, x.lead, x.campaign
            send = await s.get(Send, draft.send_id)
            if send is None:
                raise ApplicationError("the draft's send is gone", non_retryable=True)
            if send.status in SETTLED:
                # A retry after the outcome was recorded: report it, send nothing.
                key = "send.sent" if send.status == SendStatus.SENT else "send.failed"
                await self._publish(await event_ids_for(s, [f"{key}:{send.id}"]))
                return ReplySendDone(send.id, send.status)
            if send.status == SendStatus.SENDING:
                # The previous attempt died inside DATA: never resend.
                return await self._record(
                    s,
                    send,
                    lead,
                    draft,
                    SendStatus.UNKNOWN,
                    "outcome unknown: the worker stopped during the SMTP DATA exchange; "
                    "not resent so the lead never gets two copies",
                )
            in_reply_to, references = service.answer_references(reply)
            # From the mailbox the lead's sequence came from (the conversation's address).
            mailbox = await answering_mailbox(s, lead)
            from_email = (mailbox.email if mailbox else None) or campaign.from_email or ""
            message_id = send.message_id or mail.make_message_id(send.id, from_email or "localhost")
            # Their text, quoted: stripping quoted history is CPU work on a tenant's text.
            quoted = await run_cpu(service.quoted, reply)
            outgoing = mail.Outgoing(
                from_name=(mailbox.from_name if mailbox else None) or campaign.from_name,
                from_email=from_email,
                to_email=lead.email,
                to_name=" ".join(p for p in (lead.first_name, lead.last_name) if p) or None,
                subject=send.subject or "Re:",
                body=sending.with_signature(draft.body or "", mailbox) + quoted,
                message_id=message_id,
                unsubscribe_url=unsubscribe_url(self.settings, lead.id),
                in_reply_to=in_reply_to,
                references=references,
                with_footer=False,
                reply_to=mailbox.reply_to if mailbox else None,
            )
            try:
                raw = await build(outgoing)
            except Unbuildable as exc:
                return await self._record(
                    s, send, lead, draft, SendStatus.FAILED, str(exc)[:1000], attempt=False
                )
            await take_attempt(s, send)
            now = utcnow()
            send.message_id, send.from_email = message_id, from_email or None
            send.mailbox_id = mailbox.id if mailbox else None
            send.claimed_at = send.updated_at = now
            send.error = None
            s.add(send)
            await s.commit()
            try:
                target = sending.smtp_target(self.settings, mailbox) if mailbox else None
                await deliver_claimed(
                    s, self.settings, send, raw, outgoing.from_email, lead.email, target
                )
            except mail.SmtpBounce as exc:
                await suppress(
                    s,
                    lead.workspace_id,
                    lead.email,
                    SuppressionReason.BOUNCED,
                    lead.id,
                    SuppressionSource.BOUNCE,
                )
                return await self._record(
                    s, send, lead, draft, SendStatus.BOUNCED, str(exc), code=exc.code
                )
            except mail.SmtpUnknown as exc:
                return await self._record(s, send, lead, draft, SendStatus.UNKNOWN, str(exc))
            return await self._record(s, send, lead, draft, SendStatus.SENT)

    @activity.defn(name="fail_reply_send")
    async def fail(self, req: ReplySendFailed) -> ReplySendDone:
        """SMTP kept refusing (retries ran out, or a login or sender refusal): the send is
        `failed` (sending the draft again retries it) and `send.failed` fires."""
        async with self.db.session() as s:
            x = await service.load(s, req.draft_id)
            send = await s.get(Send, x.draft.send_id) if x and x.draft.send_id else None
            if x is None or send is None or x.lead is None:
                raise ApplicationError("the draft or its send is gone", non_retryable=True)
            if send.status != SendStatus.CLAIMED:
                return ReplySendDone(send.id, send.status)  # decided meanwhile
            return await self._record(
                s, send, x.lead, x.draft, SendStatus.FAILED, req.error[:1000], attempt=False
            )

    async def _record(
        self,
        s: AsyncSession,
        send: Send,
        lead: Lead,
        draft: ReplyDraft,
        status: SendStatus,
        error: str | None = None,
        *,
        code: int | None = None,
        attempt: bool = True,
    ) -> ReplySendDone:
        """Write the outcome, only if the row is still this attempt's (status and attempt
        unchanged since this attempt took it), and its event; publish it."""
        now = utcnow()
        values: dict[str, Any] = {"status": status, "error": error, "updated_at": now}
        if code is not None:
            values["smtp_code"] = code
        if status == SendStatus.SENT:
            values["sent_at"] = now
        expected = SendStatus.CLAIMED if not attempt else send.status
        taken = await s.exec(
            update(Send)
            .where(
                col(Send.id) == send.id,
                col(Send.status) == expected,
                col(Send.attempts) == send.attempts,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            # Another attempt recorded an outcome first: it stands, with its one event.
            await s.rollback()
            await s.refresh(send)
            return ReplySendDone(send.id, send.status)
        for name, value in values.items():
            setattr(send, name, value)
        if status == SendStatus.SENT:
            lead.last_sent_at = lead.updated_at = now
            s.add(lead)
            draft.status, draft.updated_at = DraftStatus.SENT, now
            s.add(draft)
            reply = await s.get(Reply, draft.reply_id)
            if reply is not None and reply.handled_at is None:
                reply.handled_at = now
                s.add(reply)
        data: dict[str, Any] = {"send": send_payload(send), "lead": lead_payload(lead)}
        if status == SendStatus.SENT:
            key, type_ = f"send.sent:{send.id}", "send.sent"
        else:
            key, type_ = f"send.failed:{send.id}", "send.failed"
            data["reason"] = {
                SendStatus.BOUNCED: "hard_bounce",
                SendStatus.UNKNOWN: "unknown_outcome",
            }.get(status, "smtp_failed")
        event = await record_event(
            s, workspace_id=lead.workspace_id, type=type_, data=data, dedupe_key=key
        )
        await s.commit()
        SENDS.labels(outcome=status.value).inc()
        await self._publish([event])
        return ReplySendDone(send.id, status)


async def answering_mailbox(s: AsyncSession, lead: Lead) -> Mailbox | None:
    """The lead's sending mailbox, when it still can send (else the default relay)."""
    if not lead.mailbox_id:
        return None
    m = await s.get(Mailbox, lead.mailbox_id)
    if m is None or m.workspace_id != lead.workspace_id or not mailbox_store.can_send(m):
        return None
    return m

"""Activities of the inbound-mail workflows: match, classify, apply, and mailbox sync.

Each one is safe to retry: a step already done is recognised from the row (`status`),
events are recorded once (dedupe keys) and published again (publishing is idempotent).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta
from typing import Any

from temporalio import activity
from temporalio.service import RPCError, RPCStatusCode

from activities.base import Activities
from outreach.classify import Classification, ReplyText, classify_with_provider
from outreach.classify.models import LABELS
from outreach.contracts import HoldSignal, LeadSignal, ReplySignal
from outreach.events import record_event
from outreach.inbound import effects
from outreach.inbound.contracts import (
    ClassifyOutcome,
    MatchOutcome,
    ReplyEffect,
    SyncOutcome,
    mailbox_schedule_id,
)
from outreach.inbound.matching import answered_step, match_bounce, match_reply
from outreach.inbound.message import clip
from outreach.inbound.schedules import delete_mailbox_schedule
from outreach.inbound.status import MISSING, EffectApplied, ReplyKind, ReplyStatus, SyncStatus
from outreach.inbound.store import start_reply_workflow
from outreach.inbound.sync import sync_mailbox
from outreach.leads.runs import lead_handle, signal_lead
from outreach.leads.status import LeadStatus, is_terminal
from outreach.metrics import REPLIES
from outreach.models import (
    Campaign,
    Lead,
    Reply,
    Send,
    utcnow,
)
from outreach.payloads import lead_payload, reply_payload, send_payload
from outreach.sends.status import IN_THREAD, SendStatus
from outreach.suppression import SuppressionReason, SuppressionSource, suppress
from outreach.workpool import run_classify

log = logging.getLogger("outreach.activities.replies")

ORPHAN_AFTER = timedelta(minutes=10)


def _classify_blocking(text: ReplyText) -> Classification:
    # The rules are CPU work on up to 100,000 characters: this runs in a thread, with an
    # event loop of its own for the optional model call.
    return asyncio.run(classify_with_provider(text))


async def _classify(reply_id: str, text: ReplyText) -> Classification:
    """The reply's label, computed off the worker's event loop. A reply the classifier
    fails on (a bug on odd input) is labelled `other` instead of failing its workflow:
    the lead still stops, and the reason says why."""
    try:
        return await run_classify(_classify_blocking, text)
    except Exception as exc:  # noqa: BLE001 - RecursionError and the like, on hostile text
        log.warning("reply %s: the classifier failed (%s)", reply_id, type(exc).__name__)
        return Classification(
            "other", 0.0, [f"classifier failed ({type(exc).__name__}); labelled other"]
        )


class ReplyActivities(Activities):
    # -- match ---------------------------------------------------------------------------

    @activity.defn(name="match_inbound")
    async def match(self, reply_id: str) -> MatchOutcome:
        """Attach the message to its lead (reply) or to the send it reports on (bounce);
        a reply records `reply.received`, matched or not."""
        async with self.db.session() as s:
            reply = await s.get(Reply, reply_id)
            if reply is None:
                return MatchOutcome(MISSING)
            if reply.kind != ReplyKind.REPLY:
                if reply.status == ReplyStatus.RECEIVED:
                    send, how = await match_bounce(s, reply)
                    reply.send_id = send.id if send else None
                    reply.matched_by = how
                    reply.status = (
                        ReplyStatus.MATCHED if reply.kind == ReplyKind.BOUNCE else ReplyStatus.DONE
                    )
                    s.add(reply)
                    await s.commit()
                send = await s.get(Send, reply.send_id) if reply.send_id else None
                return MatchOutcome(reply.kind, send.lead_id if send else None, reply.send_id)

            lead: Lead | None = None
            if reply.status == ReplyStatus.RECEIVED:
                lead, send, how = await match_reply(s, reply)
                if lead is not None:
                    reply.lead_id, reply.campaign_id = lead.id, lead.campaign_id
                    reply.send_id = send.id if send else None
                    reply.matched_by = how
                    reply.step_position = answered_step(lead, send)
                reply.status = ReplyStatus.MATCHED
                s.add(reply)
            elif reply.lead_id:
                lead = await s.get(Lead, reply.lead_id)
            event_id = await record_event(
                s,
                workspace_id=reply.workspace_id,
                type="reply.received",
                data={"reply": reply_payload(reply), "lead": lead_payload(lead) if lead else None},
                dedupe_key=f"reply.received:{reply.id}",
                at=reply.received_at,
            )
            await s.commit()
            outcome = MatchOutcome(ReplyKind.REPLY, reply.lead_id, reply.send_id)
        await self._publish([event_id])
        return outcome

    # -- classify ------------------------------------------------------------------------

    @activity.defn(name="classify_reply")
    async def classify(self, reply_id: str) -> ClassifyOutcome:
        """Label the reply (rules, or the model provider when configured) and record
        `reply.classified`. A reply already labelled keeps its label."""
        async with self.db.session() as s:
            reply = await s.get(Reply, reply_id)
            if reply is None:
                return ClassifyOutcome("other")
            text = ReplyText(
                subject=reply.subject or "",
                from_addr=reply.from_email or "",
                headers=dict(reply.headers or {}),
                body=reply.body_text or "",
                received_at=reply.received_at,
            )
            labelled = reply.label is not None
        # Outside any database session: a slow model holds no connection.
        result = None if labelled else await _classify(reply_id, text)
        async with self.db.session() as s:
            reply = await s.get(Reply, reply_id)
            assert reply is not None
            newly_labelled = reply.label is None and result is not None
            if reply.label is None and result is not None:
                reply.label = result.label
                reply.confidence = result.confidence
                reply.reasons = [clip(r, 300) or "" for r in result.reasons][:20]
                reply.needs_action = result.needs_action
                reply.needs_review = result.needs_review
                reply.referral_email = clip(result.referral_email, 320)
                reply.return_date = result.return_date
                reply.classified_at = utcnow()
                reply.status = ReplyStatus.CLASSIFIED
                s.add(reply)
            lead = await s.get(Lead, reply.lead_id) if reply.lead_id else None
            event_id = await record_event(
                s,
                workspace_id=reply.workspace_id,
                type="reply.classified",
                data={"reply": reply_payload(reply), "lead": lead_payload(lead) if lead else None},
                dedupe_key=f"reply.classified:{reply.id}",
            )
            await s.commit()
            if newly_labelled and result is not None:
                # The one place a reply gets its label (a retry finds it labelled).
                REPLIES.labels(label=result.label if result.label in LABELS else "other").inc()
            outcome = ClassifyOutcome(
                label=reply.label or "other",
                return_date=reply.return_date.isoformat() if reply.return_date else None,
                referral_email=reply.referral_email,
            )
        await self._publish([event_id])
        return outcome

    # -- what the label does -------------------------------------------------------------

    @activity.defn(name="apply_reply_effect")
    async def apply_effect(self, change: ReplyEffect) -> str:
        """Tell the lead's workflow what the reply means; returns what was done."""
        done = EffectApplied.NONE
        async with self.db.session() as s:
            reply = await s.get(Reply, change.reply_id)
            if reply is None:
                return EffectApplied.MISSING
            lead = await s.get(Lead, change.lead_id) if change.lead_id else None
            if change.effect == effects.UNSUBSCRIBE:
                # Suppressed before the workflow hears of it: no step can slip out between.
                if lead is not None:
                    await suppress(
                        s,
                        lead.workspace_id,
                        lead.email,
                        SuppressionReason.UNSUBSCRIBED,
                        lead.id,
                        SuppressionSource.REPLY,
                    )
                if reply.from_email and (lead is None or reply.from_email != lead.email):
                    await suppress(
                        s,
                        reply.workspace_id,
                        reply.from_email,
                        SuppressionReason.UNSUBSCRIBED,
                        lead.id if lead else None,
                        SuppressionSource.REPLY,
                    )
                await s.commit()
                done = EffectApplied.SUPPRESSED
            campaign = await s.get(Campaign, lead.campaign_id) if lead else None

        if lead is not None:
            if change.effect == effects.REPLY:
                await signal_lead(
                    self.client,
                    self.settings,
                    lead,
                    LeadSignal.REPLY,
                    ReplySignal(reply_id=change.reply_id, label=change.label),
                )
                done = EffectApplied.REPLIED
            elif change.effect == effects.UNSUBSCRIBE:
                await signal_lead(self.client, self.settings, lead, LeadSignal.UNSUBSCRIBE, "reply")
                done = EffectApplied.UNSUBSCRIBED
            elif change.effect == effects.HOLD and change.return_date:
                zone = lead.timezone or (campaign.timezone if campaign else None)
                until = effects.hold_instant(date.fromisoformat(change.return_date), zone)
                hold = HoldSignal(until=until, reply_id=change.reply_id)
                if (
                    until > utcnow()
                    and not is_terminal(lead.status)
                    and await self._signal_running(lead.id, LeadSignal.HOLD_UNTIL, hold)
                ):
                    done = EffectApplied.HELD
        await self._mark_done(change.reply_id)
        return done

    async def _signal_running(self, lead_id: str, signal: str, arg: Any) -> bool:
        """Signal a running lead workflow; a finished one has nothing to hold."""
        try:
            await lead_handle(self.client, lead_id).signal(signal, arg)
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return False
            raise
        return True

    async def _mark_done(self, reply_id: str) -> None:
        async with self.db.session() as s:
            reply = await s.get(Reply, reply_id)
            if reply is not None and reply.status != ReplyStatus.DONE:
                reply.status = ReplyStatus.DONE
                s.add(reply)
                await s.commit()

    @activity.defn(name="apply_bounce")
    async def apply_bounce(self, reply_id: str) -> str:
        """A delivery failure report: the send is bounced (`send.failed`), and the lead's
        workflow ends it as `bounced` (suppression + `lead.bounced`)."""
        async with self.db.session() as s:
            reply = await s.get(Reply, reply_id)
            send = await s.get(Send, reply.send_id) if reply and reply.send_id else None
            lead = await s.get(Lead, send.lead_id) if send else None
            if reply is None or send is None or lead is None:
                return "unmatched"
            bounce = reply.bounce or {}
            status = bounce.get("status") or "5.0.0"
            detail = f"hard bounce (DSN {status}): {bounce.get('diagnostic') or 'delivery failed'}"
            events: list[str] = []
            if send.status in IN_THREAD:
                send.status, send.error = SendStatus.BOUNCED, detail[:1000]
                send.updated_at = utcnow()
                s.add(send)
            if send.status == SendStatus.BOUNCED:  # (a retry finds the event recorded: same id)
                events.append(
                    await record_event(
                        s,
                        workspace_id=lead.workspace_id,
                        type="send.failed",
                        data={
                            "send": send_payload(send),
                            "lead": lead_payload(lead),
                            "reason": "hard_bounce",
                            "dsn": bounce,
                        },
                        # Its own key: a send first reported `unknown` gets this news too.
                        dedupe_key=f"send.failed:{send.id}:dsn",
                    )
                )
            await s.commit()
        await self._publish(events)
        await signal_lead(self.client, self.settings, lead, LeadSignal.BOUNCE, detail[:200])
        await self._mark_done(reply_id)
        return LeadStatus.BOUNCED

    # -- IMAP ----------------------------------------------------------------------------

    @activity.defn(name="sync_mailbox")
    async def sync_mailbox(self, mailbox_id: str) -> SyncOutcome:
        async def started(reply: Reply) -> None:
            await start_reply_workflow(self.client, self.settings, reply)

        outcome = await sync_mailbox(self.db, mailbox_id, started, heartbeat=activity.heartbeat)
        if outcome.status == SyncStatus.MISSING:
            await self._drop_orphan_schedule(mailbox_id)
        elif outcome.error:
            log.warning("mailbox %s sync failed: %s", mailbox_id, outcome.error)
        return outcome

    async def _drop_orphan_schedule(self, mailbox_id: str) -> None:
        """A schedule whose mailbox is gone (a DELETE that failed half-way) is removed,
        once it is old enough not to be one whose mailbox is being created right now."""
        try:
            desc = await self.client.get_schedule_handle(mailbox_schedule_id(mailbox_id)).describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return
            raise
        if utcnow() - desc.info.created_at > ORPHAN_AFTER:
            await delete_mailbox_schedule(self.client, mailbox_id)

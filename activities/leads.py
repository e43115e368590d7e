"""Thin database activities of the lead workflow, and the campaign broadcast."""

from __future__ import annotations

import asyncio
import logging

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.service import RPCError, RPCStatusCode

from activities.base import Activities
from outreach.campaigns.status import CampaignStatus
from outreach.contracts import LeadSignal, LeadTransition, Plan, TouchSent
from outreach.events import record_event
from outreach.leads.erasure_store import hold_lead
from outreach.leads.plans import load_plan
from outreach.leads.status import (
    PAUSED_BY_FAILURE,
    RENDER_FAILED,
    RESUME,
    TERMINAL,
    LeadStatus,
    can_end,
    can_pause,
    resumed,
)
from outreach.models import ChannelTouch, Lead, Send, utcnow
from outreach.payloads import lead_payload, send_payload, touch_payload
from outreach.sends.status import RETRIABLE, SendStatus, TouchStatus
from outreach.suppression import SuppressionReason, SuppressionSource, suppress
from outreach.suppressions.service import stopped_by_list
from outreach.temporal import lead_workflow_id

log = logging.getLogger("outreach.activities.leads")

# Endings that fire their `lead.<status>` event (a stop fires none).
_ANNOUNCED = (
    LeadStatus.REPLIED,
    LeadStatus.UNSUBSCRIBED,
    LeadStatus.BOUNCED,
    LeadStatus.COMPLETED,
)


def _clip(reason: str | None) -> str | None:
    return reason[:200] if reason else reason


class LeadActivities(Activities):
    @activity.defn(name="load_plan")
    async def load_plan(self, lead_id: str) -> Plan:
        async with self.db.session() as s:
            lead = await s.get(Lead, lead_id)
            if lead is None:
                return Plan(
                    lead_status=LeadStatus.STOPPED,
                    campaign_status=CampaignStatus.ARCHIVED,
                    timezone="UTC",
                    window=None,
                )
            return await load_plan(s, lead)

    @activity.defn(name="publish_events")
    async def publish(self, event_ids: list[str]) -> None:
        await self._publish(event_ids)

    @activity.defn(name="transition_lead")
    async def transition_lead(self, change: LeadTransition, events: list[str]) -> str:
        """Apply a status change the workflow decided; return the lead's status after it.
        `paused` with reason `send_failed` also reports the failed send (`send.failed`)."""
        events = list(events)
        async with self.db.session() as s:
            # Held first: an erasure that ran meanwhile leaves nothing to write.
            if not await hold_lead(s, change.lead_id):
                return LeadStatus.STOPPED
            lead = await s.get(Lead, change.lead_id)
            if lead is None:
                return LeadStatus.STOPPED
            now = utcnow()
            target = change.status
            if target == RESUME:
                if lead.status == LeadStatus.PAUSED:
                    lead.status, lead.status_reason = resumed(lead.current_step), None
            elif target == LeadStatus.PAUSED:
                if can_pause(lead.status):
                    lead.status, lead.status_reason = LeadStatus.PAUSED, _clip(change.reason)
                if change.reason in PAUSED_BY_FAILURE and change.send_position is not None:
                    events += await self._send_failed(s, lead, change)
            elif can_end(lead.status, target):
                lead.status, lead.status_reason = LeadStatus(target), _clip(change.reason)
                lead.finished_at = now
            lead.updated_at = now
            s.add(lead)
            if target == LeadStatus.UNSUBSCRIBED and not stopped_by_list(change.reason):
                # (stopped by a list entry: the entry already covers the address)
                await suppress(
                    s,
                    lead.workspace_id,
                    lead.email,
                    SuppressionReason.UNSUBSCRIBED,
                    lead.id,
                    SuppressionSource.REPLY
                    if change.reason == "reply"
                    else SuppressionSource.UNSUBSCRIBE_LINK,
                )
            elif target == LeadStatus.BOUNCED:
                await suppress(
                    s,
                    lead.workspace_id,
                    lead.email,
                    SuppressionReason.BOUNCED,
                    lead.id,
                    SuppressionSource.BOUNCE,
                )
            if target in _ANNOUNCED and (lead.status == target or target == LeadStatus.REPLIED):
                key = (
                    f"lead.replied:{change.reply_id}"
                    if target == LeadStatus.REPLIED and change.reply_id
                    else f"lead.{target}:{lead.id}"
                )
                data = {"lead": lead_payload(lead), "reason": change.reason}
                if change.reply_id:
                    data["replyId"] = change.reply_id
                events.append(
                    await record_event(
                        s,
                        workspace_id=lead.workspace_id,
                        type=f"lead.{target}",
                        data=data,
                        dedupe_key=key,
                    )
                )
            await s.commit()
            await self._publish(events)
            return lead.status

    async def _send_failed(self, s: AsyncSession, lead: Lead, change: LeadTransition) -> list[str]:
        send = (
            await s.exec(
                select(Send).where(
                    Send.lead_id == lead.id, Send.step_position == change.send_position
                )
            )
        ).first()
        if send is None or send.status not in RETRIABLE:
            return []
        send.status, send.error, send.updated_at = SendStatus.FAILED, change.error, utcnow()
        s.add(send)
        return [
            await record_event(
                s,
                workspace_id=lead.workspace_id,
                type="send.failed",
                data={
                    "send": send_payload(send),
                    "lead": lead_payload(lead),
                    "reason": "render_error" if change.reason == RENDER_FAILED else "smtp_error",
                    "error": change.error,
                },
                dedupe_key=f"send.failed:{send.id}:{send.attempts}",
            )
        ]

    @activity.defn(name="mark_touch_sent")
    async def mark_touch_sent(self, touch: TouchSent) -> None:
        async with self.db.session() as s:
            if not await hold_lead(s, touch.lead_id):  # erased meanwhile
                return
            row = await s.get(ChannelTouch, touch.touch_id)
            if row is None or row.lead_id != touch.lead_id:
                return
            if row.status != TouchStatus.SENT:
                row.status, row.sent_at = TouchStatus.SENT, touch.at
                s.add(row)
            lead = await s.get(Lead, row.lead_id)
            event_id = await record_event(
                s,
                workspace_id=row.workspace_id,
                type="channel_touch.sent",
                data={"touch": touch_payload(row), "lead": lead_payload(lead) if lead else None},
                dedupe_key=f"channel_touch.sent:{row.id}",
            )
            await s.commit()
        await self._publish([event_id])

    @activity.defn(name="signal_campaign_leads")
    async def signal_campaign_leads(self, campaign_id: str) -> int:
        """Tell every running lead of a campaign to re-read it. Resumes after a retry from
        the last lead it reached (heartbeat details)."""
        details = activity.info().heartbeat_details
        after = details[0] if details else ""
        signalled = 0
        sem = asyncio.Semaphore(20)

        async def _one(lead_id: str) -> None:
            nonlocal signalled
            async with sem:
                try:
                    await self.client.get_workflow_handle(lead_workflow_id(lead_id)).signal(
                        LeadSignal.CAMPAIGN_CHANGED
                    )
                    signalled += 1
                except RPCError as exc:
                    if exc.status != RPCStatusCode.NOT_FOUND:
                        raise

        while True:
            async with self.db.session() as s:
                ids = (
                    await s.exec(
                        select(Lead.id)
                        .where(
                            Lead.campaign_id == campaign_id,
                            col(Lead.status).not_in(TERMINAL),
                            Lead.id > after,
                        )
                        .order_by(col(Lead.id))
                        .limit(500)
                    )
                ).all()
            if not ids:
                return signalled
            await asyncio.gather(*(_one(i) for i in ids))
            after = ids[-1]
            activity.heartbeat(after)

"""perform_step: send one email step (or queue one channel touch), exactly once.

The Send row, unique on (lead, step), is the anchor:
  claimed  -> Message-ID assigned and stored, nothing handed to SMTP yet (safe to resend)
  sending  -> the SMTP DATA exchange has started (outcome unknown if we die now)
  sent / bounced / failed / unknown -> final; a retry finds it and does nothing more.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from sqlmodel import select, update
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from outreach import mail, schedule
from outreach.config import Settings
from outreach.contracts import StepRequest, StepResult
from outreach.db import Database
from outreach.events import event_ids_for, publish_events, record_event
from outreach.ids import new_id
from outreach.models import (
    TERMINAL_LEAD_STATUSES,
    Campaign,
    CapCounter,
    ChannelTouch,
    Lead,
    Send,
    Step,
    Suppression,
    utcnow,
)
from outreach.payloads import lead_payload, send_payload, touch_payload
from outreach.plans import campaign_steps, plan_from
from outreach.render import lead_variables, render
from outreach.security import sign_token

log = logging.getLogger("outreach.activities.email")

UNSUBSCRIBE_PURPOSE = "unsub"


def unsubscribe_url(settings: Settings, lead_id: str) -> str:
    token = sign_token(settings.signing_key(), UNSUBSCRIBE_PURPOSE, lead_id)
    return f"{settings.public_url.rstrip('/')}/u/{token}"


async def take_cap_slot(session: AsyncSession, campaign_id: str, day: str, cap: int) -> bool:
    """Atomically take one of the day's `cap` sends. Correct with many workers: the
    conditional UPDATE is a single statement, the INSERT is guarded by the primary key."""
    for _ in range(3):
        result = await session.exec(
            update(CapCounter)
            .where(CapCounter.campaign_id == campaign_id, CapCounter.day == day,
                   CapCounter.count < cap)
            .values(count=CapCounter.count + 1)
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


class EmailActivities:
    def __init__(self, db: Database, settings: Settings, client: Client) -> None:
        self.db = db
        self.settings = settings
        self.client = client

    async def _publish(self, event_ids: list[str]) -> None:
        await publish_events(self.db, self.client, self.settings.webhook_task_queue, event_ids)

    @activity.defn(name="perform_step")
    async def perform_step(self, req: StepRequest) -> StepResult:
        events = list(req.publish_event_ids)
        async with self.db.session() as s:
            lead = await s.get(Lead, req.lead_id)
            if lead is None:
                return StepResult("lead_inactive", lead_status="stopped", position=req.position)
            campaign = await s.get(Campaign, lead.campaign_id)
            steps = await campaign_steps(s, campaign.id)

            def result(outcome: str, **kw: object) -> StepResult:
                return StepResult(outcome, lead_status=lead.status, position=req.position,
                                  plan=plan_from(campaign, steps, lead), **kw)  # type: ignore

            send = (await s.exec(
                select(Send).where(Send.lead_id == lead.id, Send.step_position == req.position)
            )).first()
            if send is not None and send.status in ("sent", "bounced", "unknown"):
                # A retry of a step that already ran: report it, send nothing.
                kind = {"sent": "send.sent", "bounced": "lead.bounced",
                        "unknown": "send.failed"}[send.status]
                key = f"{kind}:{send.id}" if kind != "lead.bounced" else f"{kind}:{lead.id}"
                await self._publish(events + await event_ids_for(s, [key]))
                outcome = send.status
                return result(outcome, send_id=send.id, completed=lead.status == "completed")
            if send is not None and send.status == "sending":
                # The previous attempt died inside the DATA exchange: the server may have the
                # message. Never resend; report it.
                send.status, send.updated_at = "unknown", utcnow()
                send.error = ("outcome unknown: the worker stopped during the SMTP DATA "
                              "exchange; not resent so the lead never gets two copies")
                s.add(send)
                events.append(await record_event(
                    s, workspace_id=lead.workspace_id, type="send.failed",
                    data={"send": send_payload(send), "lead": lead_payload(lead),
                          "reason": "unknown_outcome"},
                    dedupe_key=f"send.failed:{send.id}",
                ))
                completed = self._advance(lead, req.position, steps)
                if completed:
                    events.append(await self._completed_event(s, lead))
                await s.commit()
                await self._publish(events)
                return result("unknown", send_id=send.id, completed=completed,
                              error=send.error)

            if lead.status in TERMINAL_LEAD_STATUSES:
                await self._publish(events)
                return result("lead_inactive")
            if campaign.status == "archived" or (campaign.status != "active" and not req.forced):
                await self._publish(events)
                return result("campaign_inactive")
            suppression = (await s.exec(select(Suppression).where(
                Suppression.workspace_id == lead.workspace_id, Suppression.email == lead.email
            ))).first()
            if suppression is not None:
                status = "bounced" if suppression.reason == "bounced" else "unsubscribed"
                lead.status, lead.status_reason = status, f"suppressed ({suppression.reason})"
                lead.finished_at = lead.updated_at = utcnow()
                s.add(lead)
                events.append(await record_event(
                    s, workspace_id=lead.workspace_id, type=f"lead.{status}",
                    data={"lead": lead_payload(lead), "reason": "suppressed"},
                    dedupe_key=f"lead.{status}:{lead.id}",
                ))
                await s.commit()
                await self._publish(events)
                return result("suppressed")
            step = next((x for x in steps if x.position == req.position), None)
            if step is None:
                await self._publish(events)
                return result("no_step")
            if step.channel != "email":
                return await self._queue_touch(s, lead, campaign, step, steps, req, events)

            # Claim: cap slot, Message-ID, rendered content, all in one commit.
            cap_day = send.cap_day if send is not None else None
            if campaign.daily_cap and not req.forced and cap_day is None:
                cap_day = schedule.local_day(req.scheduled_at, campaign.timezone)
                if not await take_cap_slot(s, campaign.id, cap_day, campaign.daily_cap):
                    retry_at = schedule.start_of_next_day(req.scheduled_at, campaign.timezone)
                    spent = result("cap_reached", retry_at=retry_at)
                    await s.rollback()
                    await self._publish(events)
                    return spent
            now = utcnow()
            if send is None:
                send = Send(
                    id=new_id("send"), workspace_id=lead.workspace_id,
                    campaign_id=campaign.id, lead_id=lead.id, step_position=req.position,
                    to_email=lead.email, created_at=now,
                )
            send.step_id = step.id
            send.from_email = campaign.from_email
            send.message_id = send.message_id or mail.make_message_id(
                send.id, campaign.from_email or "localhost"
            )
            unsub = unsubscribe_url(self.settings, lead.id)
            variables = lead_variables(lead, campaign, {"unsubscribeUrl": unsub})
            first, previous = await self._thread(s, lead.id, req.position)
            subject = render(step.subject, variables).strip()
            if not subject:
                first_subject = first.subject if first is not None else ""
                subject = first_subject if first_subject.lower().startswith("re:") else (
                    f"Re: {first_subject}" if first_subject else "Re:"
                )
            body = render(step.body, variables)
            send.subject = subject
            send.status, send.cap_day, send.forced = "claimed", cap_day, req.forced
            send.attempts += 1
            send.scheduled_at, send.claimed_at, send.updated_at = req.scheduled_at, now, now
            send.error = None
            s.add(send)
            await s.commit()
            outgoing = mail.Outgoing(
                from_name=campaign.from_name, from_email=campaign.from_email or "",
                to_email=lead.email,
                to_name=" ".join(x for x in (lead.first_name, lead.last_name) if x) or None,
                subject=subject, body=body, message_id=send.message_id,
                unsubscribe_url=unsub,
                in_reply_to=previous[-1] if previous else None,
                references=tuple(previous),
            )
            send_id, position = send.id, req.position

        message = mail.build_message(outgoing)

        async def before_data() -> None:
            async with self.db.session() as s2:
                await s2.exec(update(Send).where(Send.id == send_id).values(
                    status="sending", data_started_at=utcnow()))
                await s2.commit()

        try:
            await mail.deliver(self.settings, message, outgoing.from_email, outgoing.to_email,
                               before_data)
        except mail.SmtpBounce as exc:
            return await self._bounced(send_id, str(exc), exc.code, events)
        except mail.SmtpUnknown as exc:
            return await self._unknown(send_id, str(exc), events)
        except mail.SmtpTransient as exc:
            await self._not_accepted(send_id, str(exc), exc.code)
            raise ApplicationError(str(exc), type="SmtpTransient") from exc
        except mail.SmtpPermanent as exc:
            await self._not_accepted(send_id, str(exc), exc.code)
            raise ApplicationError(str(exc), type="SmtpPermanent", non_retryable=True) from exc
        return await self._sent(send_id, position, events)

    # -- outcomes ------------------------------------------------------------------------

    async def _sent(self, send_id: str, position: int, events: list[str]) -> StepResult:
        async with self.db.session() as s:
            send = await s.get(Send, send_id)
            lead = await s.get(Lead, send.lead_id)
            campaign = await s.get(Campaign, lead.campaign_id)
            steps = await campaign_steps(s, campaign.id)
            now = utcnow()
            send.status, send.sent_at, send.updated_at = "sent", now, now
            s.add(send)
            completed = self._advance(lead, position, steps)
            events.append(await record_event(
                s, workspace_id=lead.workspace_id, type="send.sent",
                data={"send": send_payload(send), "lead": lead_payload(lead)},
                dedupe_key=f"send.sent:{send.id}", at=now,
            ))
            if completed:
                events.append(await self._completed_event(s, lead))
            await s.commit()
            await self._publish(events)
            return StepResult("sent", lead_status=lead.status, position=position,
                              send_id=send.id, completed=completed,
                              plan=plan_from(campaign, steps, lead))

    def _advance(self, lead: Lead, position: int, steps: list[Step], emailed: bool = True) -> bool:
        """The lead passed `position`; True when that was its last step."""
        now = utcnow()
        lead.current_step = max(lead.current_step, position)
        if emailed:
            lead.last_sent_at = now
        lead.updated_at = now
        if lead.status == "queued":
            lead.status = "active"
        completed = lead.status == "active" and position >= max(
            (x.position for x in steps), default=0
        )
        if completed:
            lead.status, lead.finished_at = "completed", now
        return completed

    async def _completed_event(self, s: AsyncSession, lead: Lead) -> str:
        return await record_event(
            s, workspace_id=lead.workspace_id, type="lead.completed",
            data={"lead": lead_payload(lead)}, dedupe_key=f"lead.completed:{lead.id}",
        )

    async def _bounced(self, send_id: str, error: str, code: int,
                       events: list[str]) -> StepResult:
        async with self.db.session() as s:
            send = await s.get(Send, send_id)
            lead = await s.get(Lead, send.lead_id)
            now = utcnow()
            send.status, send.error, send.smtp_code, send.updated_at = "bounced", error, code, now
            s.add(send)
            if lead.status not in TERMINAL_LEAD_STATUSES or lead.status == "completed":
                lead.status, lead.status_reason = "bounced", f"hard bounce: {error}"[:200]
                lead.finished_at = lead.updated_at = now
                s.add(lead)
            await add_suppression(s, lead, "bounced")
            events.append(await record_event(
                s, workspace_id=lead.workspace_id, type="send.failed",
                data={"send": send_payload(send), "lead": lead_payload(lead),
                      "reason": "hard_bounce"},
                dedupe_key=f"send.failed:{send.id}",
            ))
            events.append(await record_event(
                s, workspace_id=lead.workspace_id, type="lead.bounced",
                data={"lead": lead_payload(lead), "send": send_payload(send), "smtpCode": code,
                      "error": error},
                dedupe_key=f"lead.bounced:{lead.id}",
            ))
            await s.commit()
            await self._publish(events)
            return StepResult("bounced", lead_status=lead.status, position=send.step_position,
                              send_id=send.id, error=error)

    async def _unknown(self, send_id: str, error: str, events: list[str]) -> StepResult:
        async with self.db.session() as s:
            send = await s.get(Send, send_id)
            lead = await s.get(Lead, send.lead_id)
            campaign = await s.get(Campaign, lead.campaign_id)
            steps = await campaign_steps(s, campaign.id)
            send.status, send.error, send.updated_at = "unknown", error, utcnow()
            s.add(send)
            events.append(await record_event(
                s, workspace_id=lead.workspace_id, type="send.failed",
                data={"send": send_payload(send), "lead": lead_payload(lead),
                      "reason": "unknown_outcome"},
                dedupe_key=f"send.failed:{send.id}",
            ))
            completed = self._advance(lead, send.step_position, steps)
            if completed:
                events.append(await self._completed_event(s, lead))
            await s.commit()
            await self._publish(events)
            return StepResult("unknown", lead_status=lead.status, position=send.step_position,
                              send_id=send.id, error=error, completed=completed,
                              plan=plan_from(campaign, steps, lead))

    async def _not_accepted(self, send_id: str, error: str, code: int | None) -> None:
        """The server did not take the message: back to `claimed`, safe to retry."""
        async with self.db.session() as s:
            await s.exec(update(Send).where(Send.id == send_id).values(
                status="claimed", error=error[:1000], smtp_code=code, updated_at=utcnow()))
            await s.commit()

    async def _queue_touch(self, s: AsyncSession, lead: Lead, campaign: Campaign, step: Step,
                           steps: list[Step], req: StepRequest,
                           events: list[str]) -> StepResult:
        touch = (await s.exec(select(ChannelTouch).where(
            ChannelTouch.lead_id == lead.id, ChannelTouch.step_position == req.position
        ))).first()
        if touch is None:
            variables = lead_variables(lead, campaign)
            touch = ChannelTouch(
                id=new_id("touch"), workspace_id=lead.workspace_id, campaign_id=lead.campaign_id,
                lead_id=lead.id, step_id=step.id, step_position=req.position,
                channel=step.channel, text=render(step.body, variables).strip(),
            )
            s.add(touch)
            await s.flush()
        events.append(await record_event(
            s, workspace_id=lead.workspace_id, type="channel_touch.queued",
            data={"touch": touch_payload(touch), "lead": lead_payload(lead)},
            dedupe_key=f"channel_touch.queued:{touch.id}",
        ))
        completed = self._advance(lead, req.position, steps, emailed=False)
        if completed:
            events.append(await self._completed_event(s, lead))
        s.add(lead)
        await s.commit()
        await self._publish(events)
        return StepResult("touch_queued", lead_status=lead.status, position=req.position,
                          touch_id=touch.id, completed=completed,
                          plan=plan_from(campaign, steps, lead))

    async def _thread(self, s: AsyncSession, lead_id: str,
                      position: int) -> tuple[Send | None, list[str]]:
        """The lead's first email and the Message-IDs of the emails before this step."""
        earlier = (await s.exec(
            select(Send).where(Send.lead_id == lead_id, Send.step_position < position,
                               Send.status.in_(("sent", "unknown")))  # type: ignore[attr-defined]
            .order_by(Send.step_position)
        )).all()
        first = earlier[0] if earlier else None
        return first, [x.message_id for x in earlier if x.message_id]


async def add_suppression(s: AsyncSession, lead: Lead, reason: str) -> None:
    existing = (await s.exec(select(Suppression).where(
        Suppression.workspace_id == lead.workspace_id, Suppression.email == lead.email
    ))).first()
    if existing is None:
        try:
            async with s.begin_nested():
                s.add(Suppression(id=new_id("sup"), workspace_id=lead.workspace_id,
                                  email=lead.email, reason=reason, lead_id=lead.id))
        except IntegrityError:
            pass
    elif reason == "unsubscribed" and existing.reason != "unsubscribed":
        existing.reason = reason
        s.add(existing)

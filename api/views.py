"""Rows -> response bodies."""

from __future__ import annotations

from api import schemas as s
from outreach.models import Campaign, ChannelTouch, Lead, Reply, Send, Step


def step_out(step: Step) -> s.StepOut:
    return s.StepOut(
        id=step.id,
        position=step.position,
        channel=step.channel,
        delay=step.delay,
        subject=step.subject,
        body=step.body,
    )


def campaign_out(c: Campaign, counts: dict[str, int]) -> s.CampaignOut:
    return s.CampaignOut(
        id=c.id,
        name=c.name,
        status=c.status,
        from_name=c.from_name,
        from_email=c.from_email,
        pitch_context=c.pitch_context,
        daily_cap=c.daily_cap,
        timezone=c.timezone,
        send_window=c.send_window,
        count=s.CampaignCounts(**counts),
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


def lead_fields(lead: Lead) -> dict:
    return dict(
        id=lead.id,
        campaign_id=lead.campaign_id,
        email=lead.email,
        first_name=lead.first_name,
        last_name=lead.last_name,
        company=lead.company,
        role=lead.role,
        linkedin_url=lead.linkedin_url,
        timezone=lead.timezone,
        custom_fields=lead.custom_fields or {},
        status=lead.status,
        status_reason=lead.status_reason,
        current_step=lead.current_step,
        last_sent_at=lead.last_sent_at,
        created_at=lead.created_at,
        updated_at=lead.updated_at,
    )


def lead_out(lead: Lead) -> s.LeadOut:
    return s.LeadOut(**lead_fields(lead))


def send_out(send: Send) -> s.SendOut:
    return s.SendOut(
        id=send.id,
        lead_id=send.lead_id,
        campaign_id=send.campaign_id,
        step=send.step_position,
        to=send.to_email,
        subject=send.subject,
        message_id=send.message_id,
        status=send.status,
        forced=send.forced,
        error=send.error,
        smtp_code=send.smtp_code,
        scheduled_at=send.scheduled_at,
        sent_at=send.sent_at,
        created_at=send.created_at,
    )


def reply_out(r: Reply) -> s.ReplyOut:
    return s.ReplyOut(
        id=r.id,
        lead_id=r.lead_id,
        campaign_id=r.campaign_id,
        send_id=r.send_id,
        from_email=r.from_email,
        from_name=r.from_name,
        subject=r.subject,
        body=r.body_text,
        label=r.label,
        confidence=r.confidence,
        reasons=r.reasons or [],
        needs_action=r.needs_action and r.handled_at is None,
        handled=r.handled_at is not None,
        referral_email=r.referral_email,
        return_date=r.return_date,
        truncated=r.truncated,
        source=r.source,
        received_at=r.received_at,
        created_at=r.created_at,
    )


def touch_out(t: ChannelTouch) -> s.TouchOut:
    return s.TouchOut(
        id=t.id,
        lead_id=t.lead_id,
        campaign_id=t.campaign_id,
        step=t.step_position,
        channel=t.channel,
        text=t.text,
        status=t.status,
        created_at=t.created_at,
        sent_at=t.sent_at,
    )

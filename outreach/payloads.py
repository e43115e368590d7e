"""The `data` of webhook events: camelCase JSON, the same fields the API returns."""

from __future__ import annotations

from typing import Any

from outreach.events import iso
from outreach.models import ChannelTouch, Lead, Reply, Send


def lead_payload(lead: Lead) -> dict[str, Any]:
    return {
        "id": lead.id,
        "campaignId": lead.campaign_id,
        "email": lead.email,
        "firstName": lead.first_name,
        "lastName": lead.last_name,
        "company": lead.company,
        "role": lead.role,
        "linkedinUrl": lead.linkedin_url,
        "timezone": lead.timezone,
        "customFields": lead.custom_fields or {},
        "status": lead.status,
        "statusReason": lead.status_reason,
        "currentStep": lead.current_step,
        "createdAt": iso(lead.created_at),
        "updatedAt": iso(lead.updated_at),
    }


def send_payload(send: Send) -> dict[str, Any]:
    return {
        "id": send.id,
        "leadId": send.lead_id,
        "campaignId": send.campaign_id,
        "step": send.step_position,
        "to": send.to_email,
        "subject": send.subject,
        "messageId": send.message_id,
        "status": send.status,
        "forced": send.forced,
        "error": send.error,
        "smtpCode": send.smtp_code,
        "scheduledAt": iso(send.scheduled_at),
        "sentAt": iso(send.sent_at),
    }


def touch_payload(touch: ChannelTouch) -> dict[str, Any]:
    return {
        "id": touch.id,
        "leadId": touch.lead_id,
        "campaignId": touch.campaign_id,
        "step": touch.step_position,
        "channel": touch.channel,
        "text": touch.text,
        "status": touch.status,
        "createdAt": iso(touch.created_at),
        "sentAt": iso(touch.sent_at),
    }


def reply_payload(reply: Reply) -> dict[str, Any]:
    return {
        "id": reply.id,
        "leadId": reply.lead_id,
        "campaignId": reply.campaign_id,
        "sendId": reply.send_id,
        "fromEmail": reply.from_email,
        "fromName": reply.from_name,
        "subject": reply.subject,
        "body": reply.body_text,
        "label": reply.label,
        "confidence": reply.confidence,
        "reasons": reply.reasons or [],
        "needsAction": reply.needs_action and reply.handled_at is None,
        "handled": reply.handled_at is not None,
        "referralEmail": reply.referral_email,
        "returnDate": reply.return_date.isoformat() if reply.return_date else None,
        "messageId": reply.message_id,
        "matchedBy": reply.matched_by,
        "source": reply.source,
        "truncated": reply.truncated,
        "receivedAt": iso(reply.received_at),
    }

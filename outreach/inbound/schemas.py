"""The reply body, as the API returns it and webhook events carry it."""

from __future__ import annotations

from datetime import date

from outreach.models import Reply
from outreach.schemas import Out, Timestamp


class ReplyOut(Out):
    id: str
    lead_id: str | None
    campaign_id: str | None
    send_id: str | None
    from_email: str | None
    from_name: str | None
    subject: str | None
    body: str | None
    label: str | None
    confidence: float | None
    reasons: list[str]
    needs_action: bool
    #: The classifier was unsure of `label`: a person should check it (cleared by a correction).
    needs_review: bool
    handled: bool
    referral_email: str | None
    return_date: date | None
    truncated: bool
    source: str
    message_id: str | None
    matched_by: str | None
    received_at: Timestamp
    created_at: Timestamp

    @classmethod
    def from_row(cls, r: Reply) -> ReplyOut:
        return cls(
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
            needs_review=bool(r.needs_review),
            handled=r.handled_at is not None,
            referral_email=r.referral_email,
            return_date=r.return_date,
            truncated=r.truncated,
            source=r.source,
            message_id=r.message_id,
            matched_by=r.matched_by,
            received_at=r.received_at,
            created_at=r.created_at,
        )

"""Send and channel-touch bodies, as the API returns them and webhook events carry them."""

from __future__ import annotations

from pydantic import Field

from outreach.campaigns.status import Channel
from outreach.models import ChannelTouch, Send
from outreach.schemas import Out, Timestamp
from outreach.sends.status import SendKind, SendStatus, TouchStatus


class SendOut(Out):
    id: str
    lead_id: str
    campaign_id: str
    kind: SendKind = Field(description="`step` of the sequence, or `reply`: an answer to a reply")
    step: int | None = Field(description="The step's position (null for an answer to a reply)")
    reply_id: str | None = Field(description="The reply it answers (kind reply)")
    to: str
    mailbox_id: str | None = Field(description="The mailbox it left from (null: the default relay)")
    subject: str | None
    message_id: str | None
    status: SendStatus
    forced: bool
    error: str | None
    smtp_code: int | None
    scheduled_at: Timestamp | None
    sent_at: Timestamp | None
    created_at: Timestamp

    @classmethod
    def from_row(cls, send: Send) -> SendOut:
        return cls(
            id=send.id,
            lead_id=send.lead_id,
            campaign_id=send.campaign_id,
            kind=SendKind(send.kind),
            step=send.step_position,
            reply_id=send.reply_id,
            to=send.to_email,
            mailbox_id=send.mailbox_id,
            subject=send.subject,
            message_id=send.message_id,
            status=SendStatus(send.status),
            forced=send.forced,
            error=send.error,
            smtp_code=send.smtp_code,
            scheduled_at=send.scheduled_at,
            sent_at=send.sent_at,
            created_at=send.created_at,
        )


class TouchOut(Out):
    id: str
    lead_id: str
    campaign_id: str
    step: int
    channel: Channel
    text: str
    status: TouchStatus
    created_at: Timestamp
    sent_at: Timestamp | None

    @classmethod
    def from_row(cls, t: ChannelTouch) -> TouchOut:
        return cls(
            id=t.id,
            lead_id=t.lead_id,
            campaign_id=t.campaign_id,
            step=t.step_position,
            channel=Channel(t.channel),
            text=t.text,
            status=TouchStatus(t.status),
            created_at=t.created_at,
            sent_at=t.sent_at,
        )

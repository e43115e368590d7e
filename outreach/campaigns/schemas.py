"""Campaign bodies: what `POST` / `PATCH /campaigns` take and what the API returns."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from outreach.autopilot.schemas import AutopilotIn
from outreach.campaigns.status import CampaignStatus, Channel
from outreach.mailboxes.status import Rotation
from outreach.models import Campaign, Step
from outreach.schemas import In, Out, Timestamp

Lenient = Field(strict=False)  # a JSON string names the enum member


class SendWindowIn(In):
    days: list[str] = Field(min_length=1, max_length=7)
    start: str = Field(max_length=5)
    end: str = Field(max_length=5)


class StepIn(In):
    channel: Annotated[Channel, Lenient] = Channel.EMAIL
    delay: str = Field(
        "P0D",
        max_length=40,
        description="ISO 8601 duration after the "
        "previous step (the first step's counts from enrolment)",
    )
    subject: str | None = Field(None, max_length=998)
    body: str = Field(max_length=50_000)


class CampaignCreate(In):
    name: str = Field(min_length=1, max_length=200)
    status: Literal[CampaignStatus.DRAFT, CampaignStatus.ACTIVE, CampaignStatus.PAUSED] = (
        CampaignStatus.DRAFT
    )
    from_name: str | None = Field(None, max_length=200)
    from_email: str | None = Field(None, max_length=320)
    pitch_context: str | None = Field(None, max_length=20_000)
    booking_url: str | None = Field(
        None, max_length=500, description="Offered by drafted answers to meeting requests"
    )
    daily_cap: int | None = Field(None, ge=1, le=100_000)
    timezone: str = Field("UTC", max_length=64)
    send_window: SendWindowIn | None = None
    steps: list[StepIn] = Field(default_factory=list, max_length=50)
    mailbox_ids: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="The sending mailboxes new leads rotate over (none: the default relay)",
    )
    rotation: Annotated[Rotation, Lenient] = Field(
        Rotation.EVEN,
        description="even: the mailbox with the earliest free slot sends next; "
        "round_robin: the campaign's mailboxes in turn",
    )
    auto_enrich: bool = Field(
        False,
        description="Enrich every lead before its first step (waits at most "
        "OUTREACH_AUTO_ENRICH_WAIT seconds, then sends without it)",
    )
    skip_undeliverable: bool = Field(
        False,
        description="Stop, unmailed, a lead whose address enrichment found undeliverable",
    )
    autopilot: AutopilotIn | None = Field(
        None, description="Daily discovery, enrichment and reply drafts (see Autopilot)"
    )


class CampaignUpdate(In):
    name: str | None = Field(None, min_length=1, max_length=200)
    status: Annotated[CampaignStatus, Lenient] | None = None
    from_name: str | None = Field(None, max_length=200)
    from_email: str | None = Field(None, max_length=320)
    pitch_context: str | None = Field(None, max_length=20_000)
    booking_url: str | None = Field(None, max_length=500)
    daily_cap: int | None = Field(None, ge=1, le=100_000)
    timezone: str | None = Field(None, max_length=64)
    send_window: SendWindowIn | None = None
    steps: list[StepIn] | None = Field(None, max_length=50)
    mailbox_ids: list[str] | None = Field(None, max_length=100)
    rotation: Annotated[Rotation, Lenient] | None = None
    auto_enrich: bool | None = None
    skip_undeliverable: bool | None = None
    autopilot: AutopilotIn | None = Field(
        None, description="Replaces the settings; null removes them"
    )


class StepOut(Out):
    id: str
    position: int
    channel: Channel
    delay: str
    subject: str | None
    body: str

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def from_row(cls, step: Step) -> StepOut:
        return cls.model_validate(step, from_attributes=True)


class CampaignCounts(Out):
    leads: int
    sends: int
    steps: int
    replies: int


class CampaignOut(Out):
    id: str
    name: str
    status: CampaignStatus
    from_name: str | None
    from_email: str | None
    pitch_context: str | None
    booking_url: str | None
    daily_cap: int | None
    timezone: str
    send_window: dict[str, Any] | None
    mailbox_ids: list[str]
    rotation: Rotation
    auto_enrich: bool
    skip_undeliverable: bool
    autopilot: dict[str, Any] | None
    count: CampaignCounts = Field(serialization_alias="_count")
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def from_row(cls, c: Campaign, counts: dict[str, int]) -> CampaignOut:
        """The row's columns by name, with its `_count`."""
        fields = {name: getattr(c, name) for name in cls.model_fields if name != "count"}
        return cls(**fields, count=CampaignCounts(**counts))


class CampaignDetailOut(CampaignOut):
    steps: list[StepOut]


# -- statistics (GET /campaigns/{id}/stats) ---------------------------------------------------


class Rates(Out):
    """Shares of `sent` (null while nothing is sent), rounded to four decimals."""

    reply_rate: float | None
    bounce_rate: float | None
    unsubscribe_rate: float | None


class Figures(Rates):
    sent: int
    bounced: int
    failed: int
    replied: int
    replied_by_label: dict[str, int]
    unsubscribed: int


class StepStats(Figures):
    position: int
    step_id: str | None  # null for a step since removed
    channel: Channel | None


class MailboxStats(Figures):
    email: str  # the sending address (replies: the address they were written to)
    answers_sent: int


class DayStats(Out):
    day: str  # YYYY-MM-DD, UTC
    leads: int
    sent: int
    bounced: int
    failed: int
    replied: int
    unsubscribed: int


class CampaignStatsOut(Out):
    campaign_id: str
    totals: Figures
    answers_sent: int  # answers to replies (not a sequence step)
    leads: dict[str, int]  # by status, and "total"
    steps: list[StepStats]
    mailboxes: list[MailboxStats]
    days: list[DayStats]
    range: dict[str, str]  # {"from", "to"}: the days listed (UTC)

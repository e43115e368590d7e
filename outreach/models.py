"""SQL tables (SQLModel). The database is the read model and the configuration;
Temporal holds execution state. Timestamps are stored as naive UTC and read back aware."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from outreach.campaigns.status import CampaignStatus, Channel
from outreach.drafts.status import DraftSource, DraftStatus
from outreach.inbound.status import ReplyKind, ReplyStatus
from outreach.leads.status import LeadSource, LeadStatus
from outreach.sends.status import SendKind, SendStatus, TouchStatus
from outreach.webhooks.status import DeliveryStatus


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Naive UTC in the database (same text on SQLite and PostgreSQL), aware in Python."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def ts_field(index: bool = False) -> Any:
    return Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True, index=index))


def created_field() -> Any:
    return Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False))


def json_field(default_factory: Any = dict, nullable: bool = False) -> Any:
    return Field(default_factory=default_factory, sa_column=sa.Column(sa.JSON, nullable=nullable))


# -- tenancy and auth --------------------------------------------------------------------


class Workspace(SQLModel, table=True):
    __tablename__ = "workspace"
    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    plan: str = Field(default="pro", max_length=20)  # free | pro | business
    created_at: datetime = created_field()


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", index=True, max_length=40)
    name: str | None = Field(default=None, max_length=200)
    prefix: str = Field(max_length=40)
    key_hash: str = Field(max_length=64, unique=True)  # SHA-256 hex; the key is never stored
    scopes: list[str] = json_field(list)
    created_at: datetime = created_field()
    last_used_at: datetime | None = ts_field()
    revoked_at: datetime | None = ts_field()


# -- campaigns ---------------------------------------------------------------------------


class Campaign(SQLModel, table=True):
    __tablename__ = "campaign"
    __table_args__ = (sa.Index("ix_campaign_ws_created", "workspace_id", "created_at", "id"),)
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    name: str = Field(max_length=200)
    status: str = Field(default=CampaignStatus.DRAFT, max_length=20)  # a CampaignStatus
    from_name: str | None = Field(default=None, max_length=200)
    from_email: str | None = Field(default=None, max_length=320)
    pitch_context: str | None = None
    daily_cap: int | None = None
    timezone: str = Field(default="UTC", max_length=64)
    send_window: dict[str, Any] | None = json_field(lambda: None, nullable=True)
    # Offered by the built-in answer to a meeting request (reply drafts).
    booking_url: str | None = Field(default=None, max_length=500)
    # The mailboxes its leads are sent from (none: the default relay, OUTREACH_SMTP_*), and
    # how a new lead's first step picks one (a Rotation); the lead keeps it for its sequence.
    mailbox_ids: list[str] = json_field(list)
    rotation: str = Field(
        default="even", max_length=20, sa_column_kwargs={"server_default": "even"}
    )
    rotation_cursor: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Lead enrichment before the first step (bounded: OUTREACH_AUTO_ENRICH_WAIT), and
    # whether a lead whose address enrichment found undeliverable is stopped unmailed.
    auto_enrich: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    skip_undeliverable: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # The campaign's autopilot settings as the API shows them (outreach/autopilot), or None.
    autopilot: dict[str, Any] | None = json_field(lambda: None, nullable=True)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class Step(SQLModel, table=True):
    __tablename__ = "step"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "position", name="uq_step_position"),)
    id: str = Field(primary_key=True, max_length=40)
    campaign_id: str = Field(foreign_key="campaign.id", index=True, max_length=40)
    position: int  # 1-based
    channel: str = Field(default=Channel.EMAIL, max_length=20)  # a Channel
    delay: str = Field(default="P0D", max_length=40)  # ISO 8601 duration after previous step
    subject: str | None = None
    body: str = ""
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


# -- leads and what happens to them ------------------------------------------------------


class Lead(SQLModel, table=True):
    __tablename__ = "lead"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "email", name="uq_lead_campaign_email"),
        sa.Index("ix_lead_ws_created", "workspace_id", "created_at", "id"),
        # the list's filters, newest first: status, and campaign with status
        sa.Index("ix_lead_ws_status", "workspace_id", "status", "created_at", "id"),
        sa.Index("ix_lead_campaign_status", "campaign_id", "status", "created_at", "id"),
        sa.Index("ix_lead_ws_email", "workspace_id", "email"),
    )
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=40)
    email: str = Field(max_length=320)  # normalised (see outreach.emails.normalise_email)
    first_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    company: str | None = Field(default=None, max_length=300)
    role: str | None = Field(default=None, max_length=200)
    linkedin_url: str | None = Field(default=None, max_length=500)
    timezone: str | None = Field(default=None, max_length=64)
    custom_fields: dict[str, Any] = json_field(dict)
    status: str = Field(default=LeadStatus.QUEUED, max_length=20)  # a LeadStatus
    status_reason: str | None = Field(default=None, max_length=200)
    current_step: int = 0  # position of the last step done (0 = none yet)
    next_send_at: datetime | None = ts_field()
    last_sent_at: datetime | None = ts_field()
    finished_at: datetime | None = ts_field()
    # The sending mailbox the lead is pinned to (chosen for its first step), and the send
    # slot it holds on it: step `slot_position` goes out at `slot_at` (outreach/mailboxes).
    mailbox_id: str | None = Field(default=None, max_length=40)
    slot_at: datetime | None = ts_field()
    slot_position: int | None = None
    # What lead enrichment found (outreach.enrichment: values, sources, when), as the API
    # shows it; None until the first `POST /leads/{id}/enrich`.
    enrichment: dict[str, Any] | None = json_field(lambda: None, nullable=True)
    # Who made the lead (a LeadSource): `api`, `bulk`, `discovery`, `autopilot`.
    source: str = Field(
        default=LeadSource.API,
        sa_column=sa.Column(sa.String(20), nullable=False, server_default="api"),
    )
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class Send(SQLModel, table=True):
    """One email to a lead: a sequence step (unique on (lead, step): the exactly-once
    anchor) or an answer to one of its replies (`kind` reply, no step; its draft's
    `send_id` is the anchor)."""

    __tablename__ = "send"
    __table_args__ = (
        sa.UniqueConstraint("lead_id", "step_position", name="uq_send_lead_step"),
        sa.Index("ix_send_ws_created", "workspace_id", "created_at", "id"),
        sa.Index("ix_send_mailbox_created", "mailbox_id", "created_at"),
    )
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    campaign_id: str = Field(foreign_key="campaign.id", index=True, max_length=40)
    lead_id: str = Field(foreign_key="lead.id", index=True, max_length=40)
    step_id: str | None = Field(default=None, max_length=40)
    step_position: int | None = None  # None for an answer to a reply
    kind: str = Field(
        default=SendKind.STEP,
        max_length=20,
        sa_column_kwargs={"server_default": SendKind.STEP.value},
    )  # a SendKind
    reply_id: str | None = Field(default=None, max_length=40)  # the reply it answers
    to_email: str = Field(max_length=320)
    from_email: str | None = Field(default=None, max_length=320)
    subject: str | None = None
    message_id: str | None = Field(default=None, max_length=300, unique=True)
    status: str = Field(default=SendStatus.CLAIMED, max_length=20)  # a SendStatus
    forced: bool = False
    attempts: int = 0
    cap_day: str | None = Field(default=None, max_length=10)  # day whose cap slot it holds
    scheduled_at: datetime | None = ts_field()  # the workflow's clock when it chose to send
    claimed_at: datetime | None = ts_field()
    data_started_at: datetime | None = ts_field()
    sent_at: datetime | None = ts_field()
    error: str | None = None
    smtp_code: int | None = None
    mailbox_id: str | None = Field(default=None, max_length=40)  # the mailbox it left from
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class CapCounter(SQLModel, table=True):
    """Sends taken from a campaign's daily cap on one day (campaign time zone)."""

    __tablename__ = "cap_counter"
    campaign_id: str = Field(primary_key=True, max_length=40)
    day: str = Field(primary_key=True, max_length=10)
    count: int = 0


class ChannelTouch(SQLModel, table=True):
    __tablename__ = "channel_touch"
    __table_args__ = (
        sa.UniqueConstraint("lead_id", "step_position", name="uq_touch_lead_step"),
        sa.Index("ix_touch_ws_created", "workspace_id", "created_at", "id"),
    )
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=40)
    lead_id: str = Field(foreign_key="lead.id", index=True, max_length=40)
    step_id: str | None = Field(default=None, max_length=40)
    step_position: int
    channel: str = Field(max_length=20)
    text: str = ""
    # Which wording the text is: 0 at first, one more at each regeneration.
    variant: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    status: str = Field(default=TouchStatus.QUEUED, max_length=20)  # a TouchStatus
    created_at: datetime = created_field()
    sent_at: datetime | None = ts_field()


class Suppression(SQLModel, table=True):
    """One entry of a workspace's suppression list: an address (`email`), a whole domain
    (`domain`, every address after the @) or an erased address (`email_hash`); exactly one
    of the three is set. `reason` is free text, `source` a SuppressionSource
    (outreach/suppressions/status.py)."""

    __tablename__ = "suppression"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "email", name="uq_suppression"),
        sa.UniqueConstraint("workspace_id", "domain", name="uq_suppression_domain"),
        sa.UniqueConstraint("workspace_id", "email_hash", name="uq_suppression_hash"),
        sa.Index("ix_suppression_ws_created", "workspace_id", "created_at", "id"),
    )
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    email: str | None = Field(default=None, max_length=320)  # normalised, as Lead.email
    domain: str | None = Field(default=None, max_length=255)  # lower-cased, IDNA-decoded
    # An erased person's address: SHA-256 hex of the normalised address, `email` null
    # (outreach/leads/erasure.py); it still suppresses that address.
    email_hash: str | None = Field(default=None, max_length=64)
    reason: str = Field(max_length=200)
    source: str = Field(default="manual", max_length=20)  # a SuppressionSource
    lead_id: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_field()


class Reply(SQLModel, table=True):
    """One inbound message: a reply (matched to a lead or not), or a delivery status report
    (`kind` bounce / dsn: never listed as a reply; `send_id` names the send it reports on)."""

    __tablename__ = "reply"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "message_id", name="uq_reply_message"),
        sa.Index("ix_reply_ws_created", "workspace_id", "created_at", "id"),
    )
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    campaign_id: str | None = Field(default=None, index=True, max_length=40)
    lead_id: str | None = Field(default=None, index=True, max_length=40)
    send_id: str | None = Field(default=None, max_length=40)
    mailbox_id: str | None = Field(default=None, max_length=40)
    source: str = Field(default="inbound", max_length=20)  # inbound | imap
    # reply | bounce (hard DSN / mailer-daemon failure) | dsn (delayed, relayed: no effect)
    kind: str = Field(
        default=ReplyKind.REPLY,
        max_length=20,
        sa_column_kwargs={"server_default": ReplyKind.REPLY.value},
    )
    matched_by: str | None = Field(default=None, max_length=20)  # headers | address
    message_id: str | None = Field(default=None, max_length=300)
    in_reply_to: str | None = Field(default=None, max_length=300)
    references: str | None = None
    from_email: str | None = Field(default=None, max_length=320)
    from_name: str | None = Field(default=None, max_length=200)
    to_email: str | None = Field(default=None, max_length=320)
    subject: str | None = None
    body_text: str | None = None
    headers: dict[str, Any] = json_field(dict)
    # For kind bounce / dsn: action, status, recipients, originalMessageIds, diagnostic.
    bounce: dict[str, Any] | None = json_field(lambda: None, nullable=True)
    raw_size: int = 0
    truncated: bool = False
    # received (stored) -> matched -> classified -> done (its label's effect applied)
    status: str = Field(default=ReplyStatus.RECEIVED, max_length=20)  # a ReplyStatus
    label: str | None = Field(default=None, max_length=40)
    confidence: float | None = None
    reasons: list[str] = json_field(list)
    needs_action: bool = False
    # The classifier was unsure (confidence under the model's review threshold): check it.
    needs_review: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    handled_at: datetime | None = ts_field()
    referral_email: str | None = Field(default=None, max_length=320)
    return_date: date | None = None
    # The step it answers (its send's, else the lead's step when it arrived): for the stats.
    step_position: int | None = None
    received_at: datetime = created_field()
    classified_at: datetime | None = ts_field()
    created_at: datetime = created_field()


class ReplyFeedback(SQLModel, table=True):
    """A label corrected by a person (`PATCH /replies/{id}` with `label`): the reply's label
    before and after, who and when. Exported for training by `outreach classify
    export-feedback`; the text is read from the reply then (deleted with it), never copied."""

    __tablename__ = "reply_feedback"
    __table_args__ = (sa.Index("ix_feedback_ws_created", "workspace_id", "created_at", "id"),)
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    reply_id: str = Field(
        sa_column=sa.Column(
            sa.String(40), sa.ForeignKey("reply.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    original_label: str | None = Field(default=None, max_length=40)
    original_confidence: float | None = None
    label: str = Field(max_length=40)
    corrected_by: str | None = Field(default=None, max_length=40)  # the API key's id
    created_at: datetime = created_field()


class ReplyRaw(SQLModel, table=True):
    """The message as received, up to a cap (`Reply.truncated` says when it was cut)."""

    __tablename__ = "reply_raw"
    reply_id: str = Field(primary_key=True, foreign_key="reply.id", max_length=40)
    raw: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))


class ReplyDraft(SQLModel, table=True):
    """A suggested (or hand-written) answer to a reply; sent at most once (`send_id`)."""

    __tablename__ = "reply_draft"
    __table_args__ = (sa.Index("ix_draft_reply_created", "reply_id", "created_at", "id"),)
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    reply_id: str = Field(foreign_key="reply.id", max_length=40)
    lead_id: str | None = Field(default=None, max_length=40)
    status: str = Field(default=DraftStatus.PENDING, max_length=20)  # a DraftStatus
    source: str = Field(default=DraftSource.TEMPLATE, max_length=20)  # a DraftSource
    model: str | None = Field(default=None, max_length=200)  # the model, or the template
    note: str | None = Field(default=None, max_length=500)  # why this source (model failed...)
    subject: str | None = None
    body: str | None = None
    send_id: str | None = Field(default=None, max_length=40, unique=True)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


# -- autopilot (outreach/autopilot) ---------------------------------------------------------


class AutopilotRun(SQLModel, table=True):
    """One run of a campaign's autopilot (scheduled or manual): what it found and did.
    `day` is the campaign-local date it ran for; the day's quota is shared by its runs."""

    __tablename__ = "autopilot_run"
    __table_args__ = (
        sa.Index("ix_aprun_campaign_created", "campaign_id", "created_at", "id"),
        sa.Index("ix_aprun_campaign_day", "campaign_id", "day"),
    )
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=40)
    trigger: str = Field(max_length=20)  # an AutopilotTrigger
    status: str = Field(max_length=20)  # an AutopilotRunStatus
    day: str | None = Field(default=None, max_length=10)  # YYYY-MM-DD in the campaign's zone
    quota: int = 0
    discovered: int = 0
    enriched: int = 0
    enrolled: int = 0
    drafted: int = 0
    errors: list[str] = json_field(list)
    note: str | None = Field(default=None, max_length=300)
    discovery_run_id: str | None = Field(default=None, max_length=40)
    started_at: datetime = created_field()
    finished_at: datetime | None = ts_field()
    created_at: datetime = created_field()


# -- campaign counters (outreach/campaigns/counters.py) -------------------------------------


class CounterDelta(SQLModel, table=True):
    """A change of one counter, written by the counted tables' triggers in the same
    transaction as the change; folded into the counters below by the roll-up."""

    __tablename__ = "counter_delta"
    __table_args__ = (sa.Index("ix_counter_delta_campaign", "campaign_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(max_length=40)
    step: int = 0
    sender: str = Field(default="", max_length=320)
    day: str = Field(default="", max_length=10)  # UTC day, "" for all-time only
    metric: str = Field(max_length=60)
    n: int


class CampaignCounter(SQLModel, table=True):
    """A campaign's all-time count of one metric, per step and sender (rolled up)."""

    __tablename__ = "campaign_counter"
    campaign_id: str = Field(primary_key=True, max_length=40)
    step: int = Field(default=0, primary_key=True)
    sender: str = Field(default="", primary_key=True, max_length=320)
    metric: str = Field(primary_key=True, max_length=60)
    n: int = 0


class CampaignDaily(SQLModel, table=True):
    """A campaign's count of one metric on one UTC day (rolled up)."""

    __tablename__ = "campaign_daily"
    campaign_id: str = Field(primary_key=True, max_length=40)
    day: str = Field(primary_key=True, max_length=10)
    metric: str = Field(primary_key=True, max_length=60)
    n: int = 0


# -- rate limits -------------------------------------------------------------------------


class RateLimitBucket(SQLModel, table=True):
    """One row per (workspace, action): updating it serialises the takers of that limit
    (a row lock on PostgreSQL, the write lock on SQLite), so a burst cannot overbook."""

    __tablename__ = "rate_limit_bucket"
    workspace_id: str = Field(primary_key=True, max_length=40)
    action: str = Field(primary_key=True, max_length=40)  # a RateAction
    taken: int = 0  # all-time count (the row's update is the lock)


class RateLimitHit(SQLModel, table=True):
    """One admitted call; the sliding windows count these (kept for a day)."""

    __tablename__ = "rate_limit_hit"
    __table_args__ = (sa.Index("ix_rate_hit_bucket_at", "workspace_id", "action", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=40)
    action: str = Field(max_length=40)
    at: datetime = created_field()


# -- events and webhooks -----------------------------------------------------------------


class Event(SQLModel, table=True):
    """Every moment of the seed's events table, recorded exactly once (dedupe_key).
    `lead_id` / `reply_id`: the lead and the reply its `data` shows (set by record_event),
    so an erasure finds them without reading JSON."""

    __tablename__ = "event"
    __table_args__ = (sa.Index("ix_event_ws_created", "workspace_id", "created_at", "id"),)
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    lead_id: str | None = Field(default=None, index=True, max_length=40)
    reply_id: str | None = Field(default=None, index=True, max_length=40)
    type: str = Field(max_length=60)
    data: dict[str, Any] = json_field(dict)
    dedupe_key: str = Field(max_length=200, unique=True)
    created_at: datetime = created_field()
    published_at: datetime | None = ts_field()


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"
    __table_args__ = (sa.Index("ix_webhook_ws_created", "workspace_id", "created_at", "id"),)
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    url: str = Field(max_length=2000)
    description: str | None = Field(default=None, max_length=500)
    events: list[str] = json_field(list)
    enabled: bool = True
    disabled_reason: str | None = Field(default=None, max_length=200)
    # The signing secret, shown once and never returned again, stored sealed
    # (outreach/encryption/fields.py: `enc:v1:<kid>:...`, never the secret itself).
    secret: str = Field(max_length=1200)
    secret_hint: str = Field(  # `whsec_...` and the secret's last 4 characters
        default="", max_length=40, sa_column_kwargs={"server_default": ""}
    )
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (sa.Index("ix_delivery_endpoint_created", "endpoint_id", "created_at", "id"),)
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    endpoint_id: str = Field(foreign_key="webhook_endpoint.id", max_length=40)
    event_id: str = Field(foreign_key="event.id", index=True, max_length=40)
    event_type: str = Field(max_length=60)
    workflow_id: str = Field(max_length=200, unique=True)
    replay_of: str | None = Field(default=None, max_length=40)
    # pending | retrying | delivered | failed | cancelled (see outreach.webhooks.policy)
    status: str = Field(default=DeliveryStatus.PENDING, max_length=20)  # a DeliveryStatus
    attempt_count: int = 0
    last_status_code: int | None = None
    last_error: str | None = None
    next_attempt_at: datetime | None = ts_field()
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    completed_at: datetime | None = ts_field()


class WebhookAttempt(SQLModel, table=True):
    __tablename__ = "webhook_attempt"
    __table_args__ = (sa.UniqueConstraint("delivery_id", "attempt", name="uq_attempt"),)
    id: str = Field(primary_key=True, max_length=40)
    delivery_id: str = Field(foreign_key="webhook_delivery.id", index=True, max_length=40)
    attempt: int
    started_at: datetime = created_field()
    duration_ms: int | None = None
    status_code: int | None = None
    outcome: str = Field(max_length=20)  # delivered | retry (another follows) | failed
    error: str | None = None
    response_body: str | None = None  # first 2 KB


# -- inbound mail ------------------------------------------------------------------------


class Mailbox(SQLModel, table=True):
    __tablename__ = "mailbox"
    __table_args__ = (sa.Index("ix_mailbox_ws_created", "workspace_id", "created_at", "id"),)
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    host: str = Field(max_length=255)
    port: int = 993
    security: str = Field(default="tls", max_length=20)  # tls | starttls | none
    username: str = Field(max_length=320)
    # Write-only, stored sealed (outreach/encryption/fields.py), never the password itself.
    password: str = Field(max_length=3000)
    folder: str = Field(default="INBOX", max_length=200)
    enabled: bool = True
    # False: the first sync starts after the messages already in the folder.
    sync_existing: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # IMAP UIDs and UIDVALIDITY are unsigned 32-bit: wider than PostgreSQL's INTEGER.
    uidvalidity: int | None = Field(
        default=None, sa_column=sa.Column(sa.BigInteger(), nullable=True)
    )
    last_uid: int = Field(default=0, sa_column=sa.Column(sa.BigInteger(), nullable=False))
    last_sync_at: datetime | None = ts_field()
    last_error: str | None = None
    # -- sending (all optional: an IMAP-only mailbox only reads replies) --
    email: str | None = Field(default=None, max_length=320)
    from_name: str | None = Field(default=None, max_length=200)
    reply_to: str | None = Field(default=None, max_length=320)
    signature: str | None = None
    timezone: str = Field(default="UTC", max_length=64, sa_column_kwargs={"server_default": "UTC"})
    smtp_host: str | None = Field(default=None, max_length=255)
    smtp_port: int | None = None
    smtp_tls: str | None = Field(default=None, max_length=20)  # tls | starttls | none
    smtp_username: str | None = Field(default=None, max_length=320)
    smtp_password: str | None = Field(default=None, max_length=3000)  # sealed, write-only
    daily_limit: int = Field(default=30, sa_column_kwargs={"server_default": "30"})
    min_gap_seconds: int = Field(default=300, sa_column_kwargs={"server_default": "300"})
    warmup_start_per_day: int | None = None
    warmup_increase_per_day: int | None = None
    warmup_started_on: date | None = None  # day 1 of the ramp (the mailbox's zone)
    # active | paused | error (a SendingStatus); why, and the last SMTP failure
    send_status: str = Field(
        default="active", max_length=20, sa_column_kwargs={"server_default": "active"}
    )
    status_reason: str | None = Field(default=None, max_length=300)
    send_error: str | None = Field(default=None, max_length=1000)
    # The send slots handed out (outreach/mailboxes/capacity.py): none before
    # `next_free_at`; `slot_count` of the mailbox-day `slot_day` taken; `slot_version`
    # makes taking one a compare-and-set, correct with many workers.
    next_free_at: datetime | None = ts_field()
    slot_day: str | None = Field(default=None, max_length=10)
    slot_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    slot_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


# -- encryption at rest --------------------------------------------------------------------


class EncryptionCheck(SQLModel, table=True):
    """A known value sealed under the current key (outreach/encryption/stored.py): a wrong
    key is told at start, before any secret is needed."""

    __tablename__ = "encryption_check"
    id: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)


# -- outbox (what a workflow must learn about, kept until Temporal has it) ---------------


class OutboxItem(SQLModel, table=True):
    """A workflow start or signal the API committed with its change (same transaction);
    deleted once Temporal has it. Rows left behind (Temporal was unreachable) are
    delivered by the sweeper (outreach/outbox.py); `claimed_until` keeps two sweepers
    from delivering one row at once."""

    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_created", "created_at", "id"),)
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(max_length=40)
    kind: str = Field(max_length=20)  # an OutboxKind: lead_start | lead_signal
    dedupe_key: str = Field(max_length=200, unique=True)
    lead_id: str = Field(max_length=40)
    signal: str | None = Field(default=None, max_length=40)
    arg: Any = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=200)
    claimed_until: datetime | None = ts_field()
    created_at: datetime = created_field()


# -- idempotency (POST /leads/bulk) --------------------------------------------------------


class IdempotencyRecord(SQLModel, table=True):
    """The answer of a call made with an `Idempotency-Key`: the same key and body answer it
    again for 24 hours; the same key with another body (`request_hash`) is refused."""

    __tablename__ = "idempotency_record"
    workspace_id: str = Field(primary_key=True, max_length=40)
    key: str = Field(primary_key=True, max_length=200)
    request_hash: str = Field(max_length=64)  # SHA-256 hex of the canonical body
    response: dict[str, Any] = json_field(dict)
    created_at: datetime = created_field()


# -- lead discovery (outreach/discovery) ---------------------------------------------------


class DiscoveryRun(SQLModel, table=True):
    """One discovery run: its input, where it stands, and its report (the companies read,
    the search queries, every candidate with its outcome). Bounded: at most
    `outreach.discovery.rules.MAX_CANDIDATES` candidates and `MAX_COMPANIES` companies."""

    __tablename__ = "discovery_run"
    __table_args__ = (sa.Index("ix_discovery_run_ws_created", "workspace_id", "created_at", "id"),)
    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=40)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=40)
    status: str = Field(max_length=20)  # a DiscoveryStatus
    trigger: str = Field(max_length=20)  # api | autopilot
    icp: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    domains: list[str] = json_field(list)
    max_leads: int
    counts: dict[str, Any] = json_field(dict)
    companies: list[dict[str, Any]] = json_field(list)
    candidates: list[dict[str, Any]] = json_field(list)
    queries: list[str] = json_field(list)
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    finished_at: datetime | None = ts_field()

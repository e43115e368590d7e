"""Inputs and outputs shared by the API, workflows and activities (plain dataclasses that
Temporal's default converter serialises). Names of workflows, signals, queries and updates
live here too, so the API can address workflows without importing them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from outreach.campaigns.status import CampaignStatus
from outreach.leads.status import LeadStatus
from outreach.sends.status import StepOutcome

LEAD_WORKFLOW = "LeadWorkflow"
CAMPAIGN_SYNC_WORKFLOW = "CampaignSyncWorkflow"


class LeadSignal:
    REPLY = "reply_received"
    UNSUBSCRIBE = "unsubscribe"
    BOUNCE = "bounce"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    CAMPAIGN_CHANGED = "campaign_changed"
    TOUCH_SENT = "touch_sent"
    HOLD_UNTIL = "hold_until"


class LeadUpdate:
    """Updates answer with the lead as it stands once the request is applied."""

    SEND_NEXT = "send_next"
    PAUSE = "pause_lead"
    RESUME = "resume_lead"
    STOP = "stop_lead"


LEAD_QUERY_PROGRESS = "progress"


# The two answers below keep camelCase field names: they are their JSON on the wire, which
# the Temporal UI, `temporal workflow query` and API clients read.


@dataclass
class Progress:
    """Where a lead's workflow stands (the `progress` query, and the pause / resume / stop
    updates' answer)."""

    status: LeadStatus
    currentStep: int  # the last step done (0 before the first)
    nextStep: int | None  # the step due next; None when none is
    stepsTotal: int
    nextSendAt: datetime | None  # when the next step is planned, once decided
    waitingFor: str | None  # delay | window | daily_cap | hold | lead_paused | ...


@dataclass
class SendNextResult:
    """The send-next update's answer: what the step it forced did. `outcome` is a
    StepOutcome, or the lead's status when no step ran (it paused or ended first)."""

    outcome: str
    sendId: str | None = None
    touchId: str | None = None
    error: str | None = None


@dataclass
class StepPlan:
    position: int  # 1-based
    channel: str
    delay: str  # ISO 8601 duration after the previous step


@dataclass
class Plan:
    """What a lead's workflow needs to schedule its next step; re-read at every wake-up."""

    lead_status: LeadStatus
    campaign_status: CampaignStatus
    timezone: str  # the lead's own zone when set, else the campaign's
    window: dict[str, Any] | None
    steps: list[StepPlan] = field(default_factory=list)
    auto_enrich: bool = False  # enrich the lead before its first step (0.7.0)


@dataclass
class LeadState:
    """Progress carried across continue-as-new."""

    position: int = 0  # steps done
    status: LeadStatus = LeadStatus.QUEUED
    paused: bool = False
    base_at: datetime | None = None  # the next step's delay counts from here
    hold_until: datetime | None = None  # an out-of-office reply asked to wait until then
    cap_retry_at: datetime | None = None  # the daily cap was spent: not before then
    # The lead's mailbox gave it a later send slot, or cannot send now: not before then.
    mailbox_wait_until: datetime | None = None
    mailbox_wait_reason: str | None = None  # mailbox_slot | mailbox_paused
    planned_position: int | None = None  # the step whose send time is decided ...
    planned_at: datetime | None = None  # ... and that time (jitter included)
    planned_reason: str | None = None  # ... and what it waits for (delay, window, ...)
    want_paused: bool | None = None  # a pause / resume received, not applied yet
    reload_plan: bool = False  # the campaign changed since the plan was read
    enrichment_asked: bool = False  # auto-enrichment before step 1 was started (or tried)


@dataclass
class LeadInput:
    lead_id: str
    workspace_id: str
    campaign_id: str
    plan: Plan | None = None
    state: LeadState | None = None
    publish_event_ids: list[str] = field(default_factory=list)
    jitter_seconds: int = 300
    send_timeout_seconds: int = 90
    history_limit: int = 4000  # continue-as-new past this many history events
    enrich_wait_seconds: int = 120  # how long auto-enrichment may hold the first step
    # Started by signal-with-start for a lead whose sequence already ended: apply the
    # signal (a late reply, an unsubscribe) and finish.
    signal_only: bool = False


@dataclass
class StepRequest:
    lead_id: str
    position: int
    scheduled_at: datetime  # the workflow's clock: the instant the send was decided
    forced: bool = False
    publish_event_ids: list[str] = field(default_factory=list)


@dataclass
class StepResult:
    """What one run of the step activity did (see `StepOutcome`)."""

    outcome: StepOutcome
    lead_status: LeadStatus
    position: int
    send_id: str | None = None
    touch_id: str | None = None
    retry_at: datetime | None = None
    error: str | None = None
    completed: bool = False  # this was the last step: the lead is now completed
    plan: Plan | None = None


@dataclass
class LeadTransition:
    """A status change decided by the workflow: an ending, `paused`, or `RESUME`."""

    lead_id: str
    status: str  # a LeadStatus, or outreach.leads.status.RESUME
    at: datetime
    reason: str | None = None
    reply_id: str | None = None
    send_position: int | None = None
    error: str | None = None


@dataclass
class TouchSent:
    lead_id: str
    touch_id: str
    at: datetime


@dataclass
class ReplySignal:
    reply_id: str
    label: str | None = None  # classifier label; None = treat as a human reply


@dataclass
class HoldSignal:
    until: datetime
    reply_id: str | None = None


WEBHOOK_DELIVERY_WORKFLOW = "WebhookDeliveryWorkflow"


@dataclass
class DeliveryInput:
    delivery_id: str
    event_id: str
    endpoint_id: str
    workspace_id: str
    event_type: str

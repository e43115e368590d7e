"""Lead bodies: what `POST` / `PATCH /leads` take and what the API returns (and webhook
events carry)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from outreach.contracts import Progress
from outreach.enrichment.schemas import EnrichmentOut
from outreach.inbound.schemas import ReplyOut
from outreach.leads.erasure import ErasureResult, ErasureStatus
from outreach.leads.status import BulkRowStatus, LeadSource, LeadStatus
from outreach.models import Lead
from outreach.schemas import In, Out, Timestamp
from outreach.sends.schemas import SendOut

CustomValue = str | int | float | bool | None


class LeadFields(In):
    """A lead's own fields (one row of `POST /leads/bulk`)."""

    email: str = Field(max_length=320)
    first_name: str | None = Field(None, max_length=200)
    last_name: str | None = Field(None, max_length=200)
    company: str | None = Field(None, max_length=300)
    role: str | None = Field(None, max_length=200)
    linkedin_url: str | None = Field(None, max_length=500)
    timezone: str | None = Field(None, max_length=64)
    custom_fields: dict[str, CustomValue] = Field(default_factory=dict, max_length=50)


class LeadCreate(LeadFields):
    campaign_id: str = Field(max_length=60)


class BulkCreate(In):
    campaign_id: str = Field(max_length=60)
    leads: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=1_000,
        description="Up to 1,000 rows, each with the fields of `POST /leads` but campaignId",
    )


class LeadUpdate(In):
    first_name: str | None = Field(None, max_length=200)
    last_name: str | None = Field(None, max_length=200)
    company: str | None = Field(None, max_length=300)
    role: str | None = Field(None, max_length=200)
    linkedin_url: str | None = Field(None, max_length=500)
    timezone: str | None = Field(None, max_length=64)
    custom_fields: dict[str, CustomValue] | None = Field(None, max_length=50)


class LeadOut(Out):
    """Read from the row by name (`from_row`): the fields are the `Lead` columns shown."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    campaign_id: str
    email: str
    first_name: str | None
    last_name: str | None
    company: str | None
    role: str | None
    linkedin_url: str | None
    timezone: str | None
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    status: LeadStatus
    status_reason: str | None
    current_step: int
    last_sent_at: Timestamp | None
    mailbox_id: str | None = Field(
        None, description="The sending mailbox the lead is pinned to (from its first step)"
    )
    source: LeadSource = Field(
        LeadSource.API, description="Who made the lead: api | bulk | discovery | autopilot"
    )
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def from_row(cls, lead: Lead) -> LeadOut:
        return cls.model_validate(lead, from_attributes=True)


class Position(Out):
    current_step: int = Field(description="Number of the last step done (0 before the first)")
    next_step: int | None = Field(description="Number of the step due next, null when none")
    steps_total: int
    next_send_at: Timestamp | None = Field(
        description="When the next step is planned, from the lead's workflow (null when unknown)"
    )
    waiting_for: str | None = Field(
        description="delay | window | daily_cap | campaign_paused | lead_paused | hold | "
        "mailbox_slot | mailbox_paused | sending | null"
    )

    @classmethod
    def from_progress(cls, p: Progress) -> Position:
        return cls(
            current_step=p.currentStep,
            next_step=p.nextStep,
            steps_total=p.stepsTotal,
            next_send_at=p.nextSendAt,
            waiting_for=p.waitingFor,
        )

    @classmethod
    def from_row(cls, lead: Lead, steps_total: int) -> Position:
        """Where the row says the lead is (when its workflow does not answer)."""
        done = LeadStatus(lead.status).terminal or lead.current_step >= steps_total
        return cls(
            current_step=lead.current_step,
            next_step=None if done else lead.current_step + 1,
            steps_total=steps_total,
            next_send_at=None,
            waiting_for=None,
        )


class LeadDetailOut(LeadOut):
    position: Position
    sends: list[SendOut]
    replies: list[ReplyOut]
    enrichment: EnrichmentOut | None = Field(
        None, description="What `POST /leads/{id}/enrich` found; null before the first run"
    )


class BulkCounts(Out):
    created: int
    existing: int
    suppressed: int
    invalid: int
    duplicate_in_payload: int


class BulkRow(Out):
    index: int
    status: BulkRowStatus
    lead_id: str | None = None
    reason: str | None = None


class BulkOut(Out):
    counts: BulkCounts
    results: list[BulkRow]


class ErasureCreate(In):
    email: str = Field(max_length=320, description="The person's address (any case)")


class ErasureCountsOut(Out):
    leads: int = Field(description="Leads erased, in every campaign")
    replies: int = Field(
        description="Replies erased (the leads' and, for an address, "
        "those from it matched to no lead)"
    )
    suppressions_hashed: int = Field(
        description="Suppression entries of the address turned into hashed entries"
    )


class ErasureOut(Out):
    status: ErasureStatus = Field(description="`erased`, or `erasing` (202: still running)")
    counts: ErasureCountsOut | None = Field(description="What was erased; null while erasing")

    @classmethod
    def of(cls, result: ErasureResult | None) -> ErasureOut:
        if result is None:
            return cls(status=ErasureStatus.ERASING, counts=None)
        c = result.counts
        return cls(
            status=ErasureStatus.ERASED,
            counts=ErasureCountsOut(
                leads=c.leads, replies=c.replies, suppressions_hashed=c.suppressions_hashed
            ),
        )

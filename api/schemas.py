"""Request and response bodies (camelCase JSON).

Requests are strict: wrong JSON types and unknown fields answer 400. Semantic checks
(time zones, durations, windows, templates, addresses) answer 422 from the routes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, model_validator
from pydantic.alias_generators import to_camel


def _iso_z(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


Timestamp = Annotated[datetime, PlainSerializer(_iso_z, return_type=str)]


class Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


def _has_nul(value: Any, max_depth: int = 32) -> bool:
    """True when a string (key or value) in the JSON holds NUL. Iterative, so any depth is
    safe to look at; nesting deeper than `max_depth` (no request needs more than a few
    levels) raises `nesting_too_deep`."""
    from pydantic_core import PydanticCustomError

    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                raise PydanticCustomError(
                    "nesting_too_deep",
                    "JSON is nested too deeply (at most {limit} levels of objects and arrays)",
                    {"limit": max_depth},
                )
            if isinstance(item, dict):
                stack.extend((k, depth + 1) for k in item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)
    return False


class In(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=False, extra="forbid", strict=True
    )

    @model_validator(mode="before")
    @classmethod
    def _reject_nul(cls, data: Any) -> Any:
        # PostgreSQL cannot store NUL in text; refuse it the same way on every database.
        # Also refuses absurd nesting (checked without recursion).
        if _has_nul(data):
            raise ValueError("text must not contain NUL (\\u0000) characters")
        return data


# -- /me ---------------------------------------------------------------------------------


class WorkspaceOut(Out):
    id: str
    name: str
    created_at: Timestamp


class KeyOut(Out):
    prefix: str
    scopes: list[str]


class MeOut(Out):
    workspace: WorkspaceOut
    key: KeyOut


# -- campaigns ---------------------------------------------------------------------------

Channel = Literal["email", "linkedin", "twitter"]


class SendWindowIn(In):
    days: list[str] = Field(min_length=1, max_length=7)
    start: str = Field(max_length=5)
    end: str = Field(max_length=5)


class StepIn(In):
    channel: Channel = "email"
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
    status: Literal["draft", "active", "paused"] = "draft"
    from_name: str | None = Field(None, max_length=200)
    from_email: str | None = Field(None, max_length=320)
    pitch_context: str | None = Field(None, max_length=20_000)
    daily_cap: int | None = Field(None, ge=1, le=100_000)
    timezone: str = Field("UTC", max_length=64)
    send_window: SendWindowIn | None = None
    steps: list[StepIn] = Field(default_factory=list, max_length=50)


class CampaignUpdate(In):
    name: str | None = Field(None, min_length=1, max_length=200)
    status: Literal["draft", "active", "paused", "archived"] | None = None
    from_name: str | None = Field(None, max_length=200)
    from_email: str | None = Field(None, max_length=320)
    pitch_context: str | None = Field(None, max_length=20_000)
    daily_cap: int | None = Field(None, ge=1, le=100_000)
    timezone: str | None = Field(None, max_length=64)
    send_window: SendWindowIn | None = None
    steps: list[StepIn] | None = Field(None, max_length=50)


class StepOut(Out):
    id: str
    position: int
    channel: str
    delay: str
    subject: str | None
    body: str


class CampaignCounts(Out):
    leads: int
    sends: int
    steps: int
    replies: int


class CampaignOut(Out):
    id: str
    name: str
    status: str
    from_name: str | None
    from_email: str | None
    pitch_context: str | None
    daily_cap: int | None
    timezone: str
    send_window: dict | None
    count: CampaignCounts = Field(serialization_alias="_count")
    created_at: Timestamp
    updated_at: Timestamp


class CampaignDetailOut(CampaignOut):
    steps: list[StepOut]


class CampaignList(Out):
    data: list[CampaignOut]
    next_cursor: str | None


# -- leads -------------------------------------------------------------------------------

CustomValue = str | int | float | bool | None


class LeadCreate(In):
    campaign_id: str = Field(max_length=60)
    email: str = Field(max_length=320)
    first_name: str | None = Field(None, max_length=200)
    last_name: str | None = Field(None, max_length=200)
    company: str | None = Field(None, max_length=300)
    role: str | None = Field(None, max_length=200)
    linkedin_url: str | None = Field(None, max_length=500)
    timezone: str | None = Field(None, max_length=64)
    custom_fields: dict[str, CustomValue] = Field(default_factory=dict, max_length=50)


class LeadUpdate(In):
    first_name: str | None = Field(None, max_length=200)
    last_name: str | None = Field(None, max_length=200)
    company: str | None = Field(None, max_length=300)
    role: str | None = Field(None, max_length=200)
    linkedin_url: str | None = Field(None, max_length=500)
    timezone: str | None = Field(None, max_length=64)
    custom_fields: dict[str, CustomValue] | None = Field(None, max_length=50)


class LeadOut(Out):
    id: str
    campaign_id: str
    email: str
    first_name: str | None
    last_name: str | None
    company: str | None
    role: str | None
    linkedin_url: str | None
    timezone: str | None
    custom_fields: dict[str, Any]
    status: str
    status_reason: str | None
    current_step: int
    last_sent_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp


class LeadList(Out):
    data: list[LeadOut]
    next_cursor: str | None


class SendOut(Out):
    id: str
    lead_id: str
    campaign_id: str
    step: int
    to: str
    subject: str | None
    message_id: str | None
    status: str
    forced: bool
    error: str | None
    smtp_code: int | None
    scheduled_at: Timestamp | None
    sent_at: Timestamp | None
    created_at: Timestamp


class SendList(Out):
    data: list[SendOut]
    next_cursor: str | None


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
    handled: bool
    referral_email: str | None
    return_date: date | None
    truncated: bool
    source: str
    received_at: Timestamp
    created_at: Timestamp


class ReplyList(Out):
    data: list[ReplyOut]
    next_cursor: str | None


class Position(Out):
    current_step: int = Field(description="Number of the last step done (0 before the first)")
    next_step: int | None = Field(description="Number of the step due next, null when none")
    steps_total: int
    next_send_at: Timestamp | None = Field(
        description="When the next step is planned, from the lead's workflow (null when unknown)"
    )
    waiting_for: str | None = Field(
        description="delay | window | daily_cap | campaign_paused | lead_paused | hold | null"
    )


class LeadDetailOut(LeadOut):
    position: Position
    sends: list[SendOut]
    replies: list[ReplyOut]


class TouchOut(Out):
    id: str
    lead_id: str
    campaign_id: str
    step: int
    channel: str
    text: str
    status: str
    created_at: Timestamp
    sent_at: Timestamp | None


class TouchList(Out):
    data: list[TouchOut]
    next_cursor: str | None

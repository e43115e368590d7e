"""Lead rules, in one place for the API and the tests: creating a lead in a campaign
(idempotent on the campaign and the address; a suppressed address is created unsubscribed
and never mailed), editing its fields, and starting its workflow exactly once.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from outreach import outbox, schedule
from outreach.campaigns.service import load_steps
from outreach.campaigns.status import CampaignStatus
from outreach.config import Settings
from outreach.contracts import Plan
from outreach.db import Database
from outreach.emails import normalise_email
from outreach.errors import RuleBroken
from outreach.events import event_ids_for, publish_events, record_event
from outreach.ids import new_id
from outreach.leads.plans import plan_from
from outreach.leads.runs import start_lead_workflow
from outreach.leads.schemas import LeadCreate, LeadFields, LeadUpdate
from outreach.leads.status import LeadSource, LeadStatus, is_terminal
from outreach.mail import SUBJECT_CAP
from outreach.models import Campaign, Lead, Step, utcnow
from outreach.payloads import lead_payload
from outreach.render import CUSTOM_VALUE_CAP, lead_variables, render_longest
from outreach.schemas import single_line
from outreach.suppressions import service as suppressions

log = logging.getLogger("outreach.leads")

# The fields `PATCH /leads/{id}` may change (rendered at send time, so every step not yet
# sent takes the change).
EDITABLE = ("first_name", "last_name", "company", "role", "linkedin_url", "timezone")


@dataclass
class Enrolled:
    lead: Lead
    created: bool  # False: the campaign already had this address (the existing row)
    event_ids: list[str]  # the `lead.created` event its workflow publishes
    plan: Plan | None = None  # what its workflow starts with (read once, for a new lead)


def check_email(value: str, field: str = "email") -> str:
    try:
        return normalise_email(value)
    except ValueError as exc:
        raise RuleBroken(f"{field}: {exc}", "invalid_email") from exc


def check_timezone(value: str | None) -> None:
    if value is not None:
        try:
            schedule.zone(value)
        except ValueError as exc:
            raise RuleBroken(f"timezone: {exc}", "invalid_timezone") from exc


# Fields that can end up in a header (the To name, a subject): one line each.
HEADER_BOUND = {
    "first_name": "firstName",
    "last_name": "lastName",
    "company": "company",
    "role": "role",
    "linkedin_url": "linkedinUrl",
}
CUSTOM_KEY_CAP = 100


def check_fields(body: LeadFields | LeadUpdate) -> None:
    """Header-bound fields on one line; custom values within their cap (a template may
    repeat a value many times: its size is what bounds a rendered message)."""
    given = body.model_fields_set
    for field, shown in HEADER_BOUND.items():
        value = getattr(body, field)
        if field in given and value is not None:
            single_line(value, shown)
    for key, value in (body.custom_fields or {}).items():
        if len(key) > CUSTOM_KEY_CAP:
            raise RuleBroken(
                f"customFields: a name is longer than {CUSTOM_KEY_CAP} characters.",
                "custom_field_too_long",
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise RuleBroken(f"customFields.{key} must be a finite number.", "invalid_custom_field")
        length = len(value) if isinstance(value, str) else len(str(value))
        if length > CUSTOM_VALUE_CAP:
            raise RuleBroken(
                f"customFields.{key} is {length:,} characters; at most "
                f"{CUSTOM_VALUE_CAP:,} are allowed.",
                "custom_field_too_long",
            )


def check_rendered(lead: Lead, campaign: Campaign, steps: list[Step]) -> None:
    """Every step's subject, rendered for this lead, fits in a subject line, whichever
    spintax variant the lead gets: its longest variant is checked (the longest alternative
    of each group, found group by group, not by listing the variants)."""
    variables = lead_variables(lead, campaign)
    for step in steps:
        if step.subject and len(render_longest(step.subject, variables).strip()) > SUBJECT_CAP:
            raise RuleBroken(
                f"Step {step.position}'s subject would be longer than {SUBJECT_CAP} characters "
                "for this lead (in its longest wording); shorten the values it uses.",
                "rendered_subject_too_long",
            )


async def find(session: AsyncSession, campaign_id: str, email: str) -> Lead | None:
    return (
        await session.exec(select(Lead).where(Lead.campaign_id == campaign_id, Lead.email == email))
    ).first()


async def enrol(
    session: AsyncSession,
    campaign: Campaign,
    body: LeadCreate,
    source: LeadSource = LeadSource.API,
) -> Enrolled:
    """Save the lead (committed) with its `lead.created` event, or find the existing one.
    Its workflow is started by `start` once this returns."""
    email = check_email(body.email)
    check_timezone(body.timezone)
    existing = await find(session, campaign.id, email)
    if existing is not None:
        # Idempotent: the same POST again answers the row it made, even when the body
        # breaks a size or header rule added since.
        return Enrolled(existing, False, [])
    check_fields(body)
    if campaign.status == CampaignStatus.ARCHIVED:
        raise RuleBroken("The campaign is archived; it takes no new leads.", "campaign_archived")
    suppressed = await suppressions.find(session, campaign.workspace_id, email)  # or its domain
    now = utcnow()
    lead = Lead(
        id=new_id("lead"),
        workspace_id=campaign.workspace_id,
        campaign_id=campaign.id,
        email=email,
        first_name=body.first_name,
        last_name=body.last_name,
        company=body.company,
        role=body.role,
        linkedin_url=body.linkedin_url,
        timezone=body.timezone,
        custom_fields=dict(body.custom_fields),
        source=source,
        status=LeadStatus.UNSUBSCRIBED if suppressed else LeadStatus.QUEUED,
        status_reason=suppressions.lead_status_reason(suppressed.reason) if suppressed else None,
        finished_at=now if suppressed else None,
        created_at=now,
        updated_at=now,
    )
    steps = await load_steps(session, campaign.id)
    check_rendered(lead, campaign, steps)
    session.add(lead)
    try:
        await session.flush()
        event_id = await record_event(
            session,
            workspace_id=lead.workspace_id,
            type="lead.created",
            data={"lead": lead_payload(lead)},
            dedupe_key=f"lead.created:{lead.id}",
            at=now,
            new=True,
        )
        outbox.add_lead_start(session, lead)  # kept until Temporal has the start
        await session.commit()
    except IntegrityError:
        # The same lead posted concurrently: the other request's row is the lead.
        await session.rollback()
        existing = await find(session, campaign.id, email)
        if existing is None:
            raise
        return Enrolled(existing, False, [])
    return Enrolled(lead, True, [event_id], plan_from(campaign, steps, lead))


async def start(
    client: Client,
    settings: Settings,
    session: AsyncSession,
    lead: Lead,
    event_ids: list[str] | None = None,
    plan: Plan | None = None,
    db: Database | None = None,
) -> bool:
    """Start the lead's workflow unless it runs (or ran) already; True if started now.
    A lead whose first start failed gets its `lead.created` published by this start. When
    a workflow exists already (a late signal started a short run for the lead before its
    own start got through), its `lead.created` is published here (with `db`): idempotent,
    nothing goes out twice."""
    if plan is None:
        campaign = await session.get(Campaign, lead.campaign_id)
        assert campaign is not None
        plan = plan_from(campaign, await load_steps(session, campaign.id), lead)
    if event_ids is None:
        event_ids = await event_ids_for(session, [f"lead.created:{lead.id}"])
    await session.commit()  # no transaction (nor pool connection) held across the RPC
    started = await start_lead_workflow(client, settings, lead, plan, event_ids)
    if not started and event_ids and db is not None:
        await publish_events(db, client, settings.webhook_task_queue, event_ids)
    await outbox.delivered(session, outbox.start_key(lead.id))  # Temporal has it
    return started


async def apply_update(session: AsyncSession, lead: Lead, body: LeadUpdate) -> bool:
    """Apply the given fields; True when the lead's time zone changed (its workflow must
    re-plan)."""
    given = body.model_fields_set
    if "timezone" in given:
        check_timezone(body.timezone)
    check_fields(body)
    for field in EDITABLE:
        if field in given:
            setattr(lead, field, getattr(body, field))
    if "custom_fields" in given:
        lead.custom_fields = dict(body.custom_fields or {})
    campaign = await session.get(Campaign, lead.campaign_id)
    assert campaign is not None
    check_rendered(lead, campaign, await load_steps(session, campaign.id))
    lead.updated_at = utcnow()
    return "timezone" in given and not is_terminal(lead.status)

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from api import schemas as s
from api.deps import Principal, SessionDep, StateDep, require
from api.docs import scoped
from api.errors import APIError, not_found, unprocessable
from api.pagination import Page, page_params
from api.views import lead_fields, lead_out, reply_out, send_out, touch_out
from outreach import schedule
from outreach.contracts import LEAD_QUERY_PROGRESS, LEAD_UPDATE_SEND_NEXT, LeadSignal
from outreach.emails import normalise_email
from outreach.events import event_ids_for, record_event
from outreach.ids import new_id
from outreach.leads import lead_handle, start_lead_workflow
from outreach.models import (
    LEAD_STATUSES,
    TERMINAL_LEAD_STATUSES,
    Campaign,
    ChannelTouch,
    Lead,
    Reply,
    Send,
    Suppression,
    utcnow,
)
from outreach.payloads import lead_payload
from outreach.plans import campaign_steps, plan_from
from outreach.scopes import Scope

log = logging.getLogger("outreach.api.leads")
router = APIRouter(tags=["leads"])

LeadStatus = Literal[
    "queued", "active", "paused", "replied", "bounced", "unsubscribed", "completed", "stopped"
]
assert set(LeadStatus.__args__) == set(LEAD_STATUSES)  # type: ignore[attr-defined]


async def get_owned_lead(session: SessionDep, principal: Principal, lead_id: str) -> Lead:
    lead = await session.get(Lead, lead_id)
    if lead is None or lead.workspace_id != principal.workspace_id:
        raise not_found("Lead")
    return lead


def _email_or_422(value: str, field: str = "email") -> str:
    try:
        return normalise_email(value)
    except ValueError as exc:
        raise unprocessable(f"{field}: {exc}", "invalid_email") from exc


@router.get("/leads", response_model=s.LeadList, **scoped("leads:read", summary="List leads"))
async def list_leads(
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.LEADS_READ)],
    page: Annotated[Page, Depends(page_params)],
    campaign_id: Annotated[str | None, Query(alias="campaignId", max_length=60)] = None,
    status: LeadStatus | None = None,
    email: Annotated[str | None, Query(max_length=320)] = None,
) -> dict:
    """Leads of the workspace, newest first. Filter by `campaignId`, `status`, `email`."""
    stmt = select(Lead).where(Lead.workspace_id == principal.workspace_id)
    if campaign_id:
        stmt = stmt.where(Lead.campaign_id == campaign_id)
    if status:
        stmt = stmt.where(Lead.status == status)
    if email:
        try:
            stmt = stmt.where(Lead.email == normalise_email(email))
        except ValueError:
            stmt = stmt.where(Lead.email == email.strip().lower())
    rows = list((await session.exec(page.apply(stmt, Lead))).all())
    return page.result(rows, lead_out)


@router.post(
    "/leads",
    status_code=201,
    response_model=s.LeadOut,
    **scoped("leads:write", 404, 422, 503, summary="Create a lead in a campaign"),
)
async def create_lead(
    body: s.LeadCreate,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> s.LeadOut:
    """Creates the lead (201) and starts its sequence at step 1 at once. Idempotent on
    (campaignId, email): posting the same lead again returns the existing row (200) and
    starts nothing twice. An address on the workspace's suppression list (unsubscribed or
    bounced before) is created with status `unsubscribed` and never mailed."""
    campaign = await session.get(Campaign, body.campaign_id)
    if campaign is None or campaign.workspace_id != principal.workspace_id:
        raise not_found("Campaign")
    email = _email_or_422(body.email)
    if body.timezone is not None:
        try:
            schedule.zone(body.timezone)
        except ValueError as exc:
            raise unprocessable(f"timezone: {exc}", "invalid_timezone") from exc

    existing = await _find(session, campaign.id, email)
    if existing is not None:
        response.status_code = 200
        await _ensure_started(state, session, existing)
        return lead_out(existing)
    if campaign.status == "archived":
        raise unprocessable("The campaign is archived; it takes no new leads.", "campaign_archived")

    suppressed = (
        await session.exec(
            select(Suppression).where(
                Suppression.workspace_id == principal.workspace_id, Suppression.email == email
            )
        )
    ).first()
    now = utcnow()
    lead = Lead(
        id=new_id("lead"),
        workspace_id=principal.workspace_id,
        campaign_id=campaign.id,
        email=email,
        first_name=body.first_name,
        last_name=body.last_name,
        company=body.company,
        role=body.role,
        linkedin_url=body.linkedin_url,
        timezone=body.timezone,
        custom_fields=dict(body.custom_fields),
        status="unsubscribed" if suppressed else "queued",
        status_reason=f"suppressed ({suppressed.reason})" if suppressed else None,
        finished_at=now if suppressed else None,
        created_at=now,
        updated_at=now,
    )
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
        await session.commit()
    except IntegrityError:
        await session.rollback()
        existing = await _find(session, campaign.id, email)
        if existing is None:
            raise
        response.status_code = 200
        return lead_out(existing)

    plan = plan_from(campaign, await campaign_steps(session, campaign.id), lead)
    client = await state.temporal()
    try:
        await start_lead_workflow(client, state.settings, lead, plan, [event_id])
    except RPCError as exc:
        log.warning("lead %s saved but its workflow did not start: %s", lead.id, exc)
        raise APIError(
            503,
            "temporal_unavailable",
            "The lead was saved but its sequence could not start; retry the same request.",
        ) from exc
    return lead_out(lead)


async def _find(session: SessionDep, campaign_id: str, email: str) -> Lead | None:
    return (
        await session.exec(select(Lead).where(Lead.campaign_id == campaign_id, Lead.email == email))
    ).first()


async def _ensure_started(state: StateDep, session: SessionDep, lead: Lead) -> None:
    """A retried POST after a failed start starts the sequence; otherwise a no-op."""
    if lead.status in TERMINAL_LEAD_STATUSES:
        return
    try:
        client = await state.temporal()
        campaign = await session.get(Campaign, lead.campaign_id)
        assert campaign is not None
        plan = plan_from(campaign, await campaign_steps(session, campaign.id), lead)
        # If the first start failed, lead.created was recorded but never published.
        created = await event_ids_for(session, [f"lead.created:{lead.id}"])
        await start_lead_workflow(client, state.settings, lead, plan, created)
    except (RPCError, APIError) as exc:
        log.warning("could not confirm the workflow of lead %s: %s", lead.id, exc)


@router.get(
    "/leads/{lead_id}",
    response_model=s.LeadDetailOut,
    **scoped("leads:read", 404, summary="Get a lead with sends, replies, position"),
)
async def get_lead(
    lead_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.LEADS_READ)],
) -> s.LeadDetailOut:
    lead = await get_owned_lead(session, principal, lead_id)
    sends = (
        await session.exec(
            select(Send).where(Send.lead_id == lead.id).order_by(col(Send.step_position))
        )
    ).all()
    replies = (
        await session.exec(
            select(Reply).where(Reply.lead_id == lead.id).order_by(col(Reply.received_at))
        )
    ).all()
    steps_total = len(await campaign_steps(session, lead.campaign_id))
    position = await _position(state, lead, steps_total)
    return s.LeadDetailOut(
        **lead_fields(lead),
        position=position,
        sends=[send_out(x) for x in sends],
        replies=[reply_out(x) for x in replies],
    )


async def _position(state: StateDep, lead: Lead, steps_total: int) -> s.Position:
    """From the lead's workflow when it answers within a second; else from the row."""
    if lead.status not in TERMINAL_LEAD_STATUSES:
        try:
            client = await state.temporal()
            progress = await asyncio.wait_for(
                lead_handle(client, lead.id).query(
                    LEAD_QUERY_PROGRESS, rpc_timeout=timedelta(seconds=1)
                ),
                timeout=1.5,
            )
            return s.Position(
                current_step=progress["currentStep"],
                next_step=progress["nextStep"],
                steps_total=progress["stepsTotal"],
                next_send_at=progress["nextSendAt"],
                waiting_for=progress["waitingFor"],
            )
        except Exception as exc:  # noqa: BLE001 - any failure falls back to the row
            log.debug("progress query for %s failed: %s", lead.id, exc)
    done = lead.status in TERMINAL_LEAD_STATUSES or lead.current_step >= steps_total
    return s.Position(
        current_step=lead.current_step,
        next_step=None if done else lead.current_step + 1,
        steps_total=steps_total,
        next_send_at=None,
        waiting_for=None,
    )


@router.patch(
    "/leads/{lead_id}",
    response_model=s.LeadOut,
    **scoped("leads:write", 404, 422, summary="Update a lead's fields"),
)
async def update_lead(
    lead_id: str,
    body: s.LeadUpdate,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> s.LeadOut:
    """Changes apply to every step not yet sent (they are rendered at send time)."""
    lead = await get_owned_lead(session, principal, lead_id)
    given = body.model_fields_set
    if "timezone" in given and body.timezone is not None:
        try:
            schedule.zone(body.timezone)
        except ValueError as exc:
            raise unprocessable(f"timezone: {exc}", "invalid_timezone") from exc
    for fld in ("first_name", "last_name", "company", "role", "linkedin_url", "timezone"):
        if fld in given:
            setattr(lead, fld, getattr(body, fld))
    if "custom_fields" in given:
        lead.custom_fields = dict(body.custom_fields or {})
    lead.updated_at = utcnow()
    session.add(lead)
    await session.commit()
    if "timezone" in given and lead.status not in TERMINAL_LEAD_STATUSES:
        try:
            client = await state.temporal()
            await lead_handle(client, lead.id).signal(LeadSignal.CAMPAIGN_CHANGED)
        except (RPCError, APIError) as exc:
            log.info("lead %s: timezone change not signalled now: %s", lead.id, exc)
    return lead_out(lead)


async def _control(
    state: StateDep, session: SessionDep, lead: Lead, signal: str, expect: set[str]
) -> Lead:
    """Signal the workflow, then wait briefly for the row to show the result."""
    client = await state.temporal()
    try:
        await lead_handle(client, lead.id).signal(signal)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise unprocessable("The lead's sequence has ended.", "lead_finished") from exc
        raise
    for _ in range(40):
        await asyncio.sleep(0.05)
        await session.refresh(lead)
        if lead.status in expect:
            break
    return lead


@router.post(
    "/leads/{lead_id}/pause",
    response_model=s.LeadOut,
    **scoped("leads:write", 404, 422, summary="Pause a lead's sequence"),
)
async def pause_lead(
    lead_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> s.LeadOut:
    lead = await get_owned_lead(session, principal, lead_id)
    if lead.status in TERMINAL_LEAD_STATUSES:
        raise unprocessable(f"The lead is {lead.status}; nothing to pause.", "lead_finished")
    return lead_out(await _control(state, session, lead, LeadSignal.PAUSE, {"paused"}))


@router.post(
    "/leads/{lead_id}/resume",
    response_model=s.LeadOut,
    **scoped("leads:write", 404, 422, summary="Resume a paused lead"),
)
async def resume_lead(
    lead_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> s.LeadOut:
    """Continues where the lead was, inside the window and the daily cap."""
    lead = await get_owned_lead(session, principal, lead_id)
    if lead.status != "paused":
        raise unprocessable(f"The lead is {lead.status}, not paused.", "lead_not_paused")
    return lead_out(await _control(state, session, lead, LeadSignal.RESUME, {"active", "queued"}))


@router.post(
    "/leads/{lead_id}/stop",
    response_model=s.LeadOut,
    **scoped("leads:write", 404, 422, summary="Stop a lead's sequence for good"),
)
async def stop_lead(
    lead_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> s.LeadOut:
    lead = await get_owned_lead(session, principal, lead_id)
    if lead.status in TERMINAL_LEAD_STATUSES:
        raise unprocessable(f"The lead is already {lead.status}.", "lead_finished")
    return lead_out(await _control(state, session, lead, LeadSignal.STOP, {"stopped"}))


class SendNextOut(s.Out):
    outcome: str
    send: s.SendOut | None
    touch: s.TouchOut | None
    lead: s.LeadOut


@router.post(
    "/leads/{lead_id}/send-next",
    response_model=SendNextOut,
    **scoped("sends:trigger", 404, 422, 503, summary="Force-send the next step now"),
)
async def send_next(
    lead_id: str,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.SENDS_TRIGGER)],
) -> SendNextOut:
    """Sends the lead's next step now, skipping its delay, the sending window and the daily
    cap; never a step already sent, never to a suppressed address. `outcome` is `sent`,
    `touch_queued` (LinkedIn/Twitter steps), `bounced`, `unknown`, `suppressed`, or
    `pending` (202: still in progress, e.g. SMTP retrying)."""
    lead = await get_owned_lead(session, principal, lead_id)
    if lead.status in TERMINAL_LEAD_STATUSES:
        raise unprocessable(f"The lead is {lead.status}; it has no next step.", "lead_finished")
    client = await state.temporal()
    try:
        result = await asyncio.wait_for(
            lead_handle(client, lead.id).execute_update(
                LEAD_UPDATE_SEND_NEXT, rpc_timeout=timedelta(seconds=30)
            ),
            timeout=30,
        )
    except WorkflowUpdateFailedError as exc:
        cause = getattr(exc.cause, "message", None) or str(exc.cause)
        raise unprocessable(cause, "send_next_rejected") from exc
    except TimeoutError:
        response.status_code = 202
        result = {"outcome": "pending", "sendId": None, "touchId": None}
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise unprocessable("The lead's sequence has ended.", "lead_finished") from exc
        if exc.status == RPCStatusCode.DEADLINE_EXCEEDED:
            response.status_code = 202
            result = {"outcome": "pending", "sendId": None, "touchId": None}
        else:
            raise
    session.expire_all()
    send = await session.get(Send, result["sendId"]) if result.get("sendId") else None
    touch = await session.get(ChannelTouch, result["touchId"]) if result.get("touchId") else None
    await session.refresh(lead)
    return SendNextOut(
        outcome=result["outcome"],
        send=send_out(send) if send else None,
        touch=touch_out(touch) if touch else None,
        lead=lead_out(lead),
    )

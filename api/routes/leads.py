"""`/leads`: enrol, read, edit, and steer a lead's sequence (pause, resume, stop, send-next).
The rules live in `outreach.leads.service`; the sequence is the lead's workflow, which
answers pause, resume, stop and send-next as updates once they are applied."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response
from sqlmodel import col, select
from temporalio.client import (
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowUpdateStage,
)
from temporalio.service import RPCError, RPCStatusCode

from api import schemas as s
from api.deps import Principal, SessionDep, StateDep, get_owned, require
from api.docs import scoped
from api.errors import APIError, unprocessable
from api.pagination import Page, page_params
from outreach.campaigns.service import load_steps
from outreach.contracts import (
    LEAD_QUERY_PROGRESS,
    LeadSignal,
    LeadUpdate,
    Progress,
    SendNextResult,
)
from outreach.emails import normalise_email
from outreach.enrichment.schemas import EnrichmentOut
from outreach.inbound.schemas import ReplyOut
from outreach.leads import bulk, service
from outreach.leads.runs import lead_handle
from outreach.leads.schemas import BulkCreate, BulkOut, LeadCreate, LeadDetailOut, LeadOut, Position
from outreach.leads.schemas import LeadUpdate as LeadEdit
from outreach.leads.status import LeadStatus, is_terminal
from outreach.models import Campaign, ChannelTouch, Lead, Reply, Send
from outreach.scopes import Scope
from outreach.sends.schemas import SendOut, TouchOut
from outreach.sends.status import StepOutcome

log = logging.getLogger("outreach.api.leads")
router = APIRouter(tags=["leads"])

# How long a control request waits for the lead's workflow to take it, then to apply it.
ACCEPT_TIMEOUT = 5.0
APPLY_TIMEOUT = 5.0
SEND_NEXT_TIMEOUT = 30.0
# How the SDK refuses an update the running worker's workflow has no handler for.
UNKNOWN_UPDATE = "expected but not found"


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
    return page.result(rows, LeadOut.from_row)


@router.post(
    "/leads",
    status_code=201,
    response_model=LeadOut,
    **scoped("leads:write", 404, 422, 503, summary="Create a lead in a campaign"),
)
async def create_lead(
    body: LeadCreate,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> LeadOut:
    """Creates the lead (201) and starts its sequence at step 1 at once. Idempotent on
    (campaignId, email): posting the same lead again returns the existing row (200) and
    starts nothing twice. An address on the workspace's suppression list (unsubscribed or
    bounced before) is created with status `unsubscribed` and never mailed."""
    campaign = await get_owned(session, Campaign, body.campaign_id, principal)
    enrolled = await service.enrol(session, campaign, body)
    lead = enrolled.lead
    if not enrolled.created:
        response.status_code = 200
        if not is_terminal(lead.status):
            # A retried POST after a failed start starts the sequence; else a no-op.
            try:
                await service.start(
                    await state.temporal(), state.settings, session, lead, db=state.db
                )
            except (RPCError, APIError) as exc:
                log.warning("could not confirm the workflow of lead %s: %s", lead.id, exc)
        return LeadOut.from_row(lead)
    try:
        await service.start(
            await state.temporal(),
            state.settings,
            session,
            lead,
            enrolled.event_ids,
            enrolled.plan,
            db=state.db,
        )
    except RPCError as exc:
        log.warning("lead %s saved but its workflow did not start: %s", lead.id, exc)
        raise APIError(
            503,
            "temporal_unavailable",
            "The lead was saved but its sequence could not start; retry the same request.",
        ) from exc
    return LeadOut.from_row(lead)


@router.post(
    "/leads/bulk",
    response_model=BulkOut,
    **scoped("leads:write", 404, 422, summary="Create up to 1,000 leads in a campaign"),
)
async def create_leads_in_bulk(
    body: BulkCreate,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)
    ] = None,
) -> dict:
    """Each row takes the fields of `POST /leads` (without `campaignId`, given once) and is
    judged on its own: `created`, `existing` (the campaign has the address: its `leadId`),
    `suppressed` (the address or its domain is on the suppression list: not enrolled),
    `duplicateInPayload` (the same address, lower-cased, as an earlier row) or `invalid`
    (with the `reason`). New leads are written in one transaction, then their sequences
    start (a few at a time; one that cannot start now is started by the outbox sweeper, so
    the answer is 200 even while the workflow engine is away). With an `Idempotency-Key`,
    the same key and body answer the same result for 24 hours; another body with the same
    key is 422 `idempotency_key_reused`."""
    campaign = await get_owned(session, Campaign, body.campaign_id, principal)
    key = None
    if idempotency_key is not None:
        key = (idempotency_key, bulk.request_hash(campaign.id, body.leads))
        stored = await bulk.replay(session, principal.workspace_id, *key)
        if stored is not None:
            return stored
    result = await bulk.enrol_many_retrying(session, campaign, body.leads, key)
    if result.new:
        try:
            client = await state.temporal()
        except APIError as exc:
            log.warning(
                "%d leads saved; their workflows start from the outbox: %s",
                len(result.new),
                exc.message,
            )
        else:
            await bulk.start_all(client, state.settings, state.db, result.new)
    return result.body


@router.get(
    "/leads/{lead_id}",
    response_model=LeadDetailOut,
    **scoped("leads:read", 404, summary="Get a lead with sends, replies, position"),
)
async def get_lead(
    lead_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.LEADS_READ)],
) -> LeadDetailOut:
    lead = await get_owned(session, Lead, lead_id, principal)
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
    steps_total = len(await load_steps(session, lead.campaign_id))
    return LeadDetailOut(
        **LeadOut.from_row(lead).model_dump(),
        position=await _position(state, lead, steps_total),
        sends=[SendOut.from_row(x) for x in sends],
        replies=[ReplyOut.from_row(x) for x in replies],
        enrichment=EnrichmentOut.from_stored(lead.enrichment),
    )


async def _position(state: StateDep, lead: Lead, steps_total: int) -> Position:
    """From the lead's workflow when it answers within a second; else from the row."""
    if not is_terminal(lead.status):
        try:
            client = await state.temporal()
            progress = await asyncio.wait_for(
                lead_handle(client, lead.id).query(
                    LEAD_QUERY_PROGRESS, result_type=Progress, rpc_timeout=timedelta(seconds=1)
                ),
                timeout=1.5,
            )
            return Position.from_progress(progress)
        except Exception as exc:  # noqa: BLE001 - any failure falls back to the row
            log.debug("progress query for %s failed: %s", lead.id, exc)
    return Position.from_row(lead, steps_total)


@router.patch(
    "/leads/{lead_id}",
    response_model=LeadOut,
    **scoped("leads:write", 404, 422, summary="Update a lead's fields"),
)
async def update_lead(
    lead_id: str,
    body: LeadEdit,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> LeadOut:
    """Changes apply to every step not yet sent (they are rendered at send time)."""
    lead = await get_owned(session, Lead, lead_id, principal)
    replan = await service.apply_update(session, lead, body)
    session.add(lead)
    await session.commit()
    if replan:
        try:
            client = await state.temporal()
            await lead_handle(client, lead.id).signal(LeadSignal.CAMPAIGN_CHANGED)
        except (RPCError, APIError) as exc:
            log.info("lead %s: timezone change not signalled now: %s", lead.id, exc)
    return LeadOut.from_row(lead)


async def _control(
    state: StateDep,
    session: SessionDep,
    response: Response,
    lead: Lead,
    update: str,
    fallback_signal: str,
    refused: str = "lead_finished",
) -> LeadOut:
    """Ask the lead's workflow (an update) and answer with the row once it applied it (200).
    When no worker takes the request in time, the same request goes as a signal, which
    Temporal keeps until a worker runs the lead (202 with the row as it is); when the
    workflow took it but is busy (an SMTP send in flight), 202 too: it applies it next."""
    handle = lead_handle(await state.temporal(), lead.id)
    try:
        started = await asyncio.wait_for(
            handle.start_update(
                update,
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                result_type=Progress,
                rpc_timeout=timedelta(seconds=ACCEPT_TIMEOUT),
            ),
            timeout=ACCEPT_TIMEOUT + 1,
        )
        await asyncio.wait_for(started.result(), timeout=APPLY_TIMEOUT)
    except WorkflowUpdateFailedError as exc:
        cause = getattr(exc.cause, "message", None) or str(exc.cause)
        if UNKNOWN_UPDATE in cause:
            # A worker of an older release runs this lead (a rolling deploy): it knows the
            # signal, not the update.
            await _signal(handle, fallback_signal, response)
        else:
            raise unprocessable(cause, refused) from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise unprocessable("The lead's sequence has ended.", "lead_finished") from exc
        if exc.status != RPCStatusCode.DEADLINE_EXCEEDED:
            raise
        await _signal(handle, fallback_signal, response)
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        await _signal(handle, fallback_signal, response)
    session.expire_all()
    await session.refresh(lead)
    return LeadOut.from_row(lead)


async def _signal(handle: Any, signal: str, response: Response) -> None:
    """The durable way, when the workflow did not answer in time (idempotent: a pause
    applied twice is one pause)."""
    response.status_code = 202
    await handle.signal(signal)


@router.post(
    "/leads/{lead_id}/pause",
    response_model=LeadOut,
    **scoped("leads:write", 404, 422, 503, summary="Pause a lead's sequence", accepted=LeadOut),
)
async def pause_lead(
    lead_id: str,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> LeadOut:
    """Answers once the lead is paused (202 when its workflow is busy or unreachable: the
    pause is kept and applied as soon as it can be)."""
    lead = await get_owned(session, Lead, lead_id, principal)
    if is_terminal(lead.status):
        raise unprocessable(f"The lead is {lead.status}; nothing to pause.", "lead_finished")
    return await _control(state, session, response, lead, LeadUpdate.PAUSE, LeadSignal.PAUSE)


@router.post(
    "/leads/{lead_id}/resume",
    response_model=LeadOut,
    **scoped("leads:write", 404, 422, 503, summary="Resume a paused lead", accepted=LeadOut),
)
async def resume_lead(
    lead_id: str,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> LeadOut:
    """Continues where the lead was, inside the window and the daily cap."""
    lead = await get_owned(session, Lead, lead_id, principal)
    if lead.status != LeadStatus.PAUSED:
        raise unprocessable(f"The lead is {lead.status}, not paused.", "lead_not_paused")
    return await _control(
        state, session, response, lead, LeadUpdate.RESUME, LeadSignal.RESUME, "lead_not_paused"
    )


@router.post(
    "/leads/{lead_id}/stop",
    response_model=LeadOut,
    **scoped(
        "leads:write", 404, 422, 503, summary="Stop a lead's sequence for good", accepted=LeadOut
    ),
)
async def stop_lead(
    lead_id: str,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> LeadOut:
    lead = await get_owned(session, Lead, lead_id, principal)
    if is_terminal(lead.status):
        raise unprocessable(f"The lead is already {lead.status}.", "lead_finished")
    return await _control(state, session, response, lead, LeadUpdate.STOP, LeadSignal.STOP)


class SendNextOut(s.Out):
    outcome: str
    send: SendOut | None
    touch: TouchOut | None
    lead: LeadOut


@router.post(
    "/leads/{lead_id}/send-next",
    response_model=SendNextOut,
    **scoped(
        "sends:trigger",
        404,
        422,
        503,
        summary="Force-send the next step now",
        accepted=SendNextOut,
    ),
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
    lead = await get_owned(session, Lead, lead_id, principal)
    if is_terminal(lead.status):
        raise unprocessable(f"The lead is {lead.status}; it has no next step.", "lead_finished")
    client = await state.temporal()
    pending = SendNextResult(StepOutcome.PENDING)
    try:
        result = await asyncio.wait_for(
            lead_handle(client, lead.id).execute_update(
                LeadUpdate.SEND_NEXT,
                result_type=SendNextResult,
                rpc_timeout=timedelta(seconds=SEND_NEXT_TIMEOUT),
            ),
            timeout=SEND_NEXT_TIMEOUT,
        )
    except WorkflowUpdateFailedError as exc:
        cause = getattr(exc.cause, "message", None) or str(exc.cause)
        raise unprocessable(cause, "send_next_rejected") from exc
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        response.status_code, result = 202, pending
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise unprocessable("The lead's sequence has ended.", "lead_finished") from exc
        if exc.status != RPCStatusCode.DEADLINE_EXCEEDED:
            raise
        response.status_code, result = 202, pending
    session.expire_all()
    send = await session.get(Send, result.sendId) if result.sendId else None
    touch = await session.get(ChannelTouch, result.touchId) if result.touchId else None
    await session.refresh(lead)
    return SendNextOut(
        outcome=result.outcome,
        send=SendOut.from_row(send) if send else None,
        touch=TouchOut.from_row(touch) if touch else None,
        lead=LeadOut.from_row(lead),
    )

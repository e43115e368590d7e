"""Erasure: `DELETE /leads/{id}` forgets one lead, `POST /erasure` a person (every lead
with the address in every campaign, the unmatched replies from it). Both start
`EraseLeadsWorkflow` (its id makes a repeated request join the running erasure), wait a
few seconds, and answer once it is done (204 / 200) or while it still runs (202); the rules
are in `outreach.leads.erasure`."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Response
from temporalio.client import WorkflowFailureError
from temporalio.service import RPCError

from api.deps import Principal, SessionDep, StateDep, get_owned, require
from api.docs import scoped
from api.errors import APIError, temporal_unavailable
from outreach.leads import erasure_store
from outreach.leads.erasure import (
    EraseRequest,
    ErasureCounts,
    ErasureResult,
    address_erasure_id,
    lead_erasure_id,
)
from outreach.leads.runs import erase_leads
from outreach.leads.schemas import ErasureCreate, ErasureOut
from outreach.leads.service import check_email
from outreach.models import Lead
from outreach.scopes import Scope

log = logging.getLogger("outreach.api.erasure")
router = APIRouter(tags=["leads"])

ERASE_WAIT = 10.0  # seconds the request waits for the erasure before answering 202


async def _erase(state: StateDep, workflow_id: str, req: EraseRequest) -> ErasureResult | None:
    client = await state.temporal()
    try:
        return await erase_leads(client, state.settings, workflow_id, req, ERASE_WAIT)
    except RPCError as exc:
        log.warning("erasure %s did not start: %s", workflow_id, exc)
        raise temporal_unavailable() from exc
    except WorkflowFailureError as exc:  # ended by an operator, or its retries ran out
        log.warning("erasure %s failed: %s", workflow_id, exc.cause)
        raise APIError(
            503, "erasure_failed", "The erasure did not finish; retry the same request."
        ) from exc


@router.delete(
    "/leads/{lead_id}",
    status_code=204,
    **scoped(
        "leads:write", 404, 503, summary="Erase a lead and everything about it", accepted=ErasureOut
    ),
)
async def delete_lead(
    lead_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> Response:
    """Ends the lead's sequence (a send already in the SMTP exchange completes; nothing
    is recorded after the erasure), then deletes the lead, its sends, replies (with their
    raw messages and drafts), channel touches, events and their webhook deliveries, and
    its workflow's history. If its address is on the suppression list and no other lead
    of the workspace has it, the entry becomes a hashed entry that keeps the address
    suppressed. Fires `lead.deleted` (`{"id", "campaignId", "deletedAt"}`: no address).
    204 once done; 202 `{"status": "erasing"}` when it takes longer than a few seconds (it
    finishes by itself; the same DELETE again joins it). A lead already erased is 404."""
    lead = await get_owned(session, Lead, lead_id, principal)
    await session.commit()  # no transaction held across the workflow
    result = await _erase(
        state, lead_erasure_id(lead.id), EraseRequest(lead.workspace_id, [lead.id])
    )
    if result is None:
        return Response(
            ErasureOut.of(None).model_dump_json(by_alias=True),
            status_code=202,
            media_type="application/json",
        )
    return Response(status_code=204)


@router.post(
    "/erasure",
    response_model=ErasureOut,
    **scoped(
        "leads:write", 422, 503, summary="Erase a person from the workspace", accepted=ErasureOut
    ),
)
async def erase_person(
    body: ErasureCreate,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
) -> ErasureOut:
    """Every lead with this address (compared as stored: lower-cased, IDNA-decoded) in
    every campaign of the workspace is erased as `DELETE /leads/{id}` erases one, and so
    are the replies from the address that matched no lead; its suppression entry becomes
    a hashed entry (the address stays suppressed, unnamed). Answers 200 with the
    `counts` once done, 202 `{"status": "erasing", "counts": null}` while it runs (the
    same request again joins it). An address the workspace does not know is 200 with zero
    counts. A value that is not an address is 422 `invalid_email`; a missing or ill-typed
    `email` is 400."""
    email = check_email(body.email)
    req = await erasure_store.resolve_address(session, principal.workspace_id, email)
    await session.commit()
    if not (req.lead_ids or req.reply_ids or req.suppression_ids):
        return ErasureOut.of(ErasureResult(ErasureCounts()))
    result = await _erase(state, address_erasure_id(principal.workspace_id, email), req)
    if result is None:
        response.status_code = 202
    return ErasureOut.of(result)

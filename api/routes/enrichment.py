"""`POST /leads/{id}/enrich`: start the lead's enrichment (rate-limited: Lead enrichment).
The work is EnrichLeadWorkflow's; the answer is 202 at once, and `GET /leads/{id}` shows
`enrichment` as it stands."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Body, Response
from fastapi.responses import JSONResponse
from temporalio.service import RPCError

from api.deps import Principal, SessionDep, StateDep, get_owned, require
from api.docs import scoped
from api.errors import APIError, temporal_unavailable
from api.limits import give_back, take_slot
from outreach.enrichment import runs, service
from outreach.enrichment.contracts import EnrichRequest
from outreach.enrichment.schemas import EnrichAccepted, EnrichIn
from outreach.enrichment.status import EnrichmentStatus
from outreach.models import Lead, utcnow
from outreach.ratelimit.limits import RateAction
from outreach.schemas import dump
from outreach.scopes import Scope

router = APIRouter(tags=["leads"])
log = logging.getLogger("outreach.api.enrichment")


@router.post(
    "/leads/{lead_id}/enrich",
    response_model=EnrichAccepted,
    status_code=202,
    **scoped(
        "leads:write",
        404,
        422,
        429,
        503,
        summary="Enrich a lead: its address's deliverability and its company "
        "(rate-limited: Lead enrichment)",
    ),
)
async def enrich_lead(
    lead_id: str,
    session: SessionDep,
    state: StateDep,
    response: Response,
    principal: Annotated[Principal, require(Scope.LEADS_WRITE)],
    body: Annotated[EnrichIn | None, Body()] = None,
) -> JSONResponse:
    """Starts EnrichLeadWorkflow and answers 202 with its run at once. It checks the
    address (syntax; the domain's MX, null MX, address records or NXDOMAIN; disposable,
    role and free-mail domains → `deliverable | risky | undeliverable | unknown` with
    reasons) and reads the company's site (`website`, else the email's domain unless it is
    free mail), honouring robots.txt: name, description, OpenGraph, JSON-LD Organization,
    social links, language. With a model configured, a summary and a one-line opener.
    `GET /leads/{id}` shows the result as `enrichment`; templates can use
    `{{companyName}}`, `{{companyDescription}}`, `{{companyWebsite}}`,
    `{{companySummary}}` and `{{opener}}`. 422 `invalid_website` for a URL that cannot
    be fetched. Limited per workspace to 30 a minute, 200 an hour, 1,000 a day (429 with
    `Retry-After`); every answer carries `X-RateLimit-*` for the tightest window."""
    lead = await get_owned(session, Lead, lead_id, principal)
    website = body.website if body is not None else None
    if website is not None:
        website = service.check_website(
            website.strip(), state.settings.webhook_allow_private_targets
        )
    slot = await take_slot(session, state, principal, RateAction.LEAD_ENRICHMENT, response)
    previous = lead.enrichment
    lead.enrichment = service.pending(previous, utcnow())
    session.add(lead)
    await session.commit()
    try:
        handle = await runs.start_enrichment(
            await state.temporal(), state.settings, EnrichRequest(lead.id, website)
        )
    except (RPCError, APIError) as exc:
        lead.enrichment = previous
        session.add(lead)
        await give_back(session, slot)  # commits the lead too
        raise temporal_unavailable() from exc
    await session.commit()
    accepted = EnrichAccepted(
        lead_id=lead.id,
        workflow_id=handle.id,
        run_id=handle.result_run_id or handle.first_execution_run_id or "",
        status=EnrichmentStatus.PENDING,
    )
    return JSONResponse(dump(accepted), status_code=202, headers=slot.headers())

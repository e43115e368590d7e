"""The suppression list: addresses and domains that are never mailed.

Additive to the seed: scopes `suppressions:read` and `suppressions:write`. Entries come
from unsubscribe links, opt-out replies and hard bounces (written by the engine), and from
the workspace (`POST /suppressions`, `outreach suppressions import`). Adding an entry stops
the running leads it covers in every campaign (their workflows hear the unsubscribe signal
through the outbox, so nothing is stranded when Temporal is away).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from api.deps import Principal, SessionDep, StateDep, get_owned, require
from api.docs import scoped
from api.errors import bad_request
from api.pagination import Page, page_params
from outreach import outbox
from outreach.contracts import LeadSignal
from outreach.emails import normalise_email
from outreach.leads.runs import signal_lead
from outreach.models import Lead, Suppression
from outreach.scopes import Scope
from outreach.suppressions import service
from outreach.suppressions.schemas import (
    MAX_ENTRIES,
    SuppressionCreate,
    SuppressionCreated,
    SuppressionList,
    SuppressionOut,
)
from outreach.suppressions.status import SuppressionSource

log = logging.getLogger("outreach.api.suppressions")
router = APIRouter(tags=["suppressions"])

# Signals delivered by the request itself after commit; the rest (a domain entry can
# cover thousands of running leads) are delivered by the outbox sweeper. Every lead is
# protected at once either way: each send checks the list.
INLINE_SIGNALS = 100
INLINE_CONCURRENCY = 8


@router.get(
    "/suppressions",
    response_model=SuppressionList,
    **scoped("suppressions:read", summary="List the suppression list"),
)
async def list_suppressions(
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.SUPPRESSIONS_READ)],
    page: Annotated[Page, Depends(page_params)],
    email: Annotated[
        str | None,
        Query(
            max_length=320,
            description="The entries that suppress this address (its own and its domain's)",
        ),
    ] = None,
    domain: Annotated[str | None, Query(max_length=255, description="The domain's entry")] = None,
    source: Annotated[SuppressionSource | None, Query()] = None,
) -> dict:
    """Newest first."""
    stmt = select(Suppression).where(Suppression.workspace_id == principal.workspace_id)
    if email is not None:
        try:
            stmt = stmt.where(service.covering(principal.workspace_id, normalise_email(email)))
        except ValueError as exc:
            raise bad_request(f"email: {exc}", "invalid_email") from exc
    if domain is not None:
        try:
            stmt = stmt.where(col(Suppression.domain) == service.normalise_domain(domain))
        except ValueError as exc:
            raise bad_request(f"domain: {exc}", "invalid_domain") from exc
    if source is not None:
        stmt = stmt.where(Suppression.source == source)
    rows = list((await session.exec(page.apply(stmt, Suppression))).all())
    return page.result(rows, SuppressionOut.of)


@router.post(
    "/suppressions",
    response_model=SuppressionCreated,
    response_model_exclude_none=True,  # each result has `id` or `reason`
    **scoped("suppressions:write", summary="Add addresses and domains to the suppression list"),
)
async def add_suppressions(
    body: SuppressionCreate,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.SUPPRESSIONS_WRITE)],
) -> SuppressionCreated:
    """Up to 1,000 entries in all (`emails` and `domains` together; more is 400).
    One result per entry, `index` counting `emails` first, then `domains`: `added`,
    `existing` (already on the list, or repeated in this payload) or `invalid` (with the
    `reason`). A domain suppresses every address at exactly that domain (not its
    subdomains). Every running lead an added entry covers, in every campaign, ends
    `unsubscribed` (status reason `suppression list: <entry> (<reason>)`) and fires
    `lead.unsubscribed` once; its next step is never sent."""
    if len(body.emails) + len(body.domains) > MAX_ENTRIES:
        raise bad_request(
            f"At most {MAX_ENTRIES} entries per call (emails and domains together); "
            f"got {len(body.emails) + len(body.domains)}.",
            "too_many_entries",
        )
    if not body.emails and not body.domains:
        raise bad_request("Give at least one of `emails` or `domains`.", "no_entries")
    workspace_id = principal.workspace_id
    for attempt in (1, 2):
        try:
            added = await service.add(session, workspace_id, body)
            stopping = await service.stop_covered(
                session, workspace_id, added, added.reason, INLINE_SIGNALS
            )
            await session.commit()
            break
        except IntegrityError:  # a concurrent call added one of these values first
            await session.rollback()
            if attempt == 2:
                raise
    if stopping.capped:
        log.warning(
            "suppression list: %s running leads of %s signalled (the cap); the others end "
            "at their next send",
            stopping.signalled,
            workspace_id,
        )
    elif stopping.signalled:
        log.info(
            "suppression list: stopping %s running lead(s) of %s", stopping.signalled, workspace_id
        )
    await _deliver(session, state, stopping.first)
    return added.answer


async def _deliver(session: SessionDep, state: StateDep, leads: list[tuple[Lead, str]]) -> None:
    """Signal the first leads now; what is not delivered stays in the outbox."""
    if not leads:
        return
    try:
        client = await state.temporal()
    except Exception as exc:  # noqa: BLE001 - the outbox delivers them later
        log.warning("suppression list: Temporal unreachable, the outbox delivers: %s", exc)
        return
    gate = asyncio.Semaphore(INLINE_CONCURRENCY)
    delivered: list[str] = []

    async def one(lead: Lead, arg: str) -> None:
        async with gate:
            try:
                await signal_lead(client, state.settings, lead, LeadSignal.UNSUBSCRIBE, arg)
            except Exception as exc:  # noqa: BLE001 - the outbox delivers it later
                log.warning("lead %s: unsubscribe left to the outbox: %s", lead.id, exc)
                return
            delivered.append(outbox.signal_key(lead.id, LeadSignal.UNSUBSCRIBE))

    await asyncio.gather(*(one(lead, arg) for lead, arg in leads))
    for key in delivered:
        await outbox.delivered(session, key)


@router.delete(
    "/suppressions/{suppression_id}",
    status_code=204,
    **scoped("suppressions:write", 404, summary="Remove an entry from the suppression list"),
)
async def delete_suppression(
    suppression_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.SUPPRESSIONS_WRITE)],
) -> Response:
    """The address (or domain) may be mailed again by leads created from now on; leads the
    entry already ended stay ended."""
    entry = await get_owned(session, Suppression, suppression_id, principal)
    await session.delete(entry)
    await session.commit()
    return Response(status_code=204)

"""The suppression list's rules: normalising entries, the one check every path makes
(an address is suppressed when its own entry or its domain's entry exists), adding entries
and stopping the running leads they cover.

Every check (lead creation, each send, each answer to a reply) asks `covering` or joins
on the same two conditions: `Suppression.email == <address>` or
`Suppression.domain == <the part after its @>`. Both are equality lookups on a unique
index, so a domain entry costs the send path one more index probe, never a scan.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from outreach import outbox
from outreach.contracts import LeadSignal
from outreach.emails import normalise_email
from outreach.ids import new_id
from outreach.leads.erasure import email_hash
from outreach.leads.status import OPEN
from outreach.models import Lead, OutboxItem, Suppression
from outreach.suppressions.schemas import (
    MAX_REASON,
    SuppressionCounts,
    SuppressionCreate,
    SuppressionCreated,
    SuppressionResult,
)
from outreach.suppressions.status import (
    SOURCE_OF_REASON,
    SuppressionReason,
    SuppressionSource,
)

STOP_BATCH = 500  # running leads read (and outbox rows written) per round trip
# At most this many leads get their unsubscribe signal from one request (about 1 ms each:
# add_lead_signal looks up a pending row per lead). Leads past it are still never mailed:
# their next send finds the entry and ends them `unsubscribed` (one `lead.unsubscribed`).
MAX_STOPPED = 5000
# The signal argument of a lead stopped by the list: its status reason and the reason of
# its `lead.unsubscribed` event. The lead's transition sees the prefix and adds no entry
# of its own (the list already covers the address; deleting a domain entry must not leave
# per-address entries behind that nobody asked for).
STOP_PREFIX = "suppression list"


# -- normalising --------------------------------------------------------------------------


def normalise_domain(value: str) -> str:
    """`Acme.COM`, `@acme.com`, `xn--bcher-kva.de` -> the form addresses are stored with
    (lower-cased, IDNA-decoded). ValueError with the reason when it is not a domain."""
    if not isinstance(value, str):
        raise ValueError("not a domain")
    text = value.strip().removeprefix("@")
    if not text or "@" in text or len(text) > 253:
        raise ValueError("not a domain")
    try:
        return domain_of(normalise_email("x@" + text))
    except ValueError as exc:
        raise ValueError(str(exc).replace("The part after the @-sign", "The domain")) from exc


def domain_of(email: str) -> str:
    """The domain of a normalised address (the part after its @)."""
    return email.rsplit("@", 1)[-1]


class email_domain(FunctionElement[str]):
    """SQL: the part of an address column after its @ (normalised addresses have one @:
    quoted local parts are refused). SQLite `substr(instr())`, PostgreSQL `split_part`."""

    type = sa.String()
    name = "email_domain"
    inherit_cache = True


@compiles(email_domain)
def _email_domain_default(element: email_domain, compiler: SQLCompiler, **kw: Any) -> str:
    arg = compiler.process(next(iter(element.clauses)), **kw)
    return f"substr({arg}, instr({arg}, '@') + 1)"


@compiles(email_domain, "postgresql")
def _email_domain_postgresql(element: email_domain, compiler: SQLCompiler, **kw: Any) -> str:
    arg = compiler.process(next(iter(element.clauses)), **kw)
    return f"split_part({arg}, '@', 2)"


# -- the check ----------------------------------------------------------------------------


def covering(workspace_id: str, email: str) -> Any:
    """WHERE clause: the entries that suppress this (normalised) address: its own, its
    hashed one (an erased person's) and its domain's."""
    return sa.and_(
        col(Suppression.workspace_id) == workspace_id,
        or_(
            col(Suppression.email) == email,
            col(Suppression.email_hash) == email_hash(email),
            col(Suppression.domain) == domain_of(email),
        ),
    )


async def find(session: AsyncSession, workspace_id: str, email: str) -> Suppression | None:
    """The entry that suppresses the address: its own (plain or hashed) first, else its
    domain's."""
    rows = (await session.exec(select(Suppression).where(covering(workspace_id, email)))).all()
    return min(rows, key=lambda r: r.domain is not None, default=None)


def lead_status_reason(reason: str) -> str:
    """`suppressed (<reason>)`, within the lead's 200 characters."""
    return f"suppressed ({reason[:186]})"


# -- entries the engine writes ------------------------------------------------------------


async def suppress(
    session: AsyncSession,
    workspace_id: str,
    email: str,
    reason: str,
    lead_id: str | None = None,
    source: SuppressionSource | None = None,
) -> None:
    """Add the address (joins the caller's transaction). An unsubscribe is the strongest
    reason: it replaces an earlier entry's reason and source (a bounce's, or the
    workspace's own: the person's own opt-out must outlive a DELETE of that entry);
    nothing replaces it."""
    source = source or SOURCE_OF_REASON.get(reason, SuppressionSource.MANUAL)
    existing = (
        await session.exec(
            select(Suppression).where(
                Suppression.workspace_id == workspace_id,
                or_(
                    col(Suppression.email) == email,
                    col(Suppression.email_hash) == email_hash(email),
                ),
            )
        )
    ).first()
    if existing is None:
        try:
            async with session.begin_nested():
                session.add(
                    Suppression(
                        id=new_id("sup"),
                        workspace_id=workspace_id,
                        email=email,
                        reason=reason,
                        source=source,
                        lead_id=lead_id,
                    )
                )
        except IntegrityError:  # written by a concurrent request first
            pass
    elif reason == SuppressionReason.UNSUBSCRIBED and existing.reason != reason:
        existing.reason, existing.source = reason, source
        session.add(existing)


# -- entries a workspace adds -------------------------------------------------------------


@dataclass
class Added:
    """What `add` did: the answer, and what was added (to stop the leads they cover)."""

    answer: SuppressionCreated
    reason: str
    emails: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)


def _normalised(
    values: Sequence[str], norm: Any, offset: int
) -> list[tuple[int, str, str | None, str | None]]:
    """(index, value as sent, normalised or None, why not)."""
    out: list[tuple[int, str, str | None, str | None]] = []
    for i, value in enumerate(values):
        try:
            out.append((offset + i, value, norm(value), None))
        except ValueError as exc:
            out.append((offset + i, value, None, str(exc)[:200] or "invalid"))
    return out


async def add(session: AsyncSession, workspace_id: str, body: SuppressionCreate) -> Added:
    """Write the new entries (in the caller's transaction, not committed). Values already
    on the list, or repeated in the payload, are `existing` and keep their entry."""
    reason = (body.reason or "").strip() or SuppressionReason.MANUAL
    reason = reason[:MAX_REASON]
    source = SuppressionSource(body.source)
    rows = _normalised(body.emails, normalise_email, 0) + _normalised(
        body.domains, normalise_domain, len(body.emails)
    )
    n_emails = len(body.emails)
    wanted_emails = {v for i, _, v, _ in rows if v is not None and i < n_emails}
    wanted_domains = {v for i, _, v, _ in rows if v is not None and i >= n_emails}
    known: dict[tuple[str, str], str] = {}
    if wanted_emails:
        for sid, email in (
            await session.exec(
                select(Suppression.id, Suppression.email).where(
                    Suppression.workspace_id == workspace_id,
                    col(Suppression.email).in_(wanted_emails),
                )
            )
        ).all():
            known["email", str(email)] = sid
        hashes = {email_hash(e): e for e in wanted_emails}
        for sid, hashed in (
            await session.exec(
                select(Suppression.id, Suppression.email_hash).where(
                    Suppression.workspace_id == workspace_id,
                    col(Suppression.email_hash).in_(hashes),
                )
            )
        ).all():
            known["email", hashes[str(hashed)]] = sid  # an erased person's entry
    if wanted_domains:
        for sid, domain in (
            await session.exec(
                select(Suppression.id, Suppression.domain).where(
                    Suppression.workspace_id == workspace_id,
                    col(Suppression.domain).in_(wanted_domains),
                )
            )
        ).all():
            known["domain", str(domain)] = sid
    added = Added(
        SuppressionCreated(counts=SuppressionCounts(added=0, existing=0, invalid=0), results=[]),
        reason,
    )
    counts, results = added.answer.counts, added.answer.results
    new_rows: list[Suppression] = []
    for index, value, norm, why in rows:
        if norm is None:
            counts.invalid += 1
            results.append(
                SuppressionResult(index=index, value=value, status="invalid", reason=why)
            )
            continue
        kind = "email" if index < n_emails else "domain"
        if (kind, norm) in known:
            counts.existing += 1
            results.append(
                SuppressionResult(index=index, value=norm, status="existing", id=known[kind, norm])
            )
            continue
        row = Suppression(
            id=new_id("sup"),
            workspace_id=workspace_id,
            email=norm if kind == "email" else None,
            domain=norm if kind == "domain" else None,
            reason=reason,
            source=source,
        )
        known[kind, norm] = row.id
        new_rows.append(row)
        (added.emails if kind == "email" else added.domains).append(norm)
        counts.added += 1
        results.append(SuppressionResult(index=index, value=norm, status="added", id=row.id))
    session.add_all(new_rows)
    await session.flush()  # a concurrent request adding the same value: IntegrityError
    for row in new_rows:
        session.expunge(row)
    return added


def stop_reason(entry: str, reason: str) -> str:
    return f"{STOP_PREFIX}: {entry} ({reason})"[:200]


def stopped_by_list(reason: str | None) -> bool:
    """The lead's unsubscribe came from the list (it adds no entry of its own)."""
    return bool(reason) and str(reason).startswith(STOP_PREFIX)


async def _running(
    session: AsyncSession, workspace_id: str, where: Any
) -> AsyncIterator[list[Lead]]:
    """The workspace's open leads matching `where`, `STOP_BATCH` at a time (keyset on id)."""
    after = ""
    while True:
        batch = list(
            (
                await session.exec(
                    select(Lead)
                    .where(
                        Lead.workspace_id == workspace_id,
                        col(Lead.status).in_(OPEN),
                        col(Lead.id) > after,
                        where,
                    )
                    .order_by(col(Lead.id))
                    .limit(STOP_BATCH)
                )
            ).all()
        )
        if not batch:
            return
        yield batch
        after = batch[-1].id
        if len(batch) < STOP_BATCH:
            return


def _chunks(values: Sequence[str], size: int = STOP_BATCH) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class Stopping:
    signalled: int  # outbox rows written (a lead covered twice counts twice)
    capped: bool  # MAX_STOPPED reached: the rest end at their next send
    first: list[tuple[Lead, str]]  # (lead, signal argument) to deliver after commit


async def stop_covered(
    session: AsyncSession, workspace_id: str, added: Added, reason: str, keep: int
) -> Stopping:
    """Write an unsubscribe signal into the outbox (same transaction, not committed) for
    the open leads of the workspace that the new entries cover, in every campaign: at most
    `MAX_STOPPED`, read and written `STOP_BATCH` at a time (never more in memory). The
    first `keep` of them are returned for the caller to deliver at once after commit."""
    total, seen = 0, set[str]()
    first: list[tuple[Lead, str]] = []
    conditions: list[tuple[Any, Any]] = [
        (col(Lead.email).in_(chunk), None) for chunk in _chunks(added.emails)
    ] + [(email_domain(col(Lead.email)).in_(chunk), chunk) for chunk in _chunks(added.domains)]
    for where, domains in conditions:
        async for batch in _running(session, workspace_id, where):
            if total >= MAX_STOPPED:
                return Stopping(total, True, first)
            for lead in batch[: MAX_STOPPED - total]:
                entry = domain_of(lead.email) if domains is not None else lead.email
                arg = stop_reason(entry, reason)
                await outbox.add_lead_signal(session, lead, LeadSignal.UNSUBSCRIBE, arg)
                if lead.id in seen:
                    continue
                total += 1
                if len(first) < keep:
                    seen.add(lead.id)
                    first.append((lead, arg))
            await session.flush()
            # Keep the session's identity map as small as one batch.
            for obj in list(session.identity_map.values()):
                if isinstance(obj, Lead | OutboxItem):
                    session.expunge(obj)
    return Stopping(total, False, first)

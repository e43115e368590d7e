"""Bulk enrolment (`POST /leads/bulk`): up to 1,000 leads for one campaign in one call.

Each row is judged on its own (one bad row never fails the call): `invalid` (a field or a
rule refused, with the reason), `duplicate_in_payload` (the same address, lower-cased, as
an earlier row), `existing` (the campaign has it: its lead id), `suppressed` (the address
or its domain is on the workspace's suppression list: reported, not enrolled), or
`created`. Every new lead, its `lead.created` event and its outbox row (its workflow must
start) are written in ONE transaction; the workflows are started after the commit with
bounded concurrency, and any start that fails or never happens (the API dies, Temporal is
away) is made by the outbox sweeper (outreach/outbox.py), so no lead is left without its
workflow.

An `Idempotency-Key` makes the call safe to retry: the same key with the same body answers
the stored result for 24 hours; the same key with another body is refused (422).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from outreach import outbox
from outreach.campaigns.service import load_steps
from outreach.campaigns.status import CampaignStatus
from outreach.config import Settings
from outreach.contracts import Plan
from outreach.db import Database
from outreach.errors import RuleBroken
from outreach.events import publish_events, record_event
from outreach.ids import new_id
from outreach.leads.erasure import email_hash
from outreach.leads.plans import plan_from
from outreach.leads.runs import start_lead_workflow
from outreach.leads.schemas import LeadFields
from outreach.leads.service import check_email, check_fields, check_rendered, check_timezone
from outreach.leads.status import BulkRowStatus as RowStatus
from outreach.leads.status import LeadSource, LeadStatus
from outreach.models import Campaign, IdempotencyRecord, Lead, OutboxItem, Suppression, utcnow
from outreach.payloads import lead_payload
from outreach.suppressions.service import domain_of

log = logging.getLogger("outreach.leads.bulk")

MAX_ROWS = 1_000
IN_CHUNK = 500  # addresses per IN (...) lookup
START_CONCURRENCY = 8  # workflow starts in flight after the commit
IDEMPOTENCY_TTL = timedelta(hours=24)


COUNT_NAMES = {
    RowStatus.CREATED: "created",
    RowStatus.EXISTING: "existing",
    RowStatus.SUPPRESSED: "suppressed",
    RowStatus.INVALID: "invalid",
    RowStatus.DUPLICATE_IN_PAYLOAD: "duplicateInPayload",
}


@dataclass
class Row:
    index: int
    status: RowStatus | None = None
    lead_id: str | None = None
    reason: str | None = None
    body: LeadFields | None = None
    email: str | None = None

    def out(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "status": self.status}
        if self.lead_id is not None:
            out["leadId"] = self.lead_id
        if self.reason is not None:
            out["reason"] = self.reason
        return out


@dataclass
class BulkResult:
    body: dict[str, Any]  # the answer (counts and results)
    new: list[tuple[Lead, str, Plan]] = field(default_factory=list)  # (lead, event id, plan)


def request_hash(campaign_id: str, rows: list[Any]) -> str:
    canonical = json.dumps({"campaignId": campaign_id, "leads": rows}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def replay(
    session: AsyncSession, workspace_id: str, key: str, digest: str
) -> dict[str, Any] | None:
    """The stored answer of an earlier call with this key (None: none within 24 h);
    RuleBroken when that call had another body."""
    record = await session.get(IdempotencyRecord, (workspace_id, key))
    if record is None or record.created_at < utcnow() - IDEMPOTENCY_TTL:
        return None
    if record.request_hash != digest:
        raise RuleBroken(
            "This Idempotency-Key was used with another body in the last 24 hours; use a new "
            "key for a new request.",
            "idempotency_key_reused",
        )
    stored: dict[str, Any] = record.response
    return stored


def _judge(index: int, raw: Any, seen: dict[str, int]) -> Row:
    row = Row(index)
    try:
        body = LeadFields.model_validate(raw)
        email = check_email(body.email)
        check_timezone(body.timezone)
        check_fields(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "row"
        row.status, row.reason = RowStatus.INVALID, f"{where}: {first.get('msg')}"[:300]
        return row
    except RuleBroken as exc:
        row.status, row.reason = RowStatus.INVALID, exc.message[:300]
        return row
    if email in seen:
        row.status = RowStatus.DUPLICATE_IN_PAYLOAD
        row.reason = f"the same address as row {seen[email]}"
        return row
    seen[email] = index
    row.body, row.email = body, email
    return row


async def _existing(session: AsyncSession, campaign_id: str, emails: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for i in range(0, len(emails), IN_CHUNK):
        chunk = emails[i : i + IN_CHUNK]
        rows = await session.exec(
            select(Lead.email, Lead.id).where(
                Lead.campaign_id == campaign_id, col(Lead.email).in_(chunk)
            )
        )
        found.update(dict(rows.all()))
    return found


async def _suppressed(session: AsyncSession, workspace_id: str, emails: list[str]) -> set[str]:
    """The addresses among `emails` that the list suppresses (their own entry or their
    domain's)."""
    out: set[str] = set()
    for i in range(0, len(emails), IN_CHUNK):
        chunk = emails[i : i + IN_CHUNK]
        domains = sorted({domain_of(e) for e in chunk})
        hashes = {email_hash(e): e for e in chunk}  # an erased person's entry
        rows = (
            await session.exec(
                select(Suppression.email, Suppression.domain, Suppression.email_hash).where(
                    Suppression.workspace_id == workspace_id,
                    or_(
                        col(Suppression.email).in_(chunk),
                        col(Suppression.email_hash).in_(hashes),
                        col(Suppression.domain).in_(domains),
                    ),
                )
            )
        ).all()
        emails_hit = {e for e, _, _ in rows if e} | {hashes[h] for _, _, h in rows if h}
        domains_hit = {d for _, d, _ in rows if d}
        out |= {e for e in chunk if e in emails_hit or domain_of(e) in domains_hit}
    return out


async def enrol_many(
    session: AsyncSession,
    campaign: Campaign,
    raw_rows: list[Any],
    idempotency: tuple[str, str] | None = None,
    source: LeadSource = LeadSource.BULK,
) -> BulkResult:
    """Judge every row, write the new leads (one transaction, with the idempotency record
    when a key was given) and return the answer. The caller starts the workflows."""
    if campaign.status == CampaignStatus.ARCHIVED:
        raise RuleBroken("The campaign is archived; it takes no new leads.", "campaign_archived")
    seen: dict[str, int] = {}
    rows = [_judge(i, raw, seen) for i, raw in enumerate(raw_rows)]
    open_rows = [r for r in rows if r.status is None]
    emails = [r.email for r in open_rows if r.email]
    existing = await _existing(session, campaign.id, emails)
    suppressed = await _suppressed(session, campaign.workspace_id, emails)
    steps = await load_steps(session, campaign.id)
    now = utcnow()
    result = BulkResult(body={})
    for row in open_rows:
        assert row.body is not None and row.email is not None
        if row.email in existing:
            row.status, row.lead_id = RowStatus.EXISTING, existing[row.email]
            continue
        if row.email in suppressed:
            row.status, row.reason = RowStatus.SUPPRESSED, "on the suppression list"
            continue
        lead = Lead(
            id=new_id("lead"),
            workspace_id=campaign.workspace_id,
            campaign_id=campaign.id,
            email=row.email,
            first_name=row.body.first_name,
            last_name=row.body.last_name,
            company=row.body.company,
            role=row.body.role,
            linkedin_url=row.body.linkedin_url,
            timezone=row.body.timezone,
            custom_fields=dict(row.body.custom_fields),
            source=source,
            status=LeadStatus.QUEUED,
            created_at=now,
            updated_at=now,
        )
        try:
            check_rendered(lead, campaign, steps)
        except RuleBroken as exc:
            row.status, row.reason = RowStatus.INVALID, exc.message[:300]
            continue
        session.add(lead)
        event_id = await record_event(
            session,
            workspace_id=lead.workspace_id,
            type="lead.created",
            data={"lead": lead_payload(lead)},
            dedupe_key=f"lead.created:{lead.id}",
            at=now,
            new=True,
        )
        outbox.add_lead_start(session, lead)
        row.status, row.lead_id = RowStatus.CREATED, lead.id
        result.new.append((lead, event_id, plan_from(campaign, steps, lead)))
    counts = dict.fromkeys(COUNT_NAMES.values(), 0)
    for row in rows:
        assert row.status is not None
        counts[COUNT_NAMES[row.status]] += 1
    result.body = {"counts": counts, "results": [r.out() for r in rows]}
    if idempotency is not None:
        key, digest = idempotency
        await session.exec(
            delete(IdempotencyRecord).where(
                col(IdempotencyRecord.workspace_id) == campaign.workspace_id,
                col(IdempotencyRecord.key) == key,
            )
        )  # an expired record of this key
        session.add(
            IdempotencyRecord(
                workspace_id=campaign.workspace_id,
                key=key,
                request_hash=digest,
                response=result.body,
                created_at=now,
            )
        )
    await session.commit()
    return result


async def start_all(
    client: Client, settings: Settings, db: Database, new: list[tuple[Lead, str, Plan]]
) -> int:
    """Start the new leads' workflows, a few at a time; the outbox rows of those Temporal
    took go. Returns how many failed to start (the sweeper starts them later)."""
    gate = asyncio.Semaphore(START_CONCURRENCY)
    started: list[str] = []

    async def one(lead: Lead, event_id: str, plan: Plan) -> bool:
        async with gate:
            try:
                if not await start_lead_workflow(client, settings, lead, plan, [event_id]):
                    # A signal got there first (a short run): publish `lead.created` here.
                    await publish_events(db, client, settings.webhook_task_queue, [event_id])
            except Exception as exc:  # noqa: BLE001 - the outbox keeps it; the sweeper starts it
                log.warning("lead %s saved; its workflow starts from the outbox: %s", lead.id, exc)
                return False
            started.append(lead.id)
            return True

    results = await asyncio.gather(*(one(*item) for item in new))
    if started:
        async with db.session() as s:
            for i in range(0, len(started), IN_CHUNK):
                keys = [outbox.start_key(x) for x in started[i : i + IN_CHUNK]]
                await s.exec(delete(OutboxItem).where(col(OutboxItem.dedupe_key).in_(keys)))
            await s.commit()
    return results.count(False)


async def enrol_many_retrying(
    session: AsyncSession,
    campaign: Campaign,
    raw_rows: list[Any],
    idempotency: tuple[str, str] | None = None,
    source: LeadSource = LeadSource.BULK,
) -> BulkResult:
    """`enrol_many`, once more when a concurrent call wrote one of the same leads (or the
    same idempotency key) first: the second pass sees its rows."""
    try:
        return await enrol_many(session, campaign, raw_rows, idempotency, source)
    except IntegrityError:
        await session.rollback()
    if idempotency is not None:
        stored = await replay(session, campaign.workspace_id, *idempotency)
        if stored is not None:
            return BulkResult(body=stored)
    return await enrol_many(session, campaign, raw_rows, idempotency, source)

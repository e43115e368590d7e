"""Erasure in the database: resolving `POST /erasure`'s address into ids (the API), and
deleting every row that names the erased leads in one transaction (the erasure workflow's
activity). The rules are in `outreach.leads.erasure`.

Locking: `erase` first locks the leads' rows (and the replies'), then deletes. Every
activity that writes about a lead holds its row the same way (`hold_lead`) in the
transaction that writes, so the two are ordered: a send that finishes after the erasure
finds no lead and writes nothing (no send row, no event), one that finished before has
its rows deleted with the rest. (A no-op UPDATE: a row lock on PostgreSQL, the write lock
on SQLite, where a transaction begins at its first write.)
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from outreach.events import iso, record_event
from outreach.leads.erasure import (
    LEAD_DELETED,
    ErasedRows,
    EraseRequest,
    ErasureCounts,
    email_hash,
    executions_of,
    hash_entry,
)
from outreach.models import (
    ChannelTouch,
    DiscoveryRun,
    Event,
    IdempotencyRecord,
    Lead,
    OutboxItem,
    Reply,
    ReplyDraft,
    ReplyRaw,
    Send,
    Suppression,
    WebhookAttempt,
    WebhookDelivery,
    utcnow,
)
from outreach.suppressions.status import SuppressionReason

CHUNK = 500  # ids per IN (...)


async def hold_lead(session: AsyncSession, lead_id: str) -> bool:
    """Hold the lead's row for the rest of this transaction; False when it is gone (the
    lead was erased: the caller must write nothing about it)."""
    held = await session.exec(
        update(Lead)
        .where(col(Lead.id) == lead_id)
        .values(updated_at=col(Lead.updated_at))
        .execution_options(synchronize_session=False)
    )
    return held.rowcount == 1


async def resolve_address(session: AsyncSession, workspace_id: str, email: str) -> EraseRequest:
    """`POST /erasure`: the workspace's leads with this (normalised) address in every
    campaign, the replies from it matched to no lead, and its own suppression entry."""
    lead_ids = (
        await session.exec(
            select(Lead.id).where(Lead.workspace_id == workspace_id, Lead.email == email)
        )
    ).all()
    reply_ids = (
        await session.exec(
            select(Reply.id).where(
                Reply.workspace_id == workspace_id,
                col(Reply.lead_id).is_(None),
                or_(col(Reply.from_email) == email, col(Reply.from_email) == email.lower()),
            )
        )
    ).all()
    entries = (
        await session.exec(
            select(Suppression.id).where(
                Suppression.workspace_id == workspace_id, Suppression.email == email
            )
        )
    ).all()
    return EraseRequest(workspace_id, list(lead_ids), list(reply_ids), list(entries))


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


async def _ids(session: AsyncSession, column: Any, where: Any, ids: list[str]) -> list[str]:
    out: list[str] = []
    for chunk in _chunks(ids):
        out += [str(x) for x in (await session.exec(select(column).where(where(chunk)))).all()]
    return list(dict.fromkeys(out))


async def _delete(session: AsyncSession, model: Any, column: Any, ids: list[str]) -> None:
    for chunk in _chunks(ids):
        await session.exec(delete(model).where(col(column).in_(chunk)))


async def erase(session: AsyncSession, req: EraseRequest) -> ErasedRows:
    """Delete every row naming the requested leads and replies, hash the address entries
    of addresses no lead uses any more, record one `lead.deleted` per lead; not
    committed. Idempotent: what is gone already is skipped."""
    ws = req.workspace_id
    now = utcnow()
    # 1. Lock first (see the module's docstring): the leads, then the replies.
    for chunk in _chunks(req.lead_ids):
        await session.exec(
            update(Lead)
            .where(col(Lead.id).in_(chunk), col(Lead.workspace_id) == ws)
            .values(updated_at=col(Lead.updated_at))
            .execution_options(synchronize_session=False)
        )
    leads: list[Lead] = []
    for chunk in _chunks(req.lead_ids):
        leads += (
            await session.exec(select(Lead).where(col(Lead.id).in_(chunk), Lead.workspace_id == ws))
        ).all()
    lead_ids = [x.id for x in leads]
    send_ids = await _ids(session, Send.id, lambda c: col(Send.lead_id).in_(c), lead_ids)
    reply_ids = await _ids(
        session,
        Reply.id,
        lambda c: col(Reply.lead_id).in_(c) | col(Reply.send_id).in_(c),
        lead_ids + send_ids,
    )
    reply_ids += await _ids(
        session,
        Reply.id,
        lambda c: col(Reply.id).in_(c) & (col(Reply.workspace_id) == ws),
        req.reply_ids,
    )
    reply_ids = list(dict.fromkeys(reply_ids))
    for chunk in _chunks(reply_ids):
        await session.exec(
            update(Reply)
            .where(col(Reply.id).in_(chunk))
            .values(status=col(Reply.status))
            .execution_options(synchronize_session=False)
        )

    # 2. What depends on them.
    draft_ids = await _ids(
        session, ReplyDraft.id, lambda c: col(ReplyDraft.reply_id).in_(c), reply_ids
    )
    draft_ids += await _ids(
        session, ReplyDraft.id, lambda c: col(ReplyDraft.lead_id).in_(c), lead_ids
    )
    event_ids = await _ids(session, Event.id, lambda c: col(Event.lead_id).in_(c), lead_ids)
    event_ids += await _ids(session, Event.id, lambda c: col(Event.reply_id).in_(c), reply_ids)
    event_ids = list(dict.fromkeys(event_ids))
    deliveries: list[tuple[str, str]] = []
    for chunk in _chunks(event_ids):
        deliveries += [
            (str(i), str(w))
            for i, w in (
                await session.exec(
                    select(WebhookDelivery.id, WebhookDelivery.workflow_id).where(
                        col(WebhookDelivery.event_id).in_(chunk)
                    )
                )
            ).all()
        ]
    delivery_ids = [d for d, _ in deliveries]

    # 3. Delete, children first.
    await _delete(session, WebhookAttempt, WebhookAttempt.delivery_id, delivery_ids)
    await _delete(session, WebhookDelivery, WebhookDelivery.id, delivery_ids)
    await _delete(session, Event, Event.id, event_ids)
    await _delete(session, ReplyDraft, ReplyDraft.id, list(dict.fromkeys(draft_ids)))
    await _delete(session, ReplyRaw, ReplyRaw.reply_id, reply_ids)
    await _delete(session, Reply, Reply.id, reply_ids)
    await _delete(session, Send, Send.lead_id, lead_ids)
    await _delete(session, ChannelTouch, ChannelTouch.lead_id, lead_ids)
    await _delete(session, OutboxItem, OutboxItem.lead_id, lead_ids)
    await _delete(session, Lead, Lead.id, lead_ids)

    # 4. Suppression entries: no lead id left; an address nobody uses any more is hashed.
    for chunk in _chunks(lead_ids):
        await session.exec(
            update(Suppression)
            .where(col(Suppression.workspace_id) == ws, col(Suppression.lead_id).in_(chunk))
            .values(lead_id=None)
            .execution_options(synchronize_session=False)
        )
    to_hash = list(req.suppression_ids)
    for address in sorted({x.email for x in leads}):
        used = (
            await session.exec(
                select(Lead.id).where(Lead.workspace_id == ws, Lead.email == address).limit(1)
            )
        ).first()
        if hash_entry(address_still_used=used is not None):
            to_hash += await _ids(
                session,
                Suppression.id,
                lambda c: (col(Suppression.workspace_id) == ws) & col(Suppression.email).in_(c),
                [address],
            )
    erased = {x.email for x in leads}
    for entry_id in dict.fromkeys(to_hash):
        entry = await session.get(Suppression, entry_id)
        if entry is not None and entry.email:
            erased.add(entry.email)
    hashed = 0
    for entry_id in dict.fromkeys(to_hash):
        hashed += await _hash_entry(session, ws, entry_id)
    await _scrub_idempotency(session, ws, set(lead_ids))
    await _scrub_discovery(session, ws, erased, set(lead_ids))

    # 5. One `lead.deleted` per lead (its data names no person).
    deleted_events = [
        await record_event(
            session,
            workspace_id=ws,
            type=LEAD_DELETED,
            data={"id": lead.id, "campaignId": lead.campaign_id, "deletedAt": iso(now)},
            dedupe_key=f"{LEAD_DELETED}:{lead.id}",
            at=now,
        )
        for lead in leads
    ]
    counts = ErasureCounts(leads=len(leads), replies=len(reply_ids), suppressions_hashed=hashed)
    workflows = executions_of(
        lead_ids, reply_ids, list(dict.fromkeys(draft_ids)), [w for _, w in deliveries]
    )
    return ErasedRows(counts, workflows, deleted_events)


async def _hash_entry(session: AsyncSession, workspace_id: str, entry_id: str) -> int:
    """The address entry becomes a hashed entry (1), or joins the hashed entry the address
    already has (an unsubscribe's reason wins, as in `suppress`)."""
    entry = await session.get(Suppression, entry_id)
    if entry is None or entry.workspace_id != workspace_id or entry.email is None:
        return 0
    digest = email_hash(entry.email)
    twin = (
        await session.exec(
            select(Suppression).where(
                Suppression.workspace_id == workspace_id, Suppression.email_hash == digest
            )
        )
    ).first()
    if twin is not None:
        if entry.reason == SuppressionReason.UNSUBSCRIBED:
            twin.reason, twin.source = entry.reason, entry.source
            session.add(twin)
        await session.delete(entry)
        await session.flush()
        return 1
    entry.email, entry.email_hash, entry.lead_id = None, digest, None
    session.add(entry)
    await session.flush()
    return 1


async def _scrub_idempotency(session: AsyncSession, workspace_id: str, lead_ids: set[str]) -> None:
    """`POST /leads/bulk`'s stored answers (kept a day) name lead ids: the erased ones
    become null (the row's status stays, so a retried import answers the same way)."""
    if not lead_ids:
        return
    records = (
        await session.exec(
            select(IdempotencyRecord).where(IdempotencyRecord.workspace_id == workspace_id)
        )
    ).all()
    for record in records:
        text = json.dumps(record.response)
        if not any(x in text for x in lead_ids):
            continue
        response = json.loads(text)
        for row in response.get("results", []):
            if isinstance(row, dict) and row.get("leadId") in lead_ids:
                row["leadId"] = None
        record.response = response
        session.add(record)


async def _scrub_discovery(
    session: AsyncSession, workspace_id: str, emails: set[str], lead_ids: set[str]
) -> None:
    """Discovery reports name the people they found: an erased address (or lead) leaves
    every run's candidates (the counts stay as they were)."""
    if not emails and not lead_ids:
        return
    runs = (
        await session.exec(select(DiscoveryRun).where(DiscoveryRun.workspace_id == workspace_id))
    ).all()
    for run in runs:
        text = json.dumps(run.candidates)
        if not any(x in text for x in (*emails, *lead_ids)):
            continue
        run.candidates = [
            c
            for c in run.candidates
            if not (
                isinstance(c, dict) and (c.get("email") in emails or c.get("leadId") in lead_ids)
            )
        ]
        session.add(run)

"""Corrected reply labels: stored as feedback for the next training run.

`PATCH /replies/{id}` with `label` calls `correct_label`; `outreach classify export-feedback`
calls `export_rows`. What a correction does to the lead: the reply's label, `needsAction` and
`needsReview` change and the correction is recorded (original label and confidence, the API
key that made it, when). A correction *to* `unsubscribe_request` also suppresses the lead's
address and the sender's (the person asked to stop: no step may go out to them again). Any
other change of the stop/continue decision is recorded only: the lead's workflow already acted
on the first label (a lead stopped by a reply stays stopped; one that continued past an
out-of-office keeps going), and the founder acts on the lead through the leads API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from outreach.classify.models import needs_action
from outreach.ids import new_id
from outreach.models import Lead, Reply, ReplyFeedback
from outreach.suppression import SuppressionReason, SuppressionSource, suppress


async def correct_label(
    session: AsyncSession, reply: Reply, label: str, corrected_by: str | None
) -> ReplyFeedback | None:
    """Apply a person's label to the reply (joins the caller's transaction). The same label
    again on a reply not marked for review changes nothing (None)."""
    if reply.label == label and not reply.needs_review:
        return None
    feedback = ReplyFeedback(
        id=new_id("fb"),
        workspace_id=reply.workspace_id,
        reply_id=reply.id,
        original_label=reply.label,
        original_confidence=reply.confidence,
        label=label,
        corrected_by=corrected_by,
    )
    session.add(feedback)
    reply.label = label
    reply.needs_review = False
    reply.needs_action = needs_action(label)
    session.add(reply)
    if label == "unsubscribe_request":
        lead = await session.get(Lead, reply.lead_id) if reply.lead_id else None
        if lead is not None:
            await suppress(
                session,
                lead.workspace_id,
                lead.email,
                SuppressionReason.UNSUBSCRIBED,
                lead.id,
                SuppressionSource.REPLY,
            )
        if reply.from_email and (lead is None or reply.from_email != lead.email):
            await suppress(
                session,
                reply.workspace_id,
                reply.from_email,
                SuppressionReason.UNSUBSCRIBED,
                lead.id if lead else None,
                SuppressionSource.REPLY,
            )
    return feedback


async def export_rows(
    session: AsyncSession, workspace_id: str | None = None
) -> AsyncIterator[dict[str, Any]]:
    """Corrections in the corpus format (tests/data/corpus/*.jsonl), oldest first; the latest
    correction of a reply wins. Replies deleted since are skipped (their feedback went with
    them)."""
    stmt = (
        select(ReplyFeedback, Reply)
        .join(Reply, col(Reply.id) == col(ReplyFeedback.reply_id))
        .order_by(col(ReplyFeedback.created_at), col(ReplyFeedback.id))
    )
    if workspace_id:
        stmt = stmt.where(ReplyFeedback.workspace_id == workspace_id)
    latest: dict[str, tuple[ReplyFeedback, Reply]] = {}
    for fb, reply in (await session.exec(stmt)).all():
        latest.pop(reply.id, None)
        latest[reply.id] = (fb, reply)
    for fb, reply in latest.values():
        row: dict[str, Any] = {
            "id": f"feedback-{fb.id}",
            "label": fb.label,
            "lang": "",
            "family": f"feedback/{reply.id}",
            "subject": reply.subject or "",
            "from": reply.from_email or "",
            "headers": {str(k): str(v) for k, v in (reply.headers or {}).items()},
            "body": reply.body_text or "",
            "receivedAt": reply.received_at.isoformat().replace("+00:00", "Z"),
            "originalLabel": fb.original_label,
            "correctedAt": fb.created_at.isoformat().replace("+00:00", "Z"),
        }
        if fb.label == "referral":
            row["referralEmail"] = reply.referral_email
        if fb.label == "out_of_office" and reply.return_date:
            row["returnDate"] = reply.return_date.isoformat()
        yield row

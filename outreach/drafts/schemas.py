"""Draft bodies, the reply as `GET /replies/{id}` shows it (with its drafts), and what
`POST /replies/{id}/send` takes."""

from __future__ import annotations

from pydantic import Field, model_validator

from outreach.drafts.status import DraftSource, DraftStatus
from outreach.inbound.schemas import ReplyOut
from outreach.models import Reply, ReplyDraft
from outreach.schemas import In, Out, Timestamp


class DraftOut(Out):
    id: str
    reply_id: str
    lead_id: str | None
    status: DraftStatus
    source: DraftSource
    model: str | None = Field(description="The model that wrote it, or `builtin:<label>`")
    note: str | None = Field(description="Why this source (e.g. the model failed, and how)")
    subject: str | None
    body: str | None
    send_id: str | None
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def from_row(cls, d: ReplyDraft) -> DraftOut:
        return cls(
            id=d.id,
            reply_id=d.reply_id,
            lead_id=d.lead_id,
            status=DraftStatus(d.status),
            source=DraftSource(d.source),
            model=d.model,
            note=d.note,
            subject=d.subject,
            body=d.body,
            send_id=d.send_id,
            created_at=d.created_at,
            updated_at=d.updated_at,
        )


class ReplyDetailOut(ReplyOut):
    drafts: list[DraftOut]

    @classmethod
    def with_drafts(cls, r: Reply, drafts: list[ReplyDraft]) -> ReplyDetailOut:
        base = ReplyOut.from_row(r)
        return cls(**base.model_dump(), drafts=[DraftOut.from_row(d) for d in drafts])


class ReplySendIn(In):
    """Either `draftId` (a ready draft of this reply) or `subject` and `body`."""

    draft_id: str | None = Field(None, max_length=60)
    subject: str | None = Field(None, max_length=998)
    body: str | None = Field(None, max_length=50_000)

    @model_validator(mode="after")
    def _one_form(self) -> ReplySendIn:
        if self.draft_id is not None and (self.subject is not None or self.body is not None):
            raise ValueError("give either draftId, or subject and body, not both")
        if self.draft_id is None and not (self.body or "").strip():
            raise ValueError("give draftId, or a non-empty body (and optionally a subject)")
        return self

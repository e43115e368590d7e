"""What the API, the drafting and reply-send workflows and their activities pass each
other (dataclasses: Temporal's JSON converter carries them)."""

from __future__ import annotations

from dataclasses import dataclass

DRAFT_REPLY_WORKFLOW = "DraftReplyWorkflow"  # id `draft-<draftId>`
REGENERATE_TOUCH_WORKFLOW = "RegenerateTouchWorkflow"  # id `touch-regen-<touchId>-<request>`
REPLY_SEND_WORKFLOW = "ReplySendWorkflow"  # id `reply-send-<draftId>`


def draft_workflow_id(draft_id: str) -> str:
    return f"draft-{draft_id}"


def regenerate_workflow_id(touch_id: str, request: str) -> str:
    """One run per request (`request`: a random token of that request)."""
    return f"touch-regen-{touch_id}-{request}"


def reply_send_workflow_id(draft_id: str) -> str:
    return f"reply-send-{draft_id}"


@dataclass
class BuiltinRequest:
    draft_id: str
    note: str | None = None  # why the built-in answer (the model's failure), if any


@dataclass
class DraftDone:
    draft_id: str
    status: str  # a DraftStatus
    source: str | None = None  # a DraftSource
    model_off: bool = False  # no model configured: nothing was written


@dataclass
class RegenerateRequest:
    touch_id: str
    variant: int  # the wording wanted: the touch's current variant + 1
    note: str | None = None


@dataclass
class RegenerateDone:
    touch_id: str
    changed: bool
    reason: str | None = None  # why the text stayed as it was
    model_off: bool = False  # no model configured: nothing was tried


@dataclass
class ReplySendRequest:
    draft_id: str
    send_timeout_seconds: int = 70  # one SMTP attempt (from OUTREACH_SMTP_TIMEOUT)


@dataclass
class ReplySendFailed:
    draft_id: str
    error: str  # SMTP's last refusal, in our words


@dataclass
class ReplySendDone:
    send_id: str
    status: str  # a SendStatus

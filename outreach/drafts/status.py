"""What a reply draft can be.

pending -> ready (written: by the model or the built-in answer) -> sent (its send left)
pending -> failed (nothing could be written; `note` says why)
A hand-written answer (`POST /replies/{id}/send` with a body) is a draft too, born ready.
"""

from __future__ import annotations

from enum import StrEnum


class DraftStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    SENT = "sent"
    FAILED = "failed"


class DraftSource(StrEnum):
    MODEL = "model"  # written by the configured model (OUTREACH_LLM_*)
    TEMPLATE = "template"  # the built-in answer for the reply's label
    MANUAL = "manual"  # written by hand and sent with POST /replies/{id}/send

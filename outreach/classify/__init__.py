"""Inbound-reply classifier.

Pipeline: strip quoted history and signatures -> header evidence (RFC 3834 and vendor
auto-reply headers) -> multilingual rule layer (en, de, fr, es, pt, nl) -> optional
OpenAI-compatible model provider (``classify_with_provider``; off unless
``OUTREACH_LLM_BASE_URL`` is set), with the rules as the fallback.
"""

from .mime import html_to_text, reply_text_from_message
from .models import (
    LABELS,
    NEEDS_ACTION_LABELS,
    Classification,
    ReplyText,
    needs_action,
    to_dict,
)
from .provider import LLMSettings, classify_with_provider
from .quoting import strip_quoted
from .rules import classify

__all__ = [
    "LABELS",
    "NEEDS_ACTION_LABELS",
    "Classification",
    "LLMSettings",
    "ReplyText",
    "classify",
    "classify_with_provider",
    "html_to_text",
    "needs_action",
    "reply_text_from_message",
    "strip_quoted",
    "to_dict",
]

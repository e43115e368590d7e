"""Inbound-reply classifier.

Pipeline: strip quoted history and signatures -> header evidence (RFC 3834 and vendor
auto-reply headers) -> multilingual rule layer (en, de, fr, es, pt, nl) -> the packaged
learned model (``model.py``; certain rules override it: explicit opt-outs, header evidence)
-> optional OpenAI-compatible model provider (``classify_with_provider``; off unless
``OUTREACH_LLM_BASE_URL`` is set), with the built-in classifier as the fallback.
``classify`` is the built-in classifier; ``rules.classify`` the rule layer alone.
"""

from .mime import html_to_text, reply_text_from_message
from .model import classify
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

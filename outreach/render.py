"""Template rendering: `{{firstName}}`, `{{ firstName | there }}` (fallback when empty)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(?:\|([^{}]*))?\}\}")
_BRACES = re.compile(r"\{\{|\}\}")


def check_template(text: str) -> None:
    """ValueError if the template has unbalanced or malformed `{{ }}`."""
    if "{{{" in text or "}}}" in text:
        raise ValueError("malformed template variable: use {{name}} or {{name|fallback}}")
    stripped = _VAR.sub("", text)
    stray = _BRACES.search(stripped)
    if stray:
        snippet = stripped[max(0, stray.start() - 15) : stray.end() + 15]
        raise ValueError(f"malformed template variable near '{snippet}'")


def render(text: str | None, variables: Mapping[str, Any]) -> str:
    if not text:
        return ""

    def _sub(m: re.Match[str]) -> str:
        value = variables.get(m.group(1))
        if value is None or (isinstance(value, str) and not value.strip()):
            return (m.group(2) or "").strip()
        return str(value)

    return _VAR.sub(_sub, text)


def lead_variables(
    lead: Any, campaign: Any, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    first, last = lead.first_name or "", lead.last_name or ""
    values: dict[str, Any] = {
        **(lead.custom_fields or {}),
        "firstName": lead.first_name,
        "lastName": lead.last_name,
        "fullName": (first + " " + last).strip() or None,
        "company": lead.company,
        "role": lead.role,
        "email": lead.email,
        "linkedinUrl": lead.linkedin_url,
        "fromName": campaign.from_name,
        "fromEmail": campaign.from_email,
    }
    values.update(extra or {})
    return values


# -- size bounds ---------------------------------------------------------------------------
# A template may not render into something a shared worker cannot afford: a custom value is
# at most CUSTOM_VALUE_CAP characters, and a step whose body could render past
# RENDERED_BODY_CAP (every variable at its longest) is refused when the campaign is saved.

CUSTOM_VALUE_CAP = 1_000
RENDERED_BODY_CAP = 200_000
# The longest each standard variable can be (the API's field limits); anything else is a
# custom field.
VARIABLE_CAPS = {
    "firstName": 200,
    "lastName": 200,
    "fullName": 401,
    "company": 300,
    "role": 200,
    "email": 320,
    "linkedinUrl": 500,
    "fromName": 200,
    "fromEmail": 320,
    "unsubscribeUrl": 600,
}


def longest_render(text: str | None) -> int:
    """The most characters `text` can render to, every variable at its longest."""
    if not text:
        return 0
    total, last = 0, 0
    for m in _VAR.finditer(text):
        total += m.start() - last
        fallback = len((m.group(2) or "").strip())
        total += max(VARIABLE_CAPS.get(m.group(1), CUSTOM_VALUE_CAP), fallback)
        last = m.end()
    return total + len(text) - last

"""The template variables a lead's enrichment gives: `{{companyName}}`,
`{{companyDescription}}`, `{{companyWebsite}}`, `{{companySummary}}`, `{{opener}}`, with the
usual fallbacks (`{{opener|Hi there}}`). Pure and import-light: the renderer uses it."""

from __future__ import annotations

from typing import Any

# Variable -> (where it is in the stored enrichment, its longest value).
VARIABLES: dict[str, tuple[tuple[str, ...], int]] = {
    "companyName": (("company", "name"), 300),
    "companyDescription": (("company", "description"), 1_000),
    "companyWebsite": (("company", "website"), 2_000),
    "companySummary": (("summary",), 600),
    "opener": (("opener",), 300),
}


def template_variables(enrichment: dict[str, Any] | None) -> dict[str, str]:
    """The enrichment's values a template can use (absent ones are left out, so their
    fallbacks apply)."""
    out: dict[str, str] = {}
    for name, (path, cap) in VARIABLES.items():
        value: Any = enrichment or {}
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str) and value.strip():
            out[name] = value.strip()[:cap]
    return out

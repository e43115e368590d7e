"""The model's part of an enrichment: a short summary of the company and a one-line opener
for the lead, written with the configured model (`OUTREACH_LLM_*`, the provider the reply
drafts use: `outreach.drafts.model`). Without a model nothing is written and the fields
stay absent."""

from __future__ import annotations

from typing import Any

from outreach.classify.provider import LLMSettings
from outreach.drafts.model import ModelError, complete, json_object, model_text

MAX_SUMMARY_CHARS = 600
MAX_OPENER_CHARS = 300

PROMPT = """You help a founder write a cold email. From what a company's website says about
itself, write a neutral two-sentence summary of what the company does, and one opening line
for an email to the person named, specific to the company, plain text, no flattery, no
placeholders in brackets, in the language of the website.
Answer with one JSON object only: {"summary": "<summary>", "opener": "<one line>"}"""

__all__ = ["ModelError", "write_summary"]


def _user_prompt(company: dict[str, Any], lead: dict[str, str], pitch: str | None) -> str:
    lines = [f"Pitch: {(pitch or '(none given)')[:2000]}"]
    lines.append("Person: " + (", ".join(f"{k}={v}" for k, v in lead.items() if v) or "(unknown)"))
    for key in ("name", "description", "website", "language"):
        if company.get(key):
            lines.append(f"Company {key}: {str(company[key])[:1000]}")
    org = company.get("organization") or {}
    if org.get("description") and org.get("description") != company.get("description"):
        lines.append(f"Company says: {str(org['description'])[:1000]}")
    return "\n".join(lines)


async def write_summary(
    settings: LLMSettings, company: dict[str, Any], lead: dict[str, str], pitch: str | None
) -> tuple[str, str]:
    """(summary, opener) written by the model, or ModelError."""
    content = await complete(settings, PROMPT, _user_prompt(company, lead, pitch), 300)
    data = json_object(content)
    summary = model_text(data, "summary", MAX_SUMMARY_CHARS)
    opener = model_text(data, "opener", MAX_OPENER_CHARS)
    return summary, " ".join(opener.split())

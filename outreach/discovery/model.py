"""The model's part of a discovery (optional): the web searches an ICP makes, and the roles
it names. The configured model (`OUTREACH_LLM_*`, the reply drafts' provider); without one,
the ICP's keywords make the searches (`rules.keyword_queries`)."""

from __future__ import annotations

from outreach.classify.provider import LLMSettings
from outreach.discovery.rules import MAX_QUERIES
from outreach.drafts.model import ModelError, complete, json_object

__all__ = ["ModelError", "plan_queries"]

PROMPT = """You help find companies that fit an ideal-customer profile (ICP). From the ICP,
write up to three short web-search queries that find such companies' own websites
(industry, product, place; no people's names, no site: operators), and list the job roles
the ICP targets as short lower-case words (e.g. "founder", "marketing", "head").
Answer with one JSON object only: {"queries": ["..."], "roles": ["..."]}"""


def _strings(value: object, cap: int, count: int) -> list[str]:
    if not isinstance(value, list):
        return []
    out = [" ".join(v.split())[:cap] for v in value if isinstance(v, str) and v.strip()]
    return list(dict.fromkeys(out))[:count]


async def plan_queries(settings: LLMSettings, icp: str) -> tuple[list[str], list[str]]:
    """(queries, roles) written by the model, or ModelError."""
    data = json_object(await complete(settings, PROMPT, f"ICP: {icp[:2000]}", 300))
    queries = _strings(data.get("queries"), 200, MAX_QUERIES)
    if not queries:
        raise ModelError("the model wrote no queries")
    return queries, _strings(data.get("roles"), 40, 10)

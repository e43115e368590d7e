"""OpenAPI helpers: every route documents its scope and its error responses."""

from __future__ import annotations

from typing import Any

from api.errors import ERROR_SCHEMA

_ERR = {"content": {"application/json": {"schema": ERROR_SCHEMA}}}
_DESCRIPTIONS = {
    400: "Bad request: malformed JSON, a missing or ill-typed field, an unknown field, "
         "an invalid cursor or limit",
    401: "Missing, invalid or revoked Bearer key (`\"error\": \"Key revoked\"` for revoked)",
    402: "Plan upgrade required: the API needs the Pro plan or higher",
    403: "The key is valid but lacks the scope this endpoint requires",
    404: "Not found, or it belongs to another workspace",
    413: "Request body too large",
    422: "Valid JSON that failed a business rule (see `error`)",
    503: "The workflow engine is unavailable; retry",
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    base = (400, 401, 402, 403) + codes
    return {c: {"description": _DESCRIPTIONS[c], **_ERR} for c in dict.fromkeys(base)}


def scoped(scope: str | None, *codes: int, summary: str | None = None) -> dict[str, Any]:
    """Route decorator kwargs: scope in the description and `x-required-scope`."""
    extra = {"x-required-scope": scope} if scope else {}
    desc = f"**Scope:** `{scope}`" if scope else "**Scope:** none (any valid key)"
    out: dict[str, Any] = {"responses": responses(*codes), "openapi_extra": extra,
                           "description": desc}
    if summary:
        out["summary"] = summary
    return out

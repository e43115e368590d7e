"""OpenAPI helpers: every route documents its scope and its error responses."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi.routing import APIRoute

from api.errors import ERROR_SCHEMA

NO_SCOPE = "none"  # `x-required-scope` of the routes any valid key may call
_ERR = {"content": {"application/json": {"schema": ERROR_SCHEMA}}}
_DESCRIPTIONS = {
    400: "Bad request: malformed JSON, a missing or ill-typed field, an unknown field, "
    "an invalid cursor or limit",
    401: 'Missing, invalid or revoked Bearer key (`"error": "Key revoked"` for revoked)',
    402: "Plan upgrade required: the API needs the Pro plan or higher",
    403: "The key is valid but lacks the scope this endpoint requires",
    404: "Not found, or it belongs to another workspace",
    413: "Request body too large",
    422: "Valid JSON that failed a business rule (see `error`)",
    429: "Rate limited: wait `Retry-After` seconds",
    500: "Unexpected server error; retry with exponential backoff and quote `X-Request-Id`",
    503: "The workflow engine is unavailable; retry",
}


_INT = {"schema": {"type": "integer"}}
RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": {"description": "The window's limit", **_INT},
    "X-RateLimit-Window": {
        "description": "The window: the one that refused (429), else the tightest",
        "schema": {"type": "string", "enum": ["minute", "hour", "day"]},
    },
    "X-RateLimit-Remaining": {"description": "Calls left in that window", **_INT},
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    base = (400, 401, 402, 403) + codes
    out: dict[int | str, dict[str, Any]] = {
        c: {"description": _DESCRIPTIONS[c], **_ERR} for c in dict.fromkeys(base)
    }
    if 429 in out:
        out[429]["headers"] = {
            "Retry-After": {"description": "Seconds to wait before retrying", **_INT},
            **RATE_LIMIT_HEADERS,
        }
    return out


def scope_line(scope: str | None) -> str:
    return f"**Scope:** `{scope}`" if scope else "**Scope:** none (any valid key)"


def scoped(
    scope: str | None, *codes: int, summary: str | None = None, accepted: Any = None
) -> dict[str, Any]:
    """Route decorator kwargs: the scope in the description and as `x-required-scope`
    (`"none"`: any valid key), and the error responses. `accepted`: the body of a 202
    (taken, not finished yet). `finalize_openapi` adds the route's docstring under the
    scope line."""
    documented = responses(*codes)
    if accepted is not None:
        documented[202] = {
            "model": accepted,
            "description": "Accepted, not finished yet: the resource as it stands now",
        }
    if scope:
        documented[403] = {"description": f"The key lacks the scope `{scope}`", **_ERR}
    else:
        documented.pop(403)
    out: dict[str, Any] = {
        "responses": documented,
        "openapi_extra": {"x-required-scope": scope or NO_SCOPE},
        "description": scope_line(scope),
    }
    if summary:
        out["summary"] = summary
    return out


def api_routes(routes: Iterable[Any]) -> Iterator[tuple[str, APIRoute]]:
    """(full path, route) of every APIRoute, also inside included routers (which recent
    FastAPI versions keep as wrappers in `app.routes`)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        for route in routes:
            if isinstance(route, APIRoute):
                yield route.path_format, route
        return
    for context in iter_route_contexts(list(routes)):
        route = context.original_route
        if isinstance(route, APIRoute):
            yield context.path_format or route.path_format, route


def _is_fastapi_422(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref", "").endswith("/HTTPValidationError")


def finalize_openapi(
    schema: dict[str, Any], api_prefix: str, routes: Iterable[Any] = ()
) -> dict[str, Any]:
    """Make the generated document tell the truth about the API:

    - FastAPI's default `422 Validation Error` is dropped: validation errors answer 400 in
      the envelope (422 is only for business rules, documented per route);
    - every API operation gets the bearer scheme, its scope on top of its description
      (followed by the route's docstring), 413 when it takes a body, and 500; every error
      response names the envelope as its body.
    """
    docstrings = {
        (method.lower(), path): inspect.cleandoc(route.endpoint.__doc__)
        for path, route in api_routes(routes)
        if route.endpoint.__doc__
        for method in route.methods or ()
    }
    for path, ops in schema.get("paths", {}).items():
        for method, op in ops.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            if _is_fastapi_422(op["responses"].get("422", {})):
                del op["responses"]["422"]
            if not path.startswith(api_prefix):
                continue
            op["security"] = [{"bearer": []}]
            description = (op.get("description") or "").strip()
            if "x-required-scope" in op and "Scope:" not in description:
                declared = op["x-required-scope"]
                line = scope_line(None if declared == NO_SCOPE else declared)
                description = f"{line}\n\n{description}".strip()
            doc = docstrings.get((method, path))
            if doc and description.startswith("**Scope:**") and "\n" not in description:
                description = f"{description}\n\n{doc}"
            op["description"] = description
            if "requestBody" in op:
                op["responses"].setdefault("413", {"description": _DESCRIPTIONS[413], **_ERR})
            op["responses"].setdefault("500", {"description": _DESCRIPTIONS[500], **_ERR})
            for code, response in op["responses"].items():
                if str(code)[0] in "45" and "content" not in response:
                    response.update(_ERR)  # every error answers in the envelope
    text = str(schema.get("paths", {}))
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        if name in components and f"/{name}'" not in text:
            del components[name]
    return schema

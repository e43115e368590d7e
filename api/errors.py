"""One error type, one envelope: `{"error": "<sentence>", "code": "<machine_code>"}`.

Status codes follow the seed's table: 400 malformed JSON / missing or ill-typed field,
401 auth, 402 plan, 403 scope, 404 not found (also other workspaces' ids), 422 business
rules, 429 rate limits. Unexpected exceptions answer 500 in the envelope; the details go
only to the log, with the request id.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.service import RPCError

from outreach.errors import RuleBroken

log = logging.getLogger("outreach.api")


class APIError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra or {}


def bad_request(message: str, code: str = "bad_request") -> APIError:
    return APIError(400, code, message)


def not_found(what: str) -> APIError:
    return APIError(404, "not_found", f"{what} not found")


def unprocessable(message: str, code: str = "unprocessable") -> APIError:
    return APIError(422, code, message)


def temporal_unavailable() -> APIError:
    return APIError(
        503,
        "temporal_unavailable",
        "The workflow engine is unavailable; retry shortly.",
        headers={"Retry-After": "5"},
    )


def error_body(message: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"error": message, "code": code, **extra}


def error_response(
    status: int, message: str, code: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse(error_body(message, code, **extra), status_code=status, headers=headers)


# Shared OpenAPI description of the envelope, used by every route's `responses=`.
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "code"],
    "properties": {
        "error": {"type": "string", "description": "A human sentence."},
        "code": {"type": "string", "description": "A stable machine code."},
    },
}


def _too_deep(limit: object = None) -> str:
    most = f" (at most {limit} levels)" if limit else ""
    return f"Request body is nested too deeply{most}: send a flat JSON object."


_NOT_AN_OBJECT = ("dict_type", "model_attributes_type", "model_type")


def _describe_validation(exc: RequestValidationError) -> tuple[str, str]:
    errors = exc.errors()
    for err in errors:
        if err.get("type") == "json_invalid":
            return "malformed_json", "Request body is not valid JSON."
        if err.get("type") == "nesting_too_deep":
            return "nesting_too_deep", _too_deep(err.get("ctx", {}).get("limit"))
    for err in errors:
        if tuple(err.get("loc", ())) != ("body",):
            continue
        if err.get("type") == "missing":
            return "invalid_request", (
                "Request body is required: a JSON object sent with "
                "`Content-Type: application/json`."
            )
        if isinstance(err.get("input"), bytes | bytearray):
            # FastAPI parses JSON only when the Content-Type says so.
            return "invalid_content_type", (
                "Send the request body as JSON with `Content-Type: application/json`."
            )
        if err.get("type") in _NOT_AN_OBJECT:
            return "invalid_request", "Request body must be a JSON object."
    parts = []
    for err in errors[:5]:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body",)]
        where = ".".join(loc) if loc else "body"
        kind = err.get("type", "")
        if kind == "missing":
            parts.append(f"missing required field '{where}'")
        elif kind == "extra_forbidden":
            parts.append(f"unknown field '{where}'")
        else:
            msg = str(err.get("msg", "invalid value"))
            parts.append(f"'{where}': {msg}")
    return "invalid_request", "Invalid request: " + "; ".join(parts) + "."


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "rate_limited",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(APIError)
    async def _api_error(request: Request, exc: APIError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.code, exc.headers, **exc.extra)

    @app.exception_handler(RuleBroken)
    async def _rule_broken(request: Request, exc: RuleBroken) -> JSONResponse:
        return error_response(422, exc.message, exc.code)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        code, message = _describe_validation(exc)
        return error_response(400, message, code)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        if exc.status_code == 400 and isinstance(exc.__cause__, RecursionError):
            # The JSON decoder's own depth guard (FastAPI answers "error parsing the body").
            return error_response(400, _too_deep(), "nesting_too_deep")
        if exc.status_code == 404:
            message = "Not found: no such endpoint."
        elif exc.status_code == 405:
            message = f"Method {request.method} is not allowed on this endpoint."
        else:
            message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(exc.status_code, message, code, getattr(exc, "headers", None))

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # The database refused a value the validation let through (PostgreSQL rejects NUL
        # characters in text, numbers out of a column's range): the request's fault, and
        # nothing was written (the session rolls back). Log the driver's reason only: the
        # statement's parameters may hold secrets.
        rid = getattr(request.state, "request_id", None)
        reason = str(getattr(exc, "orig", None) or type(exc).__name__).splitlines()[0][:200]
        log.warning(
            "database refused a value request_id=%s path=%s: %s", rid, request.url.path, reason
        )
        return error_response(
            400,
            "A value in the request cannot be stored or searched (for example it contains "
            "a NUL character or a number out of range).",
            "invalid_value",
        )

    @app.exception_handler(RPCError)
    async def _temporal(request: Request, exc: RPCError) -> JSONResponse:
        # The workflow engine did not answer (down, restarting, overloaded): retryable.
        log.warning(
            "temporal rpc failed path=%s status=%s: %s", request.url.path, exc.status, exc.message
        )
        return error_response(
            503,
            "The workflow engine is unavailable; retry shortly.",
            "temporal_unavailable",
            {"Retry-After": "5"},
        )

    @app.exception_handler(json.JSONDecodeError)
    async def _json(request: Request, exc: json.JSONDecodeError) -> JSONResponse:
        return error_response(400, "Request body is not valid JSON.", "malformed_json")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        rid = getattr(request.state, "request_id", None)
        log.exception("unhandled error request_id=%s path=%s", rid, request.url.path)
        return error_response(
            500,
            "Internal server error. Retry with exponential backoff; if it persists, "
            "contact support with the X-Request-Id of this response.",
            "internal_error",
        )

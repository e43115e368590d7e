"""Pure ASGI middleware: request ids + access log + last-resort 500, and body size caps."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from outreach.logs import bind_request, unbind_request

log = logging.getLogger("outreach.api")
access_log = logging.getLogger("outreach.access")

# Health probes and metric scrapes (api/ops.py serves them).
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]


def _envelope(status: int, message: str, code: str, request_id: str) -> tuple[Message, Message]:
    body = json.dumps({"error": message, "code": code}).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"x-request-id", request_id.encode()),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


def _has_nul(scope: Scope) -> bool:
    query = scope.get("query_string", b"")
    return "\x00" in scope.get("path", "") or b"%00" in query or b"\x00" in query


class RequestContextMiddleware:
    """Echo a sane incoming X-Request-Id or make one; log one line per request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = (
            incoming
            if incoming and _SANE_REQUEST_ID.fullmatch(incoming)
            else "req_" + secrets.token_hex(12)
        )
        scope.setdefault("state", {})["request_id"] = request_id
        log_context = bind_request(request_id)  # request and workspace ids on every record
        started = time.perf_counter()
        status_holder = {"status": 500, "started": False}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"
                ]
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            if _has_nul(scope):
                # No database stores or searches NUL characters (PostgreSQL refuses them).
                status_holder["status"] = 400
                start, body = _envelope(
                    400, "NUL characters are not allowed in URLs.", "invalid_request", request_id
                )
                await send(start)
                await send(body)
                return
            await self.app(scope, receive, send_wrapper)
        except Exception:
            log.exception(
                "unhandled error request_id=%s path=%s",
                request_id,
                _loggable_path(scope.get("path", "")),
            )
            if not status_holder["started"]:
                status_holder["status"] = 500
                start, body = _envelope(
                    500,
                    "Internal server error. Retry with exponential backoff; if it persists, "
                    "contact support with the X-Request-Id of this response.",
                    "internal_error",
                    request_id,
                )
                await send(start)
                await send(body)
        finally:
            # Probes and scrapes come every few seconds: DEBUG, unless they fail.
            quiet = scope.get("path") in QUIET_PATHS and status_holder["status"] < 500
            access_log.log(
                logging.DEBUG if quiet else logging.INFO,
                "%s %s %s %.1fms request_id=%s",
                scope.get("method"),
                _loggable_path(scope.get("path", "")),
                status_holder["status"],
                (time.perf_counter() - started) * 1000,
                request_id,
            )
            unbind_request(log_context)


def _loggable_path(path: str) -> str:
    """Unsubscribe tokens are capabilities (whoever holds one can unsubscribe that lead):
    they never reach the log."""
    return "/u/<token>" if path.startswith("/u/") else path


class BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuse bodies over a limit with 413 before they are read into memory."""

    def __init__(self, app: Any, default_limit: int, limits: dict[str, int] | None = None) -> None:
        self.app = app
        self.default_limit = default_limit
        self.limits = limits or {}

    def _limit_for(self, path: str) -> int:
        for prefix, limit in self.limits.items():
            if path.startswith(prefix):
                return limit
        return self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope.get("path", ""))
        request_id = scope.get("state", {}).get("request_id", "")
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit or declared < 0:
                    await self._reject(send, limit, request_id, receive)
                    return
        seen = 0
        exceeded = False
        replaced = False

        async def limited_receive() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            # Whatever the app answers to a body cut short (FastAPI says 400), the client
            # gets the true reason.
            nonlocal replaced
            if exceeded:
                if message["type"] == "http.response.start" and not replaced:
                    replaced = True
                    await self._reject(send, limit, request_id, None)
                return
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not replaced:
                await self._reject(send, limit, request_id, None)

    async def _reject(self, send: Send, limit: int, request_id: str, receive: Any) -> None:
        start, body = _envelope(
            413,
            f"Request body is too large (limit {limit} bytes).",
            "payload_too_large",
            request_id,
        )
        await send(start)
        await send(body)

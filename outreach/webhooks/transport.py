"""The HTTP POST of one delivery attempt.

Built on httpcore (the transport under httpx) so the connection step can be replaced: every
new connection resolves the host once, refuses it unless all its addresses pass the guard,
and connects to one of exactly those addresses; TLS still verifies the certificate against
the host name. Redirects are never followed, proxies from the environment are never used,
the whole exchange (connect, send, response) has one deadline, and at most 2 KB of the
response body is read.
"""

from __future__ import annotations

import asyncio
import ssl
import time
import typing
from datetime import UTC, datetime

import httpcore

from outreach.netguard import Resolver, TargetRefused, Unresolvable, checked_addresses
from outreach.webhooks import policy
from outreach.webhooks.policy import AttemptResult


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the guard accepted, resolving each host once."""

    def __init__(self, allow_private: bool, resolver: Resolver | None = None) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await checked_addresses(
            host, port, allow_private=self.allow_private, resolver=self.resolver
        )
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(self, *args: typing.Any, **kwargs: typing.Any) -> typing.Any:
        raise TargetRefused("unix sockets are not webhook targets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _text(raw: bytes | str) -> str:
    """Storable text: UTF-8 decoded leniently, without NUL (PostgreSQL refuses it)."""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    return text.replace("\x00", "\ufffd")


def _describe(exc: BaseException) -> str:
    detail = str(exc) or type(exc).__name__
    return _text(f"{type(exc).__name__}: {detail}")[:1000]


class WebhookSender:
    """One per worker process: a connection pool with keep-alive, safe for concurrent use."""

    def __init__(
        self,
        *,
        allow_private: bool,
        timeout: float = policy.ATTEMPT_TIMEOUT_SECONDS,
        resolver: Resolver | None = None,
        max_connections: int = 100,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.timeout = timeout
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context or httpcore.default_ssl_context(),
            max_connections=max_connections,
            keepalive_expiry=15.0,
            network_backend=GuardedBackend(allow_private, resolver),
        )

    async def aclose(self) -> None:
        await self._pool.aclose()

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> AttemptResult:
        started_at = datetime.now(UTC)
        clock = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout):
                status, reply_headers, excerpt = await self._exchange(url, body, headers)
        except (TimeoutError, httpcore.TimeoutException):
            result = AttemptResult(
                policy.RETRY, error=f"Timeout: no complete answer within {self.timeout:g} s"
            )
        except TargetRefused as exc:
            result = AttemptResult(policy.FAILED, error=_text(f"Refused: {exc}"))
        except (Unresolvable, httpcore.NetworkError, httpcore.ProtocolError, OSError) as exc:
            result = AttemptResult(policy.RETRY, error=_describe(exc))
        else:
            outcome, error, retry_after = policy.judge_response(status, reply_headers, started_at)
            result = AttemptResult(
                outcome,
                status_code=status,
                error=error,
                response_body=_text(excerpt),
                retry_after_seconds=retry_after,
                disable_endpoint=status == 410,
            )
        result.started_at = started_at
        result.duration_ms = int((time.perf_counter() - clock) * 1000)
        return result

    async def _exchange(
        self, url: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        t = self.timeout
        async with self._pool.stream(
            "POST",
            url,
            headers=list(headers.items()),
            content=body,
            extensions={"timeout": {"connect": t, "read": t, "write": t, "pool": t}},
        ) as response:
            excerpt = b""
            async for chunk in response.aiter_stream():
                excerpt += chunk
                if len(excerpt) >= policy.RESPONSE_EXCERPT_BYTES:
                    break  # the rest is never read; the connection is closed
            reply_headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in response.headers
            }
            return response.status, reply_headers, excerpt[: policy.RESPONSE_EXCERPT_BYTES]

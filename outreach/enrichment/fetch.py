"""Fetching a page of a company's site on a lead's behalf, through the webhook SSRF guard.

The same connection step as webhook deliveries (`outreach.webhooks.transport.
GuardedBackend`): every connection resolves its host once, is refused unless all its
addresses pass `outreach.netguard`, and goes to one of exactly those addresses (TLS still
verifies the host name). No proxy from the environment. Redirects are followed by hand, at
most MAX_REDIRECTS, each target parsed and guarded like the first; one deadline covers the
whole fetch; a body over MAX_PAGE_BYTES is never read (nor kept).
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

import httpcore

from outreach.enrichment.status import SourceStatus
from outreach.netguard import Resolver, TargetRefused, Unresolvable
from outreach.webhooks.guard import InvalidUrl, parse_url
from outreach.webhooks.transport import GuardedBackend

MAX_PAGE_BYTES = 1_000_000
MAX_ROBOTS_BYTES = 500_000  # RFC 9309 §2.5: at least 500 KiB are read
MAX_REDIRECTS = 5
FETCH_TIMEOUT_SECONDS = 10.0
USER_AGENT = "OutreachEnrichBot/1.0 (lead enrichment; honours robots.txt)"
ROBOTS_AGENT = "OutreachEnrichBot"


class FetchRetry(Exception):
    """A failure worth another try (network error, timeout, 5xx)."""


@dataclass
class Fetched:
    url: str  # the final URL, after redirects
    status: SourceStatus
    http_status: int | None = None
    body: bytes = b""
    content_type: str = ""
    content_language: str = ""
    detail: str | None = None


@lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    """One context for every fetch: building one loads the CA bundle (about 50 ms of CPU on
    the event loop), and a context is safe to share between connections."""
    return httpcore.default_ssl_context()


def _header(headers: list[tuple[bytes, bytes]], name: str) -> str:
    for k, v in headers:
        if k.decode("latin-1").lower() == name:
            return v.decode("latin-1")
    return ""


async def fetch(
    url: str,
    *,
    allow_private: bool,
    timeout: float = FETCH_TIMEOUT_SECONDS,  # noqa: ASYNC109 - one deadline for all hops
    max_bytes: int = MAX_PAGE_BYTES,
    resolver: Resolver | None = None,
) -> Fetched:
    """GET `url`. Outcomes the site decided (refused, 4xx, too large, redirect loop) are
    returned; transient failures (network, timeout, 5xx) raise FetchRetry."""
    pool = httpcore.AsyncConnectionPool(
        ssl_context=_ssl_context(),
        max_connections=4,
        network_backend=GuardedBackend(allow_private, resolver),
    )
    try:
        async with asyncio.timeout(timeout):
            return await _follow(pool, url, timeout, max_bytes)
    except (TimeoutError, httpcore.TimeoutException):
        raise FetchRetry(f"no complete answer from {url} within {timeout:g} s") from None
    except TargetRefused as exc:
        return Fetched(url, SourceStatus.REFUSED, detail=str(exc)[:300])
    except (Unresolvable, httpcore.NetworkError, httpcore.ProtocolError, OSError) as exc:
        raise FetchRetry(f"{type(exc).__name__}: {exc}"[:300]) from None
    finally:
        await pool.aclose()


async def _follow(
    pool: httpcore.AsyncConnectionPool, url: str, seconds: float, max_bytes: int
) -> Fetched:
    t = {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            parse_url(url)
        except InvalidUrl as exc:
            return Fetched(url, SourceStatus.REFUSED, detail=f"URL {exc}")
        headers = [
            (b"User-Agent", USER_AGENT.encode()),
            (b"Accept", b"text/html,application/xhtml+xml,text/plain;q=0.8,*/*;q=0.1"),
            (b"Accept-Encoding", b"identity"),
        ]
        async with pool.stream("GET", url, headers=headers, extensions={"timeout": t}) as resp:
            status = resp.status
            location = _header(resp.headers, "location")
            if status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            if status >= 500:
                raise FetchRetry(f"{url} answered HTTP {status}")
            ctype = _header(resp.headers, "content-type")
            lang = _header(resp.headers, "content-language")
            if status >= 400:
                return Fetched(url, SourceStatus.HTTP_ERROR, status, detail=f"HTTP {status}")
            declared = _header(resp.headers, "content-length")
            if declared.isdigit() and int(declared) > max_bytes:
                return Fetched(url, SourceStatus.TOO_LARGE, status, detail=f"{declared} bytes")
            body = bytearray()
            async for chunk in resp.aiter_stream():
                body += chunk
                if len(body) > max_bytes:
                    return Fetched(
                        url, SourceStatus.TOO_LARGE, status, detail=f"over {max_bytes} bytes"
                    )
            return Fetched(url, SourceStatus.OK, status, bytes(body), ctype, lang)
    return Fetched(url, SourceStatus.TOO_MANY_REDIRECTS, detail=f"over {MAX_REDIRECTS}")

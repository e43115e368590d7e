"""Which URLs may receive webhooks (SSRF protection).

A webhook URL must be http(s), without credentials, with a valid host; every address that
host is or resolves to must then pass the shared guard (`outreach.netguard`, which IMAP
hosts go through too): when an endpoint is saved and again on every connection, and the
connection goes to the address that was checked (see `transport`).

`allow_private` (OUTREACH_WEBHOOK_ALLOW_PRIVATE_TARGETS, dev/test only) admits loopback and
private addresses; link-local, metadata, multicast and the rest stay refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from outreach.netguard import (
    IPAddress,
    Resolver,
    TargetRefused,
    Unresolvable,
    checked_addresses,
    literal_ip,
    refusal,
    system_resolver,
)

__all__ = [
    "MAX_URL_LENGTH",
    "IPAddress",
    "InvalidUrl",
    "Resolver",
    "Target",
    "TargetRefused",
    "Unresolvable",
    "check_url",
    "checked_addresses",
    "literal_ip",
    "parse_url",
    "refusal",
    "system_resolver",
]

MAX_URL_LENGTH = 2000

_HOSTNAME = re.compile(
    r"^(?=.{1,253}\.?$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*"
    r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.?$"
)


class InvalidUrl(ValueError):
    """The URL is not one a webhook can be delivered to."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # lower case, IPv6 without brackets
    port: int


def parse_url(url: str) -> Target:
    if len(url) > MAX_URL_LENGTH:
        raise InvalidUrl(f"is longer than {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise InvalidUrl("must not contain spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidUrl("must be an http:// or https:// URL")
    if "@" in parts.netloc:
        raise InvalidUrl(
            "must not contain credentials (user:password@); "
            "verify deliveries with the signature instead"
        )
    if parts.fragment:
        raise InvalidUrl("must not contain a fragment (#...)")
    host = parts.hostname or ""
    if not host:
        raise InvalidUrl("has no host")
    if not host.isascii():
        raise InvalidUrl("must use the punycode (xn--) form of an international domain name")
    if literal_ip(host) is None and not _HOSTNAME.match(host):
        raise InvalidUrl(f"has an invalid host '{host}'")
    try:
        port = parts.port
    except ValueError as exc:
        raise InvalidUrl("has an invalid port") from exc
    scheme = parts.scheme.lower()
    if port == 0:
        raise InvalidUrl("has an invalid port")
    return Target(scheme, host, port or (443 if scheme == "https" else 80))


async def check_url(url: str, *, allow_private: bool, resolver: Resolver | None = None) -> Target:
    """Parse and check a URL as an endpoint is saved (InvalidUrl, TargetRefused,
    Unresolvable)."""
    target = parse_url(url)
    await checked_addresses(
        target.host, target.port, allow_private=allow_private, resolver=resolver
    )
    return target

"""One SSRF guard for every host the service connects to on a user's behalf: webhook
targets, IMAP hosts (and SMTP hosts, enrichment and discovery fetches as they come).

A host must be public: every address it is or resolves to is checked. Refused: loopback,
private (RFC 1918, CGNAT, IPv6 ULA), link-local, multicast, unspecified, reserved and
documentation ranges and cloud metadata addresses, also when hidden in IPv4-mapped, NAT64
or 6to4 IPv6 forms or behind a DNS name. Callers check when a host is saved and again on
every connection, and connect to one of the addresses that passed (never resolving the
name a second time), so DNS rebinding cannot slip past.

`allow_private` (Settings.webhook_allow_private_targets, env
OUTREACH_WEBHOOK_ALLOW_PRIVATE_TARGETS; dev and tests only) admits loopback and private
addresses for every outbound connection; link-local, metadata, multicast, unspecified and
the rest stay refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

RESOLVE_TIMEOUT_SECONDS = 5.0

_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure WireServer (a public address, reachable only inside Azure)
        "192.0.0.192",  # Oracle Cloud
    )
)
_PRIVATE = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "fc00::/7",
    )
)
# Not covered (or not reliably, across Python versions) by `is_global`.
_NON_PUBLIC = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "240.0.0.0/4",
        "::/96",
        "100::/64",
        "2001::/32",
        "2001:db8::/32",
    )
)
_NAT64 = tuple(ipaddress.ip_network(n) for n in ("64:ff9b::/96", "64:ff9b:1::/48"))


class TargetRefused(Exception):
    """The host is, or resolves to, an address the service may not connect to."""


class Unresolvable(OSError):
    """The host name did not resolve (now)."""


def literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def refusal(address: str | IPAddress, allow_private: bool = False) -> str | None:
    """Why the service may not connect to this address, or None when it may."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and any(ip in net for net in _NAT64):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return refusal(embedded, allow_private)
        ip = ipaddress.IPv6Address(int(ip))  # drop any %scope
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_loopback:
        return None if allow_private else "loopback address"
    if ip in _METADATA:
        return "cloud metadata address"
    if ip.is_link_local:
        return "link-local address"
    if ip.is_multicast:
        return "multicast address"
    if any(ip in net for net in _PRIVATE):
        return None if allow_private else "private address"
    if ip.is_reserved or not ip.is_global or any(ip in net for net in _NON_PUBLIC):
        return "reserved (non-public) address"
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def checked_addresses(
    host: str, port: int, *, allow_private: bool, resolver: Resolver | None = None
) -> list[str]:
    """The addresses of `host`, all of them allowed; else TargetRefused / Unresolvable."""
    literal = literal_ip(host)
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
                addresses = await (resolver or system_resolver)(host, port)
        except TimeoutError as exc:
            raise Unresolvable(f"{host} does not resolve (no answer in time)") from exc
        except OSError as exc:
            raise Unresolvable(f"{host} does not resolve") from exc
        if not addresses:
            raise Unresolvable(f"{host} does not resolve")
    for address in addresses:
        why = refusal(address, allow_private)
        if why:
            shown = address if literal is not None else f"{host} resolves to {address}"
            raise TargetRefused(f"{shown}, a {why}; only public addresses can be reached")
    return addresses

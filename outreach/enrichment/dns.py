"""DNS queries for an address's domain (dnspython's async resolver): its MX records, and
its address records when it has none. Called only from activities; each call is one query
with its own lifetime, and a failure to get an answer raises `DnsUnavailable` (the
activity's retry policy tries again, a bounded number of times).

The resolver is the system's (/etc/resolv.conf) unless `OUTREACH_DNS_NAMESERVERS` names
others: comma-separated `host[:port]` (`[v6]:port` for IPv6 with a port).
"""

from __future__ import annotations

from dataclasses import dataclass

import dns.asyncresolver
import dns.exception
import dns.nameserver
import dns.rdatatype
import dns.resolver

QUERY_LIFETIME_SECONDS = 5.0


class DnsUnavailable(Exception):
    """No answer (timeout, SERVFAIL, no reachable name server): try again later."""


def parse_nameservers(raw: str | None) -> list[tuple[str, int]]:
    """`"10.0.0.53, 127.0.0.1:5353, [::1]:53"` → [(host, port), ...]; ValueError when an
    entry is not an IP address with an optional port."""
    import ipaddress

    out: list[tuple[str, int]] = []
    for item in (raw or "").split(","):
        item = item.strip()
        if not item:
            continue
        host, port = item, 53
        if item.startswith("["):
            host, _, rest = item[1:].partition("]")
            if rest:
                if not rest.startswith(":"):
                    raise ValueError(f"name server {item!r}: write [v6]:port")
                port = int(rest[1:])
        elif item.count(":") == 1:
            host, _, p = item.partition(":")
            port = int(p)
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise ValueError(f"name server {item!r} is not an IP address[:port]") from None
        if not 0 < port < 65536:
            raise ValueError(f"name server {item!r}: port out of range")
        out.append((host, port))
    return out


def resolver_for(nameservers: list[tuple[str, int]]) -> dns.asyncresolver.Resolver:
    if not nameservers:
        return dns.asyncresolver.Resolver()  # the system's configuration
    r = dns.asyncresolver.Resolver(configure=False)
    r.nameservers = [dns.nameserver.Do53Nameserver(h, p) for h, p in nameservers]
    return r


@dataclass
class MxAnswer:
    nxdomain: bool = False
    null_mx: bool = False
    hosts: list[str] | None = None  # by preference; [] when the name has no MX


async def lookup_mx(resolver: dns.asyncresolver.Resolver, domain: str) -> MxAnswer:
    try:
        answer = await resolver.resolve(domain, "MX", lifetime=QUERY_LIFETIME_SECONDS)
    except dns.resolver.NXDOMAIN:
        return MxAnswer(nxdomain=True, hosts=[])
    except dns.resolver.NoAnswer:
        return MxAnswer(hosts=[])
    except (dns.resolver.NoNameservers, dns.exception.Timeout) as exc:
        raise DnsUnavailable(f"MX {domain}: {type(exc).__name__}") from None
    records = sorted(
        ((r.preference, r.exchange.to_text(omit_final_dot=True)) for r in answer),
        key=lambda x: x[0],
    )
    # RFC 7505: a single MX of preference 0 whose exchange is the root ("."): no mail.
    if len(records) == 1 and records[0][1] in ("", "."):
        return MxAnswer(null_mx=True, hosts=[])
    return MxAnswer(hosts=[host for _, host in records if host not in ("", ".")])


async def has_address(resolver: dns.asyncresolver.Resolver, domain: str, kind: str) -> bool:
    """Whether the domain has a record of `kind` (A or AAAA: where mail goes when it has no
    MX)."""
    try:
        await resolver.resolve(domain, kind, lifetime=QUERY_LIFETIME_SECONDS)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return False
    except (dns.resolver.NoNameservers, dns.exception.Timeout) as exc:
        raise DnsUnavailable(f"{kind} {domain}: {type(exc).__name__}") from None
    return True

"""The enrichment's enums: how deliverable an address is, why, and where a run stands."""

from __future__ import annotations

from enum import StrEnum


class Deliverability(StrEnum):
    DELIVERABLE = "deliverable"  # the domain takes mail; nothing suspicious
    RISKY = "risky"  # it may take mail, but it is a role, disposable or MX-less domain
    UNDELIVERABLE = "undeliverable"  # it cannot take mail (syntax, NXDOMAIN, null MX, none)
    UNKNOWN = "unknown"  # DNS did not answer: nothing can be said


class Reason(StrEnum):
    INVALID_SYNTAX = "invalid_syntax"
    DOMAIN_NOT_FOUND = "domain_not_found"  # NXDOMAIN
    NULL_MX = "null_mx"  # RFC 7505: the domain says it takes no mail
    NO_MAIL_SERVER = "no_mail_server"  # no MX and no address (A / AAAA)
    NO_MX_ADDRESS_FALLBACK = "no_mx_address_fallback"  # no MX; mail would go to its A record
    DNS_UNAVAILABLE = "dns_unavailable"
    MX_FOUND = "mx_found"
    DISPOSABLE = "disposable_domain"
    ROLE_ACCOUNT = "role_account"
    FREE_MAIL = "free_mail"


class EnrichmentStatus(StrEnum):
    PENDING = "pending"  # a run was asked for and has not written its result yet
    READY = "ready"
    FAILED = "failed"


class SourceStatus(StrEnum):
    """What became of one fetch of the company's site."""

    OK = "ok"
    ROBOTS = "disallowed_by_robots"
    REFUSED = "refused"  # the SSRF guard refused the host (or a redirect's)
    TOO_LARGE = "too_large"
    NOT_HTML = "not_html"
    HTTP_ERROR = "http_error"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    FAILED = "failed"  # network errors or timeouts, after the activity's retries

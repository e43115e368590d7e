"""The pure part of judging an address: its syntax, what its local part and domain are
(role account, free mail, disposable), and the deliverability the DNS facts add up to.

The lexicons are data: `data/role_accounts.txt`, `data/free_mail.txt` (kept here), and the
disposable domains of the maintained PyPI package `disposable-email-domains`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from email_validator import EmailNotValidError, validate_email

from outreach.enrichment.status import Deliverability, Reason


def _lexicon(name: str) -> frozenset[str]:
    text = resources.files("outreach.enrichment").joinpath("data", name).read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


@lru_cache(maxsize=1)
def role_accounts() -> frozenset[str]:
    return _lexicon("role_accounts.txt")


@lru_cache(maxsize=1)
def free_mail_domains() -> frozenset[str]:
    return _lexicon("free_mail.txt")


@lru_cache(maxsize=1)
def disposable_domains() -> frozenset[str]:
    from disposable_email_domains import blocklist

    return frozenset(blocklist)


def _parents(domain: str) -> list[str]:
    """The domain and each parent with at least two labels (`a.b.c.com` → ..., `c.com`)."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def is_disposable(domain: str) -> bool:
    listed = disposable_domains()
    return any(d in listed for d in _parents(domain.lower()))


def is_free_mail(domain: str) -> bool:
    return domain.lower() in free_mail_domains()


def is_role_account(local: str) -> bool:
    """`info`, `sales+eu`, `no.reply`: the part before any `+` tag, with and without dots."""
    base = local.lower().split("+", 1)[0]
    listed = role_accounts()
    return base in listed or base.replace(".", "").replace("_", "-") in listed


@dataclass(frozen=True)
class Parsed:
    local: str
    domain: str  # ASCII (IDNA) form: what DNS is asked about


def parse_address(email: str) -> Parsed | None:
    """The address's parts, or None when its syntax is not that of an address."""
    try:
        result = validate_email(email.strip(), check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return None
    return Parsed(result.local_part, result.ascii_domain.lower())


@dataclass(frozen=True)
class MailFacts:
    """What was learnt about an address: its syntax, then DNS (None: not asked or no
    answer), then the lexicons."""

    syntax_ok: bool
    nxdomain: bool = False
    null_mx: bool = False
    mx_hosts: tuple[str, ...] = ()
    has_address: bool | None = None  # A / AAAA of the domain (asked only without MX)
    dns_failed: bool = False  # a query failed after its retries
    disposable: bool = False
    role: bool = False
    free_mail: bool = False


@dataclass(frozen=True)
class Judgement:
    deliverability: Deliverability
    reasons: list[str] = field(default_factory=list)


def judge(f: MailFacts) -> Judgement:
    """The deliverability the facts add up to, with every reason that counted (the first
    names the verdict's cause; `free_mail` is informational and never lowers it).

    undeliverable: bad syntax, NXDOMAIN, a null MX (RFC 7505), or neither MX nor address.
    unknown: DNS gave no answer. risky: a disposable domain, a role account, or a domain
    without MX whose mail would go to its address record (RFC 5321 §5.1). Else deliverable.
    """
    if not f.syntax_ok:
        return Judgement(Deliverability.UNDELIVERABLE, [Reason.INVALID_SYNTAX])
    flags = [
        r
        for r, on in (
            (Reason.DISPOSABLE, f.disposable),
            (Reason.ROLE_ACCOUNT, f.role),
            (Reason.FREE_MAIL, f.free_mail),
        )
        if on
    ]
    if f.nxdomain:
        return Judgement(Deliverability.UNDELIVERABLE, [Reason.DOMAIN_NOT_FOUND, *flags])
    if f.null_mx:
        return Judgement(Deliverability.UNDELIVERABLE, [Reason.NULL_MX, *flags])
    if f.mx_hosts:
        dns = [Reason.MX_FOUND]
    elif f.has_address:
        dns = [Reason.NO_MX_ADDRESS_FALLBACK]
    elif f.dns_failed or f.has_address is None:
        return Judgement(Deliverability.UNKNOWN, [Reason.DNS_UNAVAILABLE, *flags])
    else:
        return Judgement(Deliverability.UNDELIVERABLE, [Reason.NO_MAIL_SERVER, *flags])
    risky = [r for r in flags if r != Reason.FREE_MAIL]
    if risky or not f.mx_hosts:
        why = [*risky, *dns] if f.mx_hosts else [*dns, *risky]
        rest = [r for r in flags if r not in risky]
        return Judgement(Deliverability.RISKY, [*why, *rest])
    return Judgement(Deliverability.DELIVERABLE, [*dns, *flags])


def company_domain(email_domain: str) -> str | None:
    """The domain whose site describes the lead's company: not a free-mail or disposable
    one (those say nothing about where the person works)."""
    if is_free_mail(email_domain) or is_disposable(email_domain):
        return None
    return email_domain

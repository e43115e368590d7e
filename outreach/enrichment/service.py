"""The lead's `enrichment`: checking a given website, marking a run asked for, storing its
result (the template variables it gives are in `variables`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from outreach.enrichment.contracts import EnrichResult
from outreach.enrichment.status import Deliverability, EnrichmentStatus
from outreach.errors import RuleBroken
from outreach.netguard import literal_ip, refusal
from outreach.webhooks.guard import InvalidUrl, parse_url


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def check_website(url: str, allow_private: bool) -> str:
    """The website as given, if it can be fetched at all: http(s), no credentials, a valid
    host, not a refused literal address (a name is checked when it is fetched, at every
    connection: the API does no DNS). RuleBroken `invalid_website` otherwise."""
    try:
        target = parse_url(url)
    except InvalidUrl as exc:
        raise RuleBroken(f"website {exc}", "invalid_website") from None
    ip = literal_ip(target.host)
    why = refusal(ip, allow_private) if ip is not None else None
    if why:
        raise RuleBroken(f"website is a {why}; only public sites are fetched", "invalid_website")
    return url


WEBSITE_FIELDS = ("website", "companyWebsite", "url")


def lead_website(custom_fields: dict[str, Any] | None, allow_private: bool) -> str | None:
    """The company site the lead's own fields give (`website`, `companyWebsite` or `url`;
    `acme.com` means `https://acme.com/`), or None when there is none that can be fetched."""
    for name in WEBSITE_FIELDS:
        value = (custom_fields or {}).get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > 2_000:
            continue
        url = value.strip()
        if "://" not in url:
            url = f"https://{url}"
        if url.count("/") < 3:
            url += "/"
        try:
            return check_website(url, allow_private)
        except RuleBroken:
            continue
    return None


def pending(previous: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    """The lead's enrichment once a run is asked for: the earlier values stay shown until
    the new ones replace them."""
    return {**(previous or {}), "status": EnrichmentStatus.PENDING.value, "requestedAt": _iso(now)}


def stored(previous: dict[str, Any] | None, r: EnrichResult, now: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {
        "status": EnrichmentStatus.READY.value,
        "requestedAt": (previous or {}).get("requestedAt"),
        "enrichedAt": _iso(now),
        "runId": r.run_id,
        "email": r.email,
        "company": r.company or None,
        "sources": r.sources,
    }
    for key in ("summary", "opener", "model", "note"):
        value = getattr(r, key)
        if value:
            out[key] = value
    return {k: v for k, v in out.items() if v is not None}


def undeliverable(enrichment: dict[str, Any] | None) -> str | None:
    """Why the lead's address cannot take mail, as its enrichment found (its reasons, e.g.
    `domain_not_found`), or None when it may (or nothing is known yet)."""
    email = (enrichment or {}).get("email") or {}
    if email.get("deliverability") != Deliverability.UNDELIVERABLE:
        return None
    return ", ".join(str(r) for r in email.get("reasons") or []) or "undeliverable"

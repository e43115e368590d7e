"""Discovery's decisions (pure; the workflow and the tests import them): the bounds, which
seeds are sites, the searches an ICP makes, which search results are companies, which
pages of a site to read, who the candidates are and with which address, their ranking,
and what the report counts."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from outreach.discovery import patterns, ranking
from outreach.discovery.contracts import CrawledPage
from outreach.discovery.status import Outcome
from outreach.netguard import literal_ip, refusal
from outreach.webhooks.guard import InvalidUrl, parse_url

MAX_DOMAINS = 20  # seeds per request
MAX_ICP_CHARS = 2_000
MIN_LIMIT, MAX_LIMIT = 1, 100
MAX_QUERIES = 3
MAX_RESULTS_PER_QUERY = 10
MAX_CANDIDATES = 200  # per run, all companies together
MAX_PEOPLE_PER_COMPANY = 50
# Hosts whose pages are profiles or articles, not a company's own site.
NOT_COMPANIES = (
    "linkedin.com", "twitter.com", "x.com", "facebook.com", "instagram.com", "youtube.com",
    "wikipedia.org", "github.com", "medium.com", "crunchbase.com", "glassdoor.com",
    "indeed.com", "reddit.com", "tiktok.com", "pinterest.com", "google.com", "bing.com",
)  # fmt: skip
_STOP = frozenset(
    """a an the and or of in at for to with on by from who that which are is be as our their
    we you they people companies company businesses business firms teams team based small
    medium large mid sized size startups startup any all some""".split()  # noqa: SIM905 - a word list reads as prose
)
_WORD = re.compile(r"[^\W_][\w&'-]*", re.UNICODE)


class InvalidDomain(ValueError):
    pass


def site_of(raw: str, allow_private: bool = False, judge_address: bool = True) -> str:
    """A seed (`acme.com`, `https://acme.com/about`, `http://acme.example:8080/`) as the
    root of its site (`https://acme.com/`, `http://acme.example:8080/`). InvalidDomain when
    it cannot be fetched: not http(s), credentials, no valid host, a refused literal
    address (unless `judge_address` is False: the guard refuses it when it is fetched, as
    it checks every name at every connection)."""
    text = raw.strip()
    if not text or len(text) > 300 or any(c.isspace() for c in text):
        raise InvalidDomain(f"{raw[:100]!r} is not a domain or a website URL")
    if "://" not in text:
        text = "https://" + text
    try:
        target = parse_url(text)
    except InvalidUrl as exc:
        raise InvalidDomain(f"{raw[:100]!r}: {exc}") from None
    host = target.host.lower().rstrip(".")
    ip = literal_ip(host)
    if ip is None and ("." not in host or not re.fullmatch(r"[a-z0-9.-]+", host)):
        raise InvalidDomain(f"{raw[:100]!r} has no valid domain name")
    why = refusal(ip, allow_private) if ip is not None and judge_address else None
    if why:
        raise InvalidDomain(f"{raw[:100]!r} is a {why}; only public sites are read")
    parts = urlsplit(text)
    netloc = f"[{host}]" if ip is not None and ip.version == 6 else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return f"{parts.scheme.lower()}://{netloc}/"


def host_of(site: str) -> str:
    return (urlsplit(site).hostname or "").lower().removeprefix("www.")


def keyword_queries(icp: str) -> list[str]:
    """The searches an ICP makes without a model: its words that are neither stop words nor
    roles (the industry and the place), then the same with "team" (where people are named)."""
    role_words = {w for words in ranking.ROLES.values() for w in words}
    words = [
        w
        for w in _WORD.findall(icp.lower())
        if w not in _STOP and w not in role_words and w.removesuffix("s") not in role_words
    ]
    core = " ".join(dict.fromkeys(words))[:200].strip()
    if not core:
        return []
    return [core, f"{core} team"][:MAX_QUERIES]


def sites_from_results(urls: list[str]) -> list[str]:
    """Search results as company sites (their roots), in order, once each; not profiles on
    social networks or directories, not anything that is not http(s)."""
    out: list[str] = []
    for url in urls[: MAX_RESULTS_PER_QUERY * 2]:
        try:
            site = site_of(url, judge_address=False)  # the guard refuses it at fetch time
        except InvalidDomain:
            continue
        host = host_of(site)
        if any(host == h or host.endswith("." + h) for h in NOT_COMPANIES):
            continue
        if site not in out:
            out.append(site)
    return out[:MAX_RESULTS_PER_QUERY]


def next_pages(site: str, links: list[str], max_pages: int) -> list[str]:
    """The pages to read after the home page: the team, people and about pages it links to
    first, then contact; when it links none, `/team` and `/about` are tried."""

    def rank(url: str) -> int:
        path = urlsplit(url).path.lower()
        for i, word in enumerate(("team", "people", "staff", "leadership", "founders", "about")):
            if word in path:
                return i
        return 10

    same = [u for u in links if host_of(u) == host_of(site) and u.rstrip("/") != site.rstrip("/")]
    chosen = sorted(dict.fromkeys(same), key=rank)
    if not chosen:
        chosen = [site + "team", site + "about"]
    return chosen[: max(0, max_pages - 1)]


@dataclass
class Candidate:
    """One person found on a company's pages, and what became of them."""

    company: str  # the site's root
    name: str | None
    first_name: str | None
    last_name: str | None
    title: str | None
    email: str | None
    address_from: str | None  # page | pattern:<name>
    found_on: str
    company_name: str | None = None
    score: int = 0
    outcome: str | None = None  # an Outcome
    reason: str | None = None
    lead_id: str | None = None

    def report(self) -> dict[str, Any]:
        out = {
            "company": self.company,
            "companyName": self.company_name,
            "name": self.name,
            "title": self.title,
            "email": self.email,
            "addressFrom": self.address_from,
            "foundOn": self.found_on,
            "score": self.score,
            "outcome": self.outcome,
            "reason": self.reason,
            "leadId": self.lead_id,
        }
        return {k: v for k, v in out.items() if v is not None}


def mail_domain(site: str, pages: list[CrawledPage]) -> str | None:
    """The company's mail domain: its site's host when addresses of it are seen, else the
    domain most addresses seen on its pages use (not free mail, not disposable)."""
    seen = [
        a.email.rsplit("@", 1)[1]
        for p in pages
        for a in p.addresses
        if not a.free_mail and not a.disposable
    ]
    if not seen:
        return None
    host = host_of(site)
    if host in seen:
        return host
    return Counter(seen).most_common(1)[0][0]


def candidates_of(site: str, pages: list[CrawledPage]) -> list[Candidate]:
    """The people of one company, each with the address seen next to their name, else one
    the company's confirmed pattern gives (from the named addresses seen on its own mail
    domain), else none (`no_address`). Addresses seen without a name (not role accounts)
    are candidates too, named when they read as first.last."""
    read = [p for p in pages if p.status == "ok"]
    domain = mail_domain(site, read)
    company_name = next((p.company_name for p in read if p.company_name), None)
    flags = {a.email: a for p in read for a in p.addresses}
    people: dict[str, tuple[Any, str]] = {}
    for page in read:
        for person in page.people:
            key = " ".join(person.name.lower().split())
            if key in people:
                have, _ = people[key]
                have.title = have.title or person.title
                have.email = have.email or person.email
            else:
                people[key] = (
                    type(person)(person.name, person.title, person.email, person.source),
                    page.final_url or page.url,
                )
    named = [
        (p.name, p.email.rsplit("@", 1)[0])
        for p, _ in people.values()
        if p.email and domain and p.email.endswith("@" + domain)
    ]
    pattern = patterns.confirmed_pattern(named) if domain else None
    out: list[Candidate] = []
    for person, url in list(people.values())[:MAX_PEOPLE_PER_COMPANY]:
        parts = patterns.name_parts(person.name)
        first, last = (person.name.split()[0], person.name.split()[-1]) if parts else (None, None)
        email = person.email
        if email and (flags.get(email) is None or flags[email].role):
            email = None  # a role account (info@...) is not the person's own address
        source = "page" if email else None
        if email is None and pattern and domain:
            email = patterns.propose(person.name, pattern, domain)
            source = f"pattern:{pattern}" if email else None
        out.append(
            Candidate(
                site, person.name, first, last, person.title, email, source, url, company_name
            )
        )
    taken = {c.email for c in out if c.email}
    for page in read:
        for a in page.addresses:
            if a.email in taken or a.role or a.free_mail or a.disposable:
                continue
            if domain is None or not a.email.endswith("@" + domain):
                continue
            taken.add(a.email)
            guessed = patterns.guess_name(a.email.rsplit("@", 1)[0])
            name = " ".join(guessed) if guessed else None
            out.append(
                Candidate(
                    site,
                    name,
                    guessed[0] if guessed else None,
                    guessed[1] if guessed else None,
                    None,
                    a.email,
                    "page",
                    page.final_url or page.url,
                    company_name,
                )  # fmt: skip
            )
    return out[:MAX_PEOPLE_PER_COMPANY]


def judge_fit(candidates: list[Candidate], roles: list[str]) -> list[Candidate]:
    """Score every candidate against the ICP's roles, settle those that cannot be leads
    (`not_matching`, `no_address`), and order the rest best first (a
    stable sort: page order among equals)."""
    for c in candidates:
        c.score = ranking.score(c.title, roles)
        if not ranking.matches(c.title, roles):
            c.outcome = Outcome.NOT_MATCHING
            c.reason = (
                f"title {c.title!r} names none of the roles: {', '.join(roles)}"
                if c.title
                else f"no title to match the roles: {', '.join(roles)}"
            )[:300]
        elif c.email is None:
            c.outcome = Outcome.NO_ADDRESS
            c.reason = "no address seen, and no pattern confirmed by the site's addresses"
    return sorted(candidates, key=lambda c: -c.score)


def outcome_of(bulk_status: str) -> Outcome:
    """A `POST /leads/bulk` row status as a candidate's outcome."""
    return {
        "created": Outcome.CREATED,
        "existing": Outcome.DUPLICATE,
        "duplicate_in_payload": Outcome.DUPLICATE,
        "suppressed": Outcome.SUPPRESSED,
    }.get(bulk_status, Outcome.INVALID)


def counts(candidates: list[Candidate], companies: int) -> dict[str, int]:
    out = {"companies": companies, "candidates": len(candidates)}
    out |= {o.value: 0 for o in Outcome}
    for c in candidates:
        if c.outcome:
            out[c.outcome] = out.get(c.outcome, 0) + 1
    return out


def as_dicts(candidates: list[Candidate]) -> list[dict[str, Any]]:
    return [asdict(c) for c in candidates]

"""People on a company's pages (pure: bytes in, facts out).

From each HTML page (selectolax's lexbor parser): schema.org `Person` objects in JSON-LD
(also inside `@graph`, `employee`, `founder`, `member`...) and in microdata
(`itemtype=".../Person"`, `itemprop` name, jobTitle, email), `mailto:` links (named by
their text when it is a name), and the name-and-title blocks of team pages (a heading that
reads as a person's name, followed by a short line: their title). Every address seen on
the page, and the page's links that look like a team, about, people or contact page.
Everything is bounded (people, addresses and links per page, JSON-LD bytes, text lengths).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from outreach.enrichment.extract import MAX_JSONLD_BYTES, clean

MAX_PEOPLE = 100  # per page
MAX_EMAILS = 100  # per page
MAX_LINKS = 20  # per page
MAX_NODES = 2_000  # JSON-LD objects walked per script
MAX_TITLE = 120
MAX_PERSON_NAME = 80

PEOPLE_LINK = re.compile(
    r"(^|/)(team|our-team|the-team|people|staff|leadership|management|founders|about|about-us"
    r"|company|who-we-are|contact|contact-us|kontakt|ueber-uns|impressum|equipe|a-propos)"
    r"(/|\.html?|\.php)?$",
    re.IGNORECASE,
)
TEAM_PAGE = re.compile(r"team|people|staff|leadership|management|founders|about", re.IGNORECASE)
TEAM_CLASS = re.compile(r"team|member|person|people|staff|profile|founder|employee|bio", re.I)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*\.?$")
NOT_NAMES = frozenset(
    """about us our the team meet contact company services service products product home
    careers jobs blog news press leadership management people staff board advisors founders
    investors partners customers pricing privacy terms imprint impressum legal welcome hello
    get in touch sign up log in read more learn more menu search support help faq open
    positions join office offices location locations mission vision values story history
    what we do who we are and for with""".split()  # noqa: SIM905 - a word list reads as prose
)
PERSON_KEYS = (
    "@graph", "employee", "employees", "founder", "founders", "member", "members",
    "author", "creator", "contactPoint", "mainEntity", "itemListElement", "item", "alumni",
)  # fmt: skip


@dataclass
class Person:
    name: str
    title: str | None = None
    email: str | None = None
    source: str = ""  # jsonld | microdata | mailto | team_block


@dataclass
class PagePeople:
    url: str
    people: list[Person] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)  # every address seen, lower-case
    links: list[str] = field(default_factory=list)  # same-site team / about / contact pages


def looks_like_name(text: str | None) -> bool:
    """Two to four capitalised words of letters ("Jane Doe", "Ana María López-Ruiz"),
    none of them a word a heading uses instead ("Our Team", "Contact Us")."""
    if not text or len(text) > MAX_PERSON_NAME:
        return False
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    for w in words:
        if not _NAME_WORD.match(w) or not w[0].isupper() or w.lower().strip(".") in NOT_NAMES:
            return False
    return True


def _address(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = unquote(value.strip()).removeprefix("mailto:").split("?", 1)[0].strip()
    m = _EMAIL.fullmatch(value)
    return value.lower() if m else None


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, list) and value:
        value = value[0]
    return clean(value, MAX_TITLE) if isinstance(value, str) else None


def _is_person(obj: dict[str, Any]) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == "Person" for k in kinds)


def _jsonld_people(data: Any) -> list[Person]:
    found: list[Person] = []
    stack, walked = [data], 0
    while stack and walked < MAX_NODES and len(found) < MAX_PEOPLE:
        item = stack.pop()
        walked += 1
        if isinstance(item, list):
            stack.extend(reversed(item[:200]))
            continue
        if not isinstance(item, dict):
            continue
        if _is_person(item):
            name = _text(item.get("name"))
            if not name:
                parts = [_text(item.get("givenName")), _text(item.get("familyName"))]
                name = " ".join(p for p in parts if p) or None
            if name:
                found.append(
                    Person(
                        clean(name, MAX_PERSON_NAME) or name,
                        _text(item.get("jobTitle")) or _text(item.get("roleName")),
                        _address(item.get("email")),
                        "jsonld",
                    )
                )
        for key in PERSON_KEYS:
            if key in item:
                stack.append(item[key])
    return found


def _prop(scope: LexborNode, name: str) -> LexborNode | None:
    node = scope.css_first(f'[itemprop="{name}"]')
    return node


def _prop_text(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    attrs = node.attributes
    return clean(attrs.get("content") or node.text(separator=" "), MAX_TITLE)


def _microdata_people(tree: LexborHTMLParser) -> list[Person]:
    found: list[Person] = []
    for scope in tree.css("[itemscope][itemtype]"):
        kind = (scope.attributes.get("itemtype") or "").rstrip("/")
        if kind.rsplit("/", 1)[-1] != "Person":
            continue
        name = _prop_text(_prop(scope, "name"))
        if not name:
            given = _prop_text(_prop(scope, "givenName"))
            family = _prop_text(_prop(scope, "familyName"))
            name = " ".join(p for p in (given, family) if p) or None
        if not name:
            continue
        email_node = _prop(scope, "email")
        email = None
        if email_node is not None:
            email = _address(email_node.attributes.get("href")) or _address(_prop_text(email_node))
        found.append(Person(name, _prop_text(_prop(scope, "jobTitle")), email, "microdata"))
        if len(found) >= MAX_PEOPLE:
            break
    return found


def _in_team_block(node: LexborNode) -> bool:
    parent, depth = node.parent, 0
    while parent is not None and depth < 6:
        if TEAM_CLASS.search(parent.attributes.get("class") or ""):
            return True
        parent, depth = parent.parent, depth + 1
    return False


def _title_after(node: LexborNode) -> str | None:
    """The short line right after a name heading: its next element sibling."""
    sib = node.next
    hops = 0
    while sib is not None and hops < 4:
        if sib.tag not in ("-text", "-comment"):
            if sib.tag == node.tag:
                return None  # the next person's name
            text = clean(sib.text(separator=" "), 200)
            return text if text and len(text) <= MAX_TITLE else None
        sib, hops = sib.next, hops + 1
    return None


def _team_blocks(tree: LexborHTMLParser, team_page: bool) -> list[Person]:
    found: list[Person] = []
    for node in tree.css("h2, h3, h4, h5, strong, b, [class*=name]"):
        text = clean(node.text(separator=" "), 200)
        if not looks_like_name(text) or not (team_page or _in_team_block(node)):
            continue
        assert text is not None
        email = None
        block = node.parent
        if block is not None:
            for a in block.css('a[href^="mailto:"]'):
                email = _address(a.attributes.get("href"))
                if email:
                    break
        found.append(Person(text, _title_after(node), email, "team_block"))
        if len(found) >= MAX_PEOPLE:
            break
    return found


def _key(name: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(ascii_.lower().split())


def merge_people(people: list[Person]) -> list[Person]:
    """One entry per name (case and accents ignored), its first title and address kept,
    in the order first seen; structured sources first (JSON-LD, microdata, then blocks)."""
    out: dict[str, Person] = {}
    for p in people:
        k = _key(p.name)
        if k in out:
            have = out[k]
            have.title = have.title or p.title
            have.email = have.email or p.email
        else:
            out[k] = Person(p.name, p.title, p.email, p.source)
    return list(out.values())[:MAX_PEOPLE]


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    ha = (pa.hostname or "").removeprefix("www.")
    hb = (pb.hostname or "").removeprefix("www.")
    return bool(ha) and ha == hb and pa.port == pb.port and pa.scheme in ("http", "https")


def parse_people(url: str, html: bytes) -> PagePeople:
    tree = LexborHTMLParser(html.decode("utf-8", errors="replace"))
    page = PagePeople(url)
    people: list[Person] = []
    emails: list[str] = []
    for script in tree.css('script[type="application/ld+json"]'):
        raw = script.text()
        if not raw or len(raw) > MAX_JSONLD_BYTES:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        people += _jsonld_people(data)
    people += _microdata_people(tree)
    for a in tree.css('a[href^="mailto:"], a[href^="MAILTO:"]'):
        email = _address(a.attributes.get("href"))
        if not email:
            continue
        emails.append(email)
        text = clean(a.text(separator=" "), 200)
        if looks_like_name(text):
            assert text is not None
            people.append(Person(text, None, email, "mailto"))
    team_page = bool(TEAM_PAGE.search(urlsplit(url).path))
    people += _team_blocks(tree, team_page)
    body = tree.body
    if body is not None:
        emails += [e.lower() for e in _EMAIL.findall(body.text(separator=" ")[:500_000])]
    emails += [p.email for p in people if p.email]
    page.people = merge_people(people)
    page.emails = list(dict.fromkeys(emails))[:MAX_EMAILS]
    links: list[str] = []
    for a in tree.css("a[href]"):
        href = (a.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        absolute = urljoin(url, href).split("#", 1)[0].split("?", 1)[0]
        path = urlsplit(absolute).path.rstrip("/") or "/"
        if _same_origin(absolute, url) and PEOPLE_LINK.search(path) and absolute != url:
            links.append(absolute)
    page.links = list(dict.fromkeys(links))[:MAX_LINKS]
    return page

"""What a company's pages say about it (pure: bytes in, facts out), and what robots.txt
allows.

From each HTML page (selectolax's lexbor parser): the title, the meta description, the
OpenGraph properties (`og:*`), the JSON-LD objects of an Organization type (also inside
`@graph`), links to the company's social profiles, the page's language and a link to its
"about" page. `merge` folds the home and about pages into one company profile, preferring
JSON-LD, then OpenGraph, then plain meta tags.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from selectolax.lexbor import LexborHTMLParser

MAX_TEXT = 1_000  # characters kept of a description
MAX_NAME = 300
MAX_JSONLD_BYTES = 200_000  # of one JSON-LD script, parsed at most
MAX_SOCIAL = 10
MAX_OPEN_GRAPH = 30  # og:* properties kept of a page

ORG_TYPES = {
    "Organization",
    "Corporation",
    "LocalBusiness",
    "OnlineBusiness",
    "OnlineStore",
    "NGO",
    "EducationalOrganization",
    "GovernmentOrganization",
    "NewsMediaOrganization",
    "ProfessionalService",
    "Store",
}
SOCIAL_HOSTS = {
    "linkedin.com": "linkedin",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "facebook.com": "facebook",
    "instagram.com": "instagram",
    "github.com": "github",
    "youtube.com": "youtube",
    "tiktok.com": "tiktok",
    "mastodon.social": "mastodon",
}
_ABOUT = re.compile(r"(^|/)(about|about-us|company|who-we-are|ueber-uns|a-propos)(/|\.html?)?$")
_SPACE = re.compile(r"\s+")


def clean(text: str | None, cap: int = MAX_TEXT) -> str | None:
    if not text:
        return None
    one = _SPACE.sub(" ", text.replace("\x00", "")).strip()
    return one[:cap] or None


@dataclass
class PageFacts:
    url: str
    title: str | None = None
    description: str | None = None
    language: str | None = None
    open_graph: dict[str, str] = field(default_factory=dict)
    organization: dict[str, Any] = field(default_factory=dict)
    social: dict[str, str] = field(default_factory=dict)  # network -> profile URL
    about_url: str | None = None


def _social(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.").removeprefix("m.")
    network = SOCIAL_HOSTS.get(host)
    if network is None or parts.path.strip("/") in ("", "share", "sharer.php", "intent/tweet"):
        return None
    return network, url


def _org_objects(data: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = [data]
    while stack and len(found) < 5:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item[:50])
        elif isinstance(item, dict):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k in ORG_TYPES for k in kinds):
                found.append(item)
            for key in ("@graph", "publisher", "author", "provider", "brand"):
                if key in item:
                    stack.append(item[key])
    return found


def _text_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):  # {"@value": ...} or an ImageObject {"url": ...}
        inner = value.get("@value") or value.get("url")
        return inner if isinstance(inner, str) else None
    return None


def _organization(obj: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, cap in (("name", MAX_NAME), ("legalName", MAX_NAME), ("description", MAX_TEXT)):
        value = clean(_text_of(obj.get(key)), cap)
        if value:
            out[key] = value
    for key in ("url", "logo", "foundingDate", "email", "telephone"):
        value = clean(_text_of(obj.get(key)), 500)
        if value:
            out[key] = value
    same = obj.get("sameAs")
    links = [same] if isinstance(same, str) else same if isinstance(same, list) else []
    out["sameAs"] = [x[:500] for x in links if isinstance(x, str)][:MAX_SOCIAL]
    if not out["sameAs"]:
        del out["sameAs"]
    return out


def parse_page(url: str, html: bytes, content_language: str = "") -> PageFacts:
    tree = LexborHTMLParser(html.decode("utf-8", errors="replace"))
    facts = PageFacts(url)
    title = tree.css_first("title")
    facts.title = clean(title.text() if title else None, MAX_NAME)
    for meta in tree.css("meta"):
        attrs = meta.attributes
        key = (attrs.get("property") or attrs.get("name") or "").strip().lower()
        content = clean(attrs.get("content"))
        if not key or not content:
            continue
        if key.startswith("og:") and key[3:] not in facts.open_graph:
            if len(facts.open_graph) >= MAX_OPEN_GRAPH:
                continue
            facts.open_graph[key[3:]] = content
        elif key == "description" and facts.description is None:
            facts.description = content
    for script in tree.css('script[type="application/ld+json"]'):
        raw = script.text()
        if not raw or len(raw) > MAX_JSONLD_BYTES:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue  # a broken block (or one nested past the parser's depth) says nothing
        for obj in _org_objects(data):
            org = _organization(obj)
            if org and not facts.organization:
                facts.organization = org
    html_node = tree.css_first("html")
    lang = html_node.attributes.get("lang") if html_node else None
    facts.language = clean(
        lang or facts.open_graph.get("locale") or content_language.split(",")[0], 20
    )
    for link in [*tree.css("a[href]"), *tree.css("link[href]")]:
        href = (link.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        absolute = urljoin(url, href)
        social = _social(absolute)
        if social and social[0] not in facts.social and len(facts.social) < MAX_SOCIAL:
            facts.social[social[0]] = social[1][:500]
        elif (
            facts.about_url is None
            and _same_site(absolute, url)
            and _ABOUT.search(urlsplit(absolute).path.rstrip("/") or "/")
        ):
            facts.about_url = absolute.split("#", 1)[0]
    for same in facts.organization.get("sameAs", []):
        social = _social(same)
        if social and social[0] not in facts.social:
            facts.social[social[0]] = social[1]
    return facts


def _same_site(a: str, b: str) -> bool:
    ha = (urlsplit(a).hostname or "").removeprefix("www.")
    hb = (urlsplit(b).hostname or "").removeprefix("www.")
    return bool(ha) and ha == hb


def _name_from_title(title: str | None) -> str | None:
    if not title:
        return None
    for sep in (" | ", " – ", " — ", " - ", " · ", ": "):
        if sep in title:
            return clean(title.split(sep)[0], MAX_NAME)
    return title


def merge(home: PageFacts | None, about: PageFacts | None) -> dict[str, Any]:
    """One company profile from its pages (JSON-LD first, then OpenGraph, then meta):
    `name`, `description`, `website`, `language`, `social`, `openGraph`, `organization`
    (the keys with nothing to say are left out)."""
    pages = [p for p in (home, about) if p is not None]
    if not pages:
        return {}

    def first(*values: str | None) -> str | None:
        return next((v for v in values if v), None)

    org = next((p.organization for p in pages if p.organization), {})
    og = next((p.open_graph for p in pages if p.open_graph), {})
    profile: dict[str, Any] = {
        "name": first(
            org.get("name"),
            og.get("site_name"),
            *(_name_from_title(p.title) for p in pages),
        ),
        "description": first(
            org.get("description"),
            *(p.open_graph.get("description") for p in pages),
            *(p.description for p in pages),
        ),
        "website": pages[0].url,
        "language": first(*(p.language for p in pages)),
        "social": {k: v for p in reversed(pages) for k, v in p.social.items()},
        "openGraph": og,
        "organization": org,
    }
    return {k: v for k, v in profile.items() if v}


class _RobotsParser(RobotFileParser):
    """The standard parser without its clock (it records when it read the file, which a
    workflow may not ask): a file given here has been read."""

    def modified(self) -> None:
        self.last_checked = 1.0


def robots_allows(robots_txt: str | None, url: str, agent: str) -> bool:
    """Whether robots.txt lets `agent` fetch `url` (no robots.txt, or one that could not
    be read as text: allowed)."""
    if not robots_txt:
        return True
    parser = _RobotsParser()
    parser.parse(robots_txt.splitlines())
    return parser.can_fetch(agent, url)


def robots_url(site: str) -> str:
    parts = urlsplit(site)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def site_root(site: str) -> str:
    parts = urlsplit(site)
    return f"{parts.scheme}://{parts.netloc}/"

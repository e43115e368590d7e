"""Real servers on loopback for the discovery tests: company websites (http.server, one
port each, so each is its own site), a SearXNG-format search engine (its JSON API faked at
the HTTP boundary) and the DNS zones the companies' mail domains need (served by the
enrichment tests' dnslib server)."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.enrichment.servers import ZONES

MAIL_ZONES: dict[str, dict[str, list] | str] = {
    **ZONES,
    "northwind.io": {"MX": [(10, "mx.northwind.io")]},
    "bluebird.io": {"MX": [(10, "mx.bluebird.io")]},
}

# Northwind Roasters: five people over three pages, one page robots.txt forbids.
NORTHWIND_HOME = """<!doctype html><html lang="en"><head><title>Northwind Roasters | Coffee</title>
<script type="application/ld+json">{"@context": "https://schema.org",
 "@type": "Organization", "name": "Northwind Roasters",
 "employee": [{"@type": "Person", "name": "Jane Doe", "jobTitle": "CEO & Founder",
               "email": "mailto:jane.doe@northwind.io"}]}</script>
</head><body>
<a href="/team">Our team</a> <a href="/contact">Contact</a> <a href="/private/people">Board</a>
<a href="/shop">Shop</a>
</body></html>"""
NORTHWIND_TEAM = """<html><head><title>Team - Northwind Roasters</title></head><body>
<h2>Meet The Team</h2>
<div itemscope itemtype="https://schema.org/Person">
  <span itemprop="name">Bob Stone</span> <span itemprop="jobTitle">Head of Marketing</span>
</div>
<section class="team">
  <div class="member"><h3>Carla Mendes</h3><p>VP Sales</p></div>
  <div class="member"><h3>Dan Kim</h3><p>Sales Director</p>
    <a href="mailto:dan.kim@northwind.io">Write to Dan</a></div>
  <div class="member"><h3>Eve Park</h3><p>Office Manager</p></div>
</section>
</body></html>"""
NORTHWIND_CONTACT = """<html><body><p>Write to
<a href="mailto:info@northwind.io">info@northwind.io</a></p></body></html>"""
NORTHWIND_PRIVATE = """<html><body><div class="team"><h3>Frank Hidden</h3><p>Founder</p>
<a href="mailto:frank.hidden@northwind.io">mail</a></div></body></html>"""

# Bluebird: the home page moved (a redirect); its team page too large, its about page slow.
BLUEBIRD_HOME = """<html><head><title>Bluebird Coffee</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "Organization", "name": "Bluebird Coffee"},
 {"@type": "Person", "name": "Mia Wong", "jobTitle": "Founder", "email": "mia@bluebird.io"},
 {"@type": "Person", "name": "Noah Fox", "jobTitle": "Head of Sales"}]}</script>
</head><body><a href="/team">Team</a> <a href="/about">About</a> <a href="/contact">Contact</a>
<a href="/to-metadata/contact">Legal</a></body></html>"""

# Zero Mail: a person whose mail domain says it takes no mail (a null MX).
NULLMX_HOME = """<html><head><title>Zero Mail Co</title></head><body>
<div class="team"><h3>Zed Null</h3><p>Founder</p><a href="mailto:zed.null@nullmx.io">mail</a>
</div></body></html>"""

Page = tuple[int, str, bytes] | Callable[[], tuple[int, str, bytes]]


@dataclass
class Site:
    url: str = ""
    hits: list[str] = field(default_factory=list)


def _html(text: str, status: int = 200) -> tuple[int, str, bytes]:
    return status, "text/html; charset=utf-8", text.encode()


def northwind_pages() -> dict[str, Any]:
    return {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private\n"),
        "/": _html(NORTHWIND_HOME),
        "/team": _html(NORTHWIND_TEAM),
        "/contact": _html(NORTHWIND_CONTACT),
        "/private/people": _html(NORTHWIND_PRIVATE),
    }


def bluebird_pages() -> dict[str, Any]:
    def slow() -> tuple[int, str, bytes]:
        time.sleep(2.5)
        return _html("<html><title>late</title></html>")

    return {
        "/": (301, "", b"/en/"),
        "/en/": _html(BLUEBIRD_HOME),
        "/team": _html("<html>" + "x" * 1_200_000 + "</html>"),
        "/about": slow,
        "/contact": (302, "", b"/en/contact"),
        "/en/contact": _html("<html><body>Call us.</body></html>"),
        "/to-metadata/contact": (302, "", b"http://169.254.169.254/latest/meta-data/"),
    }


def nullmx_pages() -> dict[str, Any]:
    return {"/": _html(NULLMX_HOME)}


@contextlib.contextmanager
def company_site(pages: dict[str, Any]) -> Iterator[Site]:
    """One company's site on its own loopback port: `pages` maps a path to (status,
    content type, body), a redirect as (3xx, "", location), or a callable giving one."""
    site = Site()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            site.hits.append(path)
            page = pages.get(path, (404, "text/plain", b"not here"))
            status, ctype, body = page() if callable(page) else page
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", body.decode())
                body = b""
            else:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.handle_error = lambda *a: None  # type: ignore[method-assign]  # resets we caused
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Search:
    """A SearXNG instance's JSON API (`GET /search?q=...&format=json`): `results` maps a
    query to its result URLs (any other query: none); `queries` records what was asked."""

    url: str = ""
    results: dict[str, list[str]] = field(default_factory=dict)
    queries: list[str] = field(default_factory=list)


@contextlib.contextmanager
def search_engine() -> Iterator[Search]:
    search = Search()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            args = parse_qs(parts.query)
            if parts.path != "/search" or args.get("format") != ["json"]:
                self.send_response(404)
                self.end_headers()
                return
            q = args.get("q", [""])[0]
            search.queries.append(q)
            body = json.dumps(
                {
                    "query": q,
                    "number_of_results": len(search.results.get(q, [])),
                    "results": [
                        {"url": u, "title": f"Result {i}", "content": "...", "engine": "fake"}
                        for i, u in enumerate(search.results.get(q, []))
                    ],
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    search.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield search
    finally:
        server.shutdown()
        server.server_close()

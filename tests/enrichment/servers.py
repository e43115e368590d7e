"""Real servers on loopback for the enrichment tests: a DNS server (dnslib) answering from a
small zone table, and a company website (http.server) with JSON-LD, OpenGraph, robots.txt,
a redirect, an oversized and a slow page."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from dnslib import AAAA, MX, QTYPE, RCODE, RR, A
from dnslib.server import BaseResolver, DNSServer

# domain -> {record type: [values]}; "SERVFAIL" answers every query with that rcode.
ZONES: dict[str, dict[str, list] | str] = {
    "acmewidgets.io": {"MX": [(10, "mx1.acmewidgets.io"), (20, "mx2.acmewidgets.io")]},
    "nullmx.io": {"MX": [(0, ".")]},
    "nomx-but-a.io": {"A": ["203.0.113.7"]},
    "nothing-here.io": {"TXT": []},  # exists, no MX, no address
    "broken-dns.io": "SERVFAIL",
    "gmail.com": {"MX": [(5, "gmail-smtp-in.l.google.com")]},
    "mailinator.com": {"MX": [(10, "mail.mailinator.com")]},
}


class ZoneResolver(BaseResolver):
    def __init__(self, zones: dict[str, dict[str, list] | str]) -> None:
        self.zones = zones
        self.queries: list[tuple[str, str]] = []

    def resolve(self, request, handler):  # dnslib's interface
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        kind = QTYPE[request.q.qtype]
        self.queries.append((kind, name))
        zone = self.zones.get(name)
        if zone is None:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        if zone == "SERVFAIL":
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        assert isinstance(zone, dict)
        for value in zone.get(kind, []):
            if kind == "MX":
                pref, host = value
                rdata = MX(host, pref)
            elif kind == "A":
                rdata = A(value)
            elif kind == "AAAA":
                rdata = AAAA(value)
            else:
                continue
            reply.add_answer(RR(name, getattr(QTYPE, kind), rdata=rdata, ttl=60))
        return reply


@dataclass
class Dns:
    host: str
    port: int
    resolver: ZoneResolver

    @property
    def nameservers(self) -> str:
        return f"{self.host}:{self.port}"


@contextlib.contextmanager
def dns_server(zones: dict[str, dict[str, list] | str] | None = None) -> Iterator[Dns]:
    """The server on a free loopback port, answering from `zones` (default ZONES)."""
    resolver = ZoneResolver(ZONES if zones is None else zones)
    server = DNSServer(resolver, port=0, address="127.0.0.1", logger=_Quiet())
    server.start_thread()
    try:
        yield Dns("127.0.0.1", server.server.server_address[1], resolver)
    finally:
        server.stop()
        server.server.server_close()


class _Quiet:
    def __getattr__(self, name: str):
        return lambda *a, **k: None


HOME = """<!doctype html>
<html lang="en-GB"><head>
<title>Acme Widgets | Widgets for small shops</title>
<meta name="description" content="Plain meta description.">
<meta property="og:site_name" content="Acme Widgets">
<meta property="og:description" content="Widgets that count your stock for you.">
<meta property="og:type" content="website">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "Acme site"},
 {"@type": "Organization", "name": "Acme Widgets Ltd", "url": "https://acmewidgets.io",
  "description": "Acme Widgets makes stock-counting widgets for independent shops.",
  "sameAs": ["https://www.linkedin.com/company/acme-widgets"]}]}</script>
<script type="application/ld+json">{not json</script>
</head><body>
<a href="/about">About us</a> <a href="/private/secret">Secret</a>
<a href="https://twitter.com/acmewidgets">Twitter</a>
<a href="https://twitter.com/intent/tweet?text=x">Share</a>
<a href="https://github.com/acme-widgets">GitHub</a>
</body></html>"""
ABOUT = """<html><head><title>About Acme</title>
<meta name="description" content="Founded in 2019 in Leeds.">
</head><body><a href="https://www.instagram.com/acmewidgets/">Insta</a></body></html>"""
# Site B: its about page is one robots.txt forbids.
HOME_B = """<html lang="de"><head><title>Beta GmbH - Start</title>
<meta property="og:description" content="Beta baut Regale."></head>
<body><a href="/private/about">Über uns</a></body></html>"""


@dataclass
class Site:
    url: str = ""
    hits: list[str] = field(default_factory=list)
    slow_seconds: float = 3.0
    robots_status: int = 200  # 503: robots.txt unreachable


@contextlib.contextmanager
def website() -> Iterator[Site]:
    site = Site()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(
            self,
            status: int,
            body: bytes,
            ctype: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            site.hits.append(path)
            if path == "/robots.txt" and site.robots_status != 200:
                self._send(site.robots_status, b"no")
            elif path == "/robots.txt":
                self._send(200, b"User-agent: *\nDisallow: /private\n", "text/plain")
            elif path == "/":
                self._send(200, HOME.encode())
            elif path == "/about":
                self._send(200, ABOUT.encode())
            elif path == "/b/":
                self._send(200, HOME_B.encode())
            elif path == "/old":
                self._send(301, b"", headers={"Location": "/"})
            elif path == "/loop":
                self._send(302, b"", headers={"Location": "/loop"})
            elif path == "/to-metadata":
                self._send(302, b"", headers={"Location": "http://169.254.169.254/latest/"})
            elif path == "/big":
                self._send(200, b"<html>" + b"x" * 1_200_000 + b"</html>")
            elif path == "/big-chunked":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"y" * 65_536
                for _ in range(20):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            elif path == "/slow":
                time.sleep(site.slow_seconds)
                self._send(200, b"<html><title>Late</title></html>")
            elif path == "/data.json":
                self._send(200, json.dumps({"a": 1}).encode(), "application/json")
            elif path == "/boom":
                self._send(503, b"down")
            else:
                self._send(404, b"not here")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.handle_error = lambda *a: None  # type: ignore[method-assign]  # resets we caused
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()

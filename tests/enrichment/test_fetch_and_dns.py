"""The network half of enrichment against real servers on loopback: DNS answers from a
dnslib server (MX, null MX, NXDOMAIN, address fallback, SERVFAIL), and page fetches from a
local site through the SSRF guard (JSON-LD and OpenGraph read, a redirect followed, an
oversized page never kept, a slow page cut off, refused targets never reached)."""

from __future__ import annotations

import pytest

from outreach.enrichment import dns as edns
from outreach.enrichment.extract import merge, parse_page
from outreach.enrichment.fetch import FetchRetry, fetch
from outreach.enrichment.status import SourceStatus
from tests.enrichment.servers import Dns, Site
from tests.webhooks.test_guard import REFUSED


def _resolver(dns: Dns):
    return edns.resolver_for(edns.parse_nameservers(dns.nameservers))


async def test_mx_null_mx_nxdomain_and_the_address_fallback(dns: Dns) -> None:
    r = _resolver(dns)
    good = await edns.lookup_mx(r, "acmewidgets.io")
    assert good.hosts == ["mx1.acmewidgets.io", "mx2.acmewidgets.io"]  # by preference
    assert not good.null_mx and not good.nxdomain
    assert (await edns.lookup_mx(r, "nullmx.io")).null_mx
    assert (await edns.lookup_mx(r, "no-such-domain.io")).nxdomain
    no_mx = await edns.lookup_mx(r, "nomx-but-a.io")
    assert no_mx.hosts == [] and not no_mx.nxdomain
    assert await edns.has_address(r, "nomx-but-a.io", "A")
    assert not await edns.has_address(r, "nothing-here.io", "A")
    with pytest.raises(edns.DnsUnavailable):
        await edns.lookup_mx(r, "broken-dns.io")
    # The queries went to the configured server, not the system's.
    assert ("MX", "acmewidgets.io") in dns.resolver.queries


async def test_a_home_page_gives_the_company(site: Site) -> None:
    got = await fetch(site.url + "/", allow_private=True)
    assert got.status == SourceStatus.OK and got.http_status == 200
    home = parse_page(got.url, got.body)
    about = parse_page(site.url + "/about", (await fetch(home.about_url, allow_private=True)).body)
    company = merge(home, about)
    assert company["name"] == "Acme Widgets Ltd"  # JSON-LD Organization inside @graph
    assert company["description"].startswith("Acme Widgets makes stock-counting widgets")
    assert company["openGraph"]["site_name"] == "Acme Widgets"
    assert company["language"] == "en-GB"
    assert company["social"] == {
        "linkedin": "https://www.linkedin.com/company/acme-widgets",
        "twitter": "https://twitter.com/acmewidgets",  # the share link is not a profile
        "github": "https://github.com/acme-widgets",
        "instagram": "https://www.instagram.com/acmewidgets/",
    }


async def test_redirects_are_followed_and_each_target_is_guarded(site: Site) -> None:
    moved = await fetch(site.url + "/old", allow_private=True)
    assert (moved.status, moved.url) == (SourceStatus.OK, site.url + "/")
    loop = await fetch(site.url + "/loop", allow_private=True)
    assert loop.status == SourceStatus.TOO_MANY_REDIRECTS
    # A public-looking site redirecting to the metadata service is stopped at the hop.
    meta = await fetch(site.url + "/to-metadata", allow_private=True)
    assert meta.status == SourceStatus.REFUSED and "metadata" in (meta.detail or "")


async def test_an_oversized_page_is_not_kept_and_a_slow_one_is_cut_off(site: Site) -> None:
    for path in ("/big", "/big-chunked"):  # announced, then streamed without a length
        got = await fetch(site.url + path, allow_private=True)
        assert got.status == SourceStatus.TOO_LARGE and got.body == b""
    site.slow_seconds = 3.0
    with pytest.raises(FetchRetry, match="within 0.5 s"):
        await fetch(site.url + "/slow", allow_private=True, timeout=0.5)
    with pytest.raises(FetchRetry, match="HTTP 503"):
        await fetch(site.url + "/boom", allow_private=True)
    missing = await fetch(site.url + "/nope", allow_private=True)
    assert (missing.status, missing.http_status) == (SourceStatus.HTTP_ERROR, 404)


@pytest.mark.parametrize(("address", "reason"), REFUSED)
async def test_refused_targets_are_never_fetched(address: str, reason: str) -> None:
    host = f"[{address}]" if ":" in address else address
    got = await fetch(f"http://{host}/", allow_private=False, timeout=2)
    assert got.status == SourceStatus.REFUSED


async def test_a_name_resolving_to_a_private_address_is_refused_and_a_checked_one_pinned(
    site: Site,
) -> None:
    async def to_private(host: str, port: int) -> list[str]:
        return ["10.1.2.3"]

    got = await fetch("http://intranet.example/", allow_private=False, resolver=to_private)
    assert got.status == SourceStatus.REFUSED and "private" in (got.detail or "")

    port = int(site.url.rsplit(":", 1)[1])

    async def to_site(host: str, port_: int) -> list[str]:
        return ["127.0.0.1"]

    # The connection goes to the address that was checked, never resolving the name again.
    got = await fetch(f"http://acme.example:{port}/", allow_private=True, resolver=to_site)
    assert got.status == SourceStatus.OK and b"Acme Widgets" in got.body

"""Lead enrichment's pure decisions: deliverability from DNS and lexicon facts, what an
address's parts are, what a company's page says, what robots.txt allows, and the template
variables an enrichment gives."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from outreach.config import Settings
from outreach.enrichment.address import (
    MailFacts,
    company_domain,
    is_disposable,
    is_free_mail,
    is_role_account,
    judge,
    parse_address,
)
from outreach.enrichment.dns import parse_nameservers
from outreach.enrichment.extract import merge, parse_page, robots_allows, robots_url
from outreach.enrichment.robots import DISALLOW_ALL, RobotsCache, rules_from
from outreach.enrichment.service import check_website, lead_website, undeliverable
from outreach.enrichment.status import Deliverability as D
from outreach.errors import RuleBroken
from outreach.render import lead_variables, render

MX = ("mx1.example.net",)


@pytest.mark.parametrize(
    ("facts", "verdict", "reasons"),
    [
        (MailFacts(syntax_ok=False), D.UNDELIVERABLE, ["invalid_syntax"]),
        (MailFacts(True, nxdomain=True), D.UNDELIVERABLE, ["domain_not_found"]),
        (MailFacts(True, null_mx=True), D.UNDELIVERABLE, ["null_mx"]),
        (MailFacts(True, has_address=False), D.UNDELIVERABLE, ["no_mail_server"]),
        (MailFacts(True, has_address=True), D.RISKY, ["no_mx_address_fallback"]),
        (MailFacts(True, dns_failed=True), D.UNKNOWN, ["dns_unavailable"]),
        (MailFacts(True, mx_hosts=MX), D.DELIVERABLE, ["mx_found"]),
        (MailFacts(True, mx_hosts=MX, free_mail=True), D.DELIVERABLE, ["mx_found", "free_mail"]),
        (MailFacts(True, mx_hosts=MX, role=True), D.RISKY, ["role_account", "mx_found"]),
        (
            MailFacts(True, mx_hosts=MX, disposable=True),
            D.RISKY,
            ["disposable_domain", "mx_found"],
        ),
        # A null MX outranks everything the lexicons say.
        (
            MailFacts(True, null_mx=True, role=True),
            D.UNDELIVERABLE,
            ["null_mx", "role_account"],
        ),
        (
            MailFacts(True, dns_failed=True, disposable=True),
            D.UNKNOWN,
            ["dns_unavailable", "disposable_domain"],
        ),
    ],
)
def test_deliverability_from_the_facts(facts: MailFacts, verdict: D, reasons: list[str]) -> None:
    got = judge(facts)
    assert got.deliverability == verdict
    assert [str(r) for r in got.reasons] == reasons


def test_address_parts_and_lexicons() -> None:
    assert parse_address("not an address") is None
    assert parse_address("a@@b.com") is None
    parsed = parse_address("Sam@Bücher.Example")
    assert parsed is not None and parsed.domain == "xn--bcher-kva.example"
    for local in ("info", "Sales", "sales+eu", "no-reply", "noreply", "no.reply"):
        assert is_role_account(local), local
    assert not is_role_account("sam")
    assert is_free_mail("gmail.com") and not is_free_mail("acmewidgets.io")
    # The maintained list (disposable-email-domains), subdomains included.
    assert is_disposable("mailinator.com") and is_disposable("x.mailinator.com")
    assert not is_disposable("acmewidgets.io")
    # A person's own mailbox says nothing about their employer.
    assert company_domain("gmail.com") is None
    assert company_domain("mailinator.com") is None
    assert company_domain("acmewidgets.io") == "acmewidgets.io"


def test_nameserver_setting() -> None:
    assert parse_nameservers(None) == []
    assert parse_nameservers("10.0.0.53, 127.0.0.1:5353,[::1]:53, ::1") == [
        ("10.0.0.53", 53),
        ("127.0.0.1", 5353),
        ("::1", 53),
        ("::1", 53),
    ]
    for bad in ("dns.example.com", "127.0.0.1:0", "127.0.0.1:x", "[::1]5"):
        with pytest.raises(ValueError):
            parse_nameservers(bad)
    # OUTREACH_DNS_NAMESERVERS is checked when the settings are read (a clear start-up error).
    assert Settings(dns_nameservers="127.0.0.1:5353").dns_nameservers == "127.0.0.1:5353"
    with pytest.raises(ValidationError, match="not an IP address"):
        Settings(dns_nameservers="dns.example.com")


def test_a_page_is_read_for_its_company_facts() -> None:
    html = b"""<html lang="fr"><head><title>Widgetrie - Accueil</title>
    <meta name="description" content="  Des widgets\n pour tous. ">
    <meta property="og:site_name" content="Widgetrie">
    <script type="application/ld+json">[{"@type": ["Corporation"], "name": "Widgetrie SAS",
      "logo": {"@type": "ImageObject", "url": "https://w.fr/logo.png"},
      "sameAs": "https://fr.linkedin.com/company/widgetrie"}]</script>
    </head><body><a href="/a-propos/">A propos</a><a href="https://x.com/widgetrie">X</a>
    <a href="https://other.example/about">not ours</a></body></html>"""
    page = parse_page("https://w.fr/", html)
    assert page.language == "fr"
    assert page.description == "Des widgets pour tous."
    assert page.organization["name"] == "Widgetrie SAS"
    assert page.organization["logo"] == "https://w.fr/logo.png"
    assert page.about_url == "https://w.fr/a-propos/"
    assert page.social == {"twitter": "https://x.com/widgetrie"}  # sameAs host is fr.linkedin
    profile = merge(page, None)
    assert profile["name"] == "Widgetrie SAS"  # JSON-LD before OpenGraph before the title
    assert profile["description"] == "Des widgets pour tous."
    assert (
        merge(parse_page("https://b.de/", b"<title>Beta GmbH - Start</title>"), None)["name"]
        == "Beta GmbH"
    )
    assert merge(None, None) == {}


def test_the_first_of_each_open_graph_property_is_kept_and_their_number_capped() -> None:
    metas = "".join(f'<meta property="og:p{i}" content="v{i}">' for i in range(50))
    twice = '<meta property="og:title" content="First"><meta property="og:title" content="2">'
    html = twice + metas
    page = parse_page("https://a.io/", html.encode())
    assert page.open_graph["title"] == "First"
    assert len(page.open_graph) == 30


def test_robots_txt_decides_what_may_be_fetched() -> None:
    rules = "User-agent: *\nDisallow: /private\n\nUser-agent: OutreachEnrichBot\nDisallow: /x\n"
    assert robots_allows(None, "https://a.io/private", "OutreachEnrichBot")
    assert robots_allows(rules, "https://a.io/private", "OutreachEnrichBot")  # its own group
    assert not robots_allows(rules, "https://a.io/x/y", "OutreachEnrichBot")
    assert not robots_allows(rules, "https://a.io/private/about", "OtherBot")
    assert not robots_allows("User-agent: *\nDisallow: /\n", "https://a.io/", "OutreachEnrichBot")


def test_what_a_robots_txt_fetch_means() -> None:
    text = b"User-agent: *\nDisallow: /private\n"
    assert rules_from("ok", "text/plain", text) == text.decode()
    assert rules_from("too_large", "", b"") == DISALLOW_ALL  # over 500 KiB: read nothing
    assert not robots_allows(DISALLOW_ALL, "https://a.io/", "OutreachEnrichBot")
    for status in ("http_error", "refused", "too_many_redirects"):  # 4xx and the like
        assert rules_from(status, "", b"") is None  # everything allowed
    assert rules_from("ok", "text/html; charset=utf-8", b"<html>soft 404</html>") is None
    assert rules_from("ok", "text/plain", b"User-agent: *\nDisallow: /\xff\n") is not None
    assert robots_url("https://a.io:8443/about?x=1") == "https://a.io:8443/robots.txt"


def test_the_robots_cache_is_bounded_in_age_entries_and_bytes() -> None:
    now = [0.0]
    cache = RobotsCache(ttl=60, max_entries=2, max_bytes=100, clock=lambda: now[0])
    cache.put("https://a.io/robots.txt", "src-a", "a" * 40)
    assert cache.get("https://a.io/robots.txt").rules == "a" * 40  # type: ignore[union-attr]
    now[0] = 60.0
    assert cache.get("https://a.io/robots.txt") is None and len(cache) == 0  # too old
    cache.put("https://a.io/robots.txt", "src-a", "a" * 40)
    cache.put("https://b.io/robots.txt", "src-b", None)  # none found: kept, costs nothing
    cache.put("https://c.io/robots.txt", "src-c", "c" * 40)  # the oldest goes
    assert cache.get("https://a.io/robots.txt") is None and len(cache) == 2
    cache.put("https://d.io/robots.txt", "src-d", "d" * 90)  # past 100 bytes: evictions
    assert cache.held_bytes <= 100 and cache.get("https://d.io/robots.txt") is not None
    cache.put("https://e.io/robots.txt", "src-e", "e" * 101)  # alone over the budget
    assert cache.get("https://e.io/robots.txt") is None and cache.held_bytes <= 100
    cache.put("https://d.io/robots.txt", "src-d2", "d")  # replaced, not counted twice
    assert (cache.held_bytes, len(cache)) == (1, 1)
    assert cache.get("https://d.io/robots.txt").source == "src-d2"  # type: ignore[union-attr]


def test_a_given_website_is_refused_when_it_cannot_be_fetched() -> None:
    assert check_website("https://acmewidgets.io/", allow_private=False)
    for bad in ("ftp://a.io/", "https://u:p@a.io/", "http://169.254.169.254/", "http://10.0.0.1/"):
        with pytest.raises(RuleBroken) as err:
            check_website(bad, allow_private=False)
        assert err.value.code == "invalid_website"
    check_website("http://127.0.0.1:8080/", allow_private=True)  # dev and tests


class _Row:
    def __init__(self, **kw: object) -> None:
        self.__dict__.update(
            {
                "first_name": "Sam",
                "last_name": None,
                "company": None,
                "role": None,
                "email": "sam@acmewidgets.io",
                "linkedin_url": None,
                "custom_fields": {},
                "from_name": "Anita",
                "from_email": "a@x.io",
                "enrichment": None,
                **kw,
            }
        )


def test_enrichment_values_are_template_variables_with_fallbacks() -> None:
    text = "{{opener|Hi}} {{companyName|your team}}: {{companyDescription|-}}"
    bare = lead_variables(_Row(), _Row())
    assert render(text, bare) == "Hi your team: -"
    enriched = _Row(
        enrichment={
            "status": "ready",
            "company": {"name": "Acme Widgets Ltd", "description": "Stock widgets."},
            "opener": "Loved the stock-count demo.",
        }
    )
    values = lead_variables(enriched, _Row())
    assert render(text, values) == "Loved the stock-count demo. Acme Widgets Ltd: Stock widgets."
    # The lead's own custom field of the same name wins over what enrichment found.
    own = _Row(enrichment=enriched.enrichment, custom_fields={"companyName": "ACME"})
    assert render("{{companyName}}", lead_variables(own, _Row())) == "ACME"


def test_json_ld_nested_too_deep_is_skipped_and_the_page_still_read() -> None:
    """A hostile page: a JSON-LD block nested past the parser's depth is one broken block,
    not a failed fetch."""
    deep = "[" * 50_000 + "]" * 50_000
    html = (
        '<html lang="en"><head><title>Acme | Home</title>'
        f'<script type="application/ld+json">{deep}</script>'
        '<script type="application/ld+json">{"@type": "Organization", "name": "Acme Inc"}'
        "</script></head></html>"
    )
    page = parse_page("https://acme.example/", html.encode())
    assert page.organization and page.organization["name"] == "Acme Inc"
    assert page.language == "en"


def test_the_lead_s_own_website_field_names_its_company_site() -> None:
    assert lead_website({"website": "acme.com"}, False) == "https://acme.com/"
    assert lead_website({"companyWebsite": " http://acme.com:8080/x "}, False) == (
        "http://acme.com:8080/x"
    )
    # Unfetchable values are passed over, the next field is tried; none gives None.
    assert lead_website({"website": "ftp://acme.com", "url": "beta.io"}, False) == (
        "https://beta.io/"
    )
    assert lead_website({"website": "http://169.254.169.254/"}, True) is None
    assert lead_website({"website": 5}, False) is None and lead_website(None, False) is None


def test_only_an_undeliverable_finding_stops_a_lead() -> None:
    def found(d: str, *reasons: str) -> dict:
        return {"status": "ready", "email": {"deliverability": d, "reasons": list(reasons)}}

    assert undeliverable(found("undeliverable", "null_mx", "role_account")) == (
        "null_mx, role_account"
    )
    assert undeliverable(found("undeliverable")) == "undeliverable"
    for kept in (found("risky", "role_account"), found("unknown"), found("deliverable"), None):
        assert undeliverable(kept) is None


def test_company_falls_back_to_the_enriched_name() -> None:
    class Row:
        first_name = last_name = role = linkedin_url = None
        email = "sam@acme.io"
        custom_fields: dict = {}
        enrichment = {"company": {"name": "Acme Widgets Ltd"}}
        company: str | None = None

    class Camp:
        from_name = from_email = None

    assert render("{{company|you}}", lead_variables(Row(), Camp())) == "Acme Widgets Ltd"
    Row.company = "Acme"  # the lead's own value wins
    assert render("{{company|you}}", lead_variables(Row(), Camp())) == "Acme"

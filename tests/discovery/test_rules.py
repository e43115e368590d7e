"""Discovery's pure decisions: who is on a page, which address pattern a site confirms,
how titles fit an ICP, which seeds and search results are sites, which pages to read."""

from __future__ import annotations

import pytest

from outreach.discovery import patterns, ranking, rules
from outreach.discovery.contracts import CrawledPage, PersonFact
from outreach.discovery.people import looks_like_name, parse_people
from outreach.discovery.status import Outcome

SITE = "http://127.0.0.1:8000/"


def test_people_from_json_ld_microdata_mailto_and_team_blocks() -> None:
    html = b"""<html><body>
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "Organization", "name": "Acme", "founder": {"@type": "Person",
       "givenName": "Ana", "familyName": "L\xc3\xb3pez", "jobTitle": "Founder"}},
      {"@type": ["Person"], "name": "Jane Doe", "jobTitle": "CEO",
       "email": "mailto:Jane.Doe@acme.io"}
    ]}</script>
    <script type="application/ld+json">{broken</script>
    <div itemscope itemtype="http://schema.org/Person"><span itemprop="name">Bob Stone</span>
      <span itemprop="jobTitle">Head of Marketing</span>
      <a itemprop="email" href="mailto:bob@acme.io">mail</a></div>
    <div class="team-grid"><div class="card"><h3>Carla Mendes</h3><p>VP Sales</p></div>
      <div class="card"><h3>Dan Kim</h3><h3>Eve Park</h3></div></div>
    <h2>Our Team</h2><h3>Contact Us</h3>
    <a href="mailto:info@acme.io">info@acme.io</a> <a href="mailto:fred.k@acme.io">Fred Klein</a>
    <p>Or write to press@acme.io.</p>
    <a href="/team/">Team</a> <a href="/about-us">About</a> <a href="/pricing">Pricing</a>
    <a href="http://elsewhere.io/team">Theirs</a> <a href="/contact#form">Contact</a>
    </body></html>"""
    page = parse_people(SITE, html)
    people = {p.name: p for p in page.people}
    assert set(people) == {
        "Ana López", "Jane Doe", "Bob Stone", "Carla Mendes", "Dan Kim", "Eve Park", "Fred Klein"
    }  # fmt: skip
    assert (people["Jane Doe"].title, people["Jane Doe"].email) == ("CEO", "jane.doe@acme.io")
    assert people["Ana López"].title == "Founder" and people["Ana López"].source == "jsonld"
    assert (people["Bob Stone"].email, people["Bob Stone"].source) == ("bob@acme.io", "microdata")
    assert people["Carla Mendes"].title == "VP Sales"
    assert people["Dan Kim"].title is None  # the next heading is the next person, not a title
    assert people["Fred Klein"].email == "fred.k@acme.io"
    assert {"info@acme.io", "press@acme.io", "jane.doe@acme.io"} <= set(page.emails)
    assert page.links == [SITE + "team/", SITE + "about-us", SITE + "contact"]


def test_plain_headings_are_people_only_on_team_pages() -> None:
    html = b"<html><body><h3>Grace Hopper</h3><p>Engineering Lead</p></body></html>"
    assert parse_people(SITE, html).people == []
    (grace,) = parse_people(SITE + "people", html).people
    assert (grace.name, grace.title) == ("Grace Hopper", "Engineering Lead")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jane Doe", True),
        ("Ana María López-Ruiz", True),
        ("Seán O'Neill", True),
        ("Jane", False),
        ("Our Team", False),
        ("Meet The Founders", False),
        ("jane doe", False),
        ("Jane Doe 2", False),
        ("A Very Long Heading Of Five", False),
    ],
)
def test_what_reads_as_a_name(text: str, expected: bool) -> None:
    assert looks_like_name(text) is expected


def test_a_pattern_only_from_addresses_seen_with_their_names() -> None:
    assert patterns.confirmed_pattern([("Jane Doe", "jane.doe")]) == "first.last"
    assert patterns.confirmed_pattern([("Jane Doe", "jdoe"), ("Bob Stone", "bstone")]) == "flast"
    assert patterns.confirmed_pattern([("Mia Wong", "mia")]) == "first"
    # The majority wins; an address that fits no pattern confirms nothing.
    seen = [("Jane Doe", "jane"), ("Bob Stone", "bob.stone"), ("Eve Park", "eve.park")]
    assert patterns.confirmed_pattern(seen) == "first.last"
    assert patterns.confirmed_pattern([("Jane Doe", "sales")]) is None
    assert patterns.confirmed_pattern([]) is None
    assert patterns.propose("José Núñez", "first.last", "acme.io") == "jose.nunez@acme.io"
    assert patterns.propose("Cher", "first.last", "acme.io") is None
    assert patterns.guess_name("jane.doe") == ("Jane", "Doe")
    assert patterns.guess_name("jdoe") is None


def test_titles_ranked_by_the_icps_roles() -> None:
    wanted = ranking.roles_in("Heads of marketing and founders of coffee roasters")
    assert wanted == ["founder", "head", "marketing"]
    assert ranking.score("Head of Marketing", wanted) == 3  # two roles, seniority + function
    assert ranking.score("Co-Founder & CEO", wanted) == 1
    assert ranking.score("Marketing Assistant", wanted) == 1
    assert ranking.score("Office Manager", wanted) == 0
    assert not ranking.matches("Office Manager", wanted) and not ranking.matches(None, wanted)
    assert ranking.matches("Office Manager", [])  # an ICP without roles takes everyone
    assert ranking.roles_in("CEOs and VPs of Sales") == ["ceo", "vp", "sales"]


@pytest.mark.parametrize(
    ("seed", "site"),
    [
        ("acme.com", "https://acme.com/"),
        ("  ACME.com  ", "https://acme.com/"),
        ("https://www.acme.com/about?x=1", "https://www.acme.com/"),
        ("http://acme.example:8080/", "http://acme.example:8080/"),
        ("http://[2606:4700::1]:81/", "http://[2606:4700::1]:81/"),
    ],
)
def test_seeds_are_sites(seed: str, site: str) -> None:
    assert rules.site_of(seed) == site


@pytest.mark.parametrize(
    "seed",
    ["", "acme", "not a domain", "ftp://acme.com", "http://u:p@acme.com/", "http://10.0.0.1/",
     "169.254.169.254", "acme_co.com", "x" * 301],
)  # fmt: skip
def test_seeds_that_are_not_sites(seed: str) -> None:
    with pytest.raises(rules.InvalidDomain):
        rules.site_of(seed)


def test_searches_and_their_results() -> None:
    assert rules.keyword_queries("Heads of marketing at coffee roasters in Berlin") == [
        "coffee roasters berlin",
        "coffee roasters berlin team",
    ]
    assert rules.keyword_queries("founders and CEOs") == []
    urls = [
        "https://www.linkedin.com/company/x",
        "https://roast.de/team",
        "https://roast.de/",
        "javascript:alert(1)",
        "http://169.254.169.254/latest/",
        "https://de.wikipedia.org/wiki/Kaffee",
    ]
    # A literal address stays: the SSRF guard refuses it when it is fetched (and says so).
    assert rules.sites_from_results(urls) == ["https://roast.de/", "http://169.254.169.254/"]


def test_pages_to_read_after_the_home_page() -> None:
    links = [SITE + "contact", SITE + "about", SITE + "team", "http://other.io/team"]
    assert rules.next_pages(SITE, links, 5) == [SITE + "team", SITE + "about", SITE + "contact"]
    assert rules.next_pages(SITE, links, 2) == [SITE + "team"]
    assert rules.next_pages(SITE, [], 5) == [SITE + "team", SITE + "about"]


def _page(people: list[PersonFact], emails: list[str], url: str = SITE) -> CrawledPage:
    from activities.discovery import _seen

    return CrawledPage(url, "ok", url, people=people, addresses=[_seen(e) for e in emails])


def test_candidates_addresses_and_outcomes() -> None:
    pages = [
        _page(
            [PersonFact("Jane Doe", "Founder", "jane.doe@acme.io"),
             PersonFact("Bob Stone", "Head of Sales"),
             PersonFact("Ivy Role", "Marketing Lead", "info@acme.io"),
             PersonFact("Max Free", "Founder", "max@gmail.com")],
            ["jane.doe@acme.io", "info@acme.io", "max@gmail.com", "sam.lee@acme.io",
             "hello@other.io"],
        ),
        _page([PersonFact("Eve Park", "Office Manager")], [], SITE + "team"),
    ]  # fmt: skip
    found = {c.name: c for c in rules.candidates_of(SITE, pages)}
    assert rules.mail_domain(SITE, pages) == "acme.io"
    assert (found["Jane Doe"].email, found["Jane Doe"].address_from) == ("jane.doe@acme.io", "page")
    assert found["Bob Stone"].email == "bob.stone@acme.io"
    assert found["Bob Stone"].address_from == "pattern:first.last"
    # A role account next to a name is not that person's address: the pattern gives one.
    assert found["Ivy Role"].email == "ivy.role@acme.io"
    assert found["Max Free"].email == "max@gmail.com"  # seen with the name: it is theirs
    # An address seen alone is a candidate, named when it reads as first.last.
    assert (found["Sam Lee"].email, found["Sam Lee"].title) == ("sam.lee@acme.io", None)
    assert found["Eve Park"].found_on == SITE + "team"
    ranked = rules.judge_fit(list(found.values()), ["founder", "head", "sales", "marketing"])
    assert [c.name for c in ranked[:2]] == ["Bob Stone", "Ivy Role"]
    outcomes = {c.name: c.outcome for c in ranked}
    assert outcomes["Eve Park"] == outcomes["Sam Lee"] == Outcome.NOT_MATCHING
    assert outcomes["Jane Doe"] is None  # still open: DNS and enrolment decide
    counts = rules.counts(ranked, 1)
    assert (counts["candidates"], counts["not_matching"], counts["created"]) == (6, 2, 0)


def test_no_pattern_no_address() -> None:
    pages = [_page([PersonFact("Bob Stone", "CEO")], ["info@acme.io"])]
    (bob,) = rules.judge_fit(rules.candidates_of(SITE, pages), [])
    assert (bob.email, bob.outcome) == (None, Outcome.NO_ADDRESS)

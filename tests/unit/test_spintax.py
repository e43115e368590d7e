"""Spintax in templates: `{Hi|Hello}` groups, nested, with escapes; the variant chosen from a
seed (deterministically); validation on save; old malformed templates still render."""

from __future__ import annotations

import hashlib
import time
from collections import Counter

import httpx
import pytest

from api.deps import AppState
from api.main import create_app
from outreach.config import Settings
from outreach.db import Database
from outreach.errors import RuleBroken
from outreach.leads.service import check_rendered
from outreach.mail import SUBJECT_CAP
from outreach.models import Campaign, Lead, Step
from outreach.render import (
    CUSTOM_VALUE_CAP,
    MAX_SPIN_DEPTH,
    VARIABLE_CAPS,
    check_template,
    has_spintax,
    longest_render,
    render,
    render_longest,
)
from tests.api.conftest import BASE, assert_envelope, new_tenant
from tests.helpers import free_port

SAM = {"firstName": "Sam", "company": "Acme"}


def variants(text: str, variables: dict[str, object] | None = None, n: int = 300) -> Counter[str]:
    return Counter(render(text, variables or {}, seed=f"lead_{i}:step_1") for i in range(n))


# -- rendering ------------------------------------------------------------------------------


def test_no_seed_picks_every_first_alternative() -> None:
    text = "{Hi|Hello|Hey} {{firstName|there}}, {how are you|how is it going}?"
    assert render(text, SAM) == "Hi Sam, how are you?"
    assert render(text, {}) == "Hi there, how are you?"


def test_every_alternative_is_reached_over_a_few_hundred_seeds() -> None:
    text = "{Hi|Hello|Hey} {{firstName|there}}"
    assert set(variants(text, SAM)) == {"Hi Sam", "Hello Sam", "Hey Sam"}
    counts = variants("{a|b|c|d}", n=400)
    assert set(counts) == {"a", "b", "c", "d"}
    assert min(counts.values()) > 50  # roughly even


def test_groups_nest() -> None:
    text = "{Hi|{Hello|Hey} there}!"
    assert render(text, {}) == "Hi!"
    assert set(variants(text)) == {"Hi!", "Hello there!", "Hey there!"}
    deep = "{a|{b|{c|d}}}"  # three groups closing at once is fine (no variable touches them)
    assert set(variants(deep)) == {"a", "b", "c", "d"}


def test_empty_alternatives() -> None:
    assert set(variants("{Hi |}Sam")) == {"Hi Sam", "Sam"}
    assert set(variants("x{|}y")) == {"xy"}
    assert render("{|Hi }Sam", {}) == "Sam"


def test_variables_inside_alternatives_with_their_fallbacks() -> None:
    text = "{Hi {{firstName|there}}|Hello {{ company | your team }} folks}."
    assert set(variants(text, SAM)) == {"Hi Sam.", "Hello Acme folks."}
    assert set(variants(text, {"firstName": " "})) == {"Hi there.", "Hello your team folks."}
    # A variable's fallback is plain text, `|` and all: `{{x|y}}` is never a spin group.
    assert render("{{role|founder|owner}}", {}) == "founder|owner"
    assert set(variants("{{role|a}} {x|y}")) == {"a x", "a y"}
    assert not has_spintax("{{firstName|there}}")


def test_escapes_are_literal_inside_and_outside_groups() -> None:
    assert render(r"\{not a group\} a\|b \\ c", {}) == r"{not a group} a|b \ c"
    assert set(variants(r"{a\|b|c\}|\{d}")) == {"a|b", "c}", "{d"}
    assert render(r"\{\{firstName\}\}", SAM) == "{{firstName}}"  # escaped: no variable
    assert render(r"C:\temp\n", {}) == r"C:\temp\n"  # any other backslash stays
    assert render("Acme | Intro", {}) == "Acme | Intro"  # a `|` outside groups is a literal
    check_template(r"\{\{firstName\}\} {a\||b}")
    assert not has_spintax(r"\{a|b\}")


def test_variable_values_are_never_spun() -> None:
    evil = {"firstName": "{A|B}", "company": "A{b|c}\\{", "role": "{{firstName}}"}
    text = "{Hi|Hello} {{firstName}} at {{company}}, {{role}}"
    for seed in ("s1", "s2", "s3", None):
        out = render(text, evil, seed)
        assert out.endswith(" {A|B} at A{b|c}\\{, {{firstName}}")
    assert render_longest("{{company}}", evil) == "A{b|c}\\{"


# -- determinism ----------------------------------------------------------------------------


def test_same_seed_same_text() -> None:
    text = "{Hi|Hello|Hey} {{firstName}}, {quick|short} {question|note} {about|re} {{company}}"
    for i in range(50):
        seed = f"lead_{i}:step_2"
        assert render(text, SAM, seed) == render(text, SAM, seed)


def test_a_fixed_seed_renders_a_fixed_text() -> None:
    """The algorithm is part of the contract (a retried send, on another machine or Python,
    must render the same text): group k's alternative is sha256(seed + NUL + str(k))'s
    first 8 bytes, big-endian, modulo the number of alternatives."""
    text = "{Hi|Hello|Hey} {{firstName}}, {quick|short} {question|note|thought} {a|b|c|d|e}"
    seed = "lead_01HZX:step_3"

    def pick(index: int, n: int) -> int:
        digest = hashlib.sha256(f"{seed}\x00{index}".encode()).digest()
        return int.from_bytes(digest[:8], "big") % n

    expected = " ".join(
        [
            ["Hi", "Hello", "Hey"][pick(0, 3)],
            "Sam,",
            ["quick", "short"][pick(1, 2)],
            ["question", "note", "thought"][pick(2, 3)],
            ["a", "b", "c", "d", "e"][pick(3, 5)],
        ]
    )
    assert render(text, SAM, seed) == expected
    assert render(text, SAM, seed) == "Hello Sam, short thought b"  # pinned: catches a change


def test_a_groups_choice_does_not_depend_on_the_other_groups() -> None:
    """Indices are in document order (opening braces), nested groups included."""
    for i in range(40):
        seed = f"lead_{i}"
        second = render("{x|y} {a|b}", {}, seed).split()[1]
        assert render("{x|y|z|w} {a|b}", {}, seed).split()[1] == second


# -- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("{Hi|Hello there", "never closed"),
        ("Hi|Hello} there", "closes no spin group"),
        ("{Hi|{Hello|Hey} there", "never closed"),
        ("{Hi|Hello}} there", "closes no spin group"),
        ("{firstName}", "single alternative"),
        ("Hi {}", "single alternative"),
        ("{{{firstName}}}", "single alternative"),
        ("Hi {{firstName", "never closed"),
        ("{{ first name }}", "single alternative"),
    ],
)
def test_malformed_spintax_is_refused_with_the_place(bad: str, says: str) -> None:
    with pytest.raises(ValueError, match="character") as err:
        check_template(bad)
    assert says in str(err.value)
    assert "near '" in str(err.value)


def test_messages_name_the_position() -> None:
    with pytest.raises(ValueError, match=r"'\}' at character 10 \(near 'Hi there }"):
        check_template("Hi there } and {a|b}")
    with pytest.raises(ValueError, match=r"spin group '\{' at character 4 "):
        check_template("Hi {a|b")


def test_nesting_is_capped() -> None:
    def nest(depth: int) -> str:
        return "{a|" * depth + "x" + "}" * depth

    check_template(nest(MAX_SPIN_DEPTH))
    assert has_spintax(nest(MAX_SPIN_DEPTH))
    with pytest.raises(ValueError, match=f"deeper than {MAX_SPIN_DEPTH} levels"):
        check_template(nest(MAX_SPIN_DEPTH + 1))
    # Stored text that deep renders literally, and fast, however deep.
    assert render(nest(MAX_SPIN_DEPTH + 1), {}, "s") == nest(MAX_SPIN_DEPTH + 1)
    huge = "{" * 25_000 + "}" * 25_000
    started = time.perf_counter()
    assert render(huge, {}, "s") == huge
    assert longest_render(huge) == 50_000
    assert time.perf_counter() - started < 0.5


def test_a_large_template_is_cheap() -> None:
    text = "{a|bb|{c|ddd}} {{firstName}} " * 1_700  # ~47,600 characters, 3,400 groups
    check_template(text)
    started = time.perf_counter()
    assert len(render(text, SAM, "seed")) < len(text)
    assert longest_render(text) == 1_700 * (3 + 1 + VARIABLE_CAPS["firstName"] + 1)
    assert len(render_longest(text, SAM)) == 1_700 * (3 + 1 + 3 + 1)
    assert time.perf_counter() - started < 0.5


# -- sizes ----------------------------------------------------------------------------------


def test_longest_render_takes_the_longest_alternative_of_every_group() -> None:
    assert longest_render("{Hi|Hello|Hey} there") == 5 + 6
    assert longest_render("{a|{bbbb|cc} dd}") == 7  # "bbbb dd"
    assert longest_render("{Hi|Hey {{firstName}} }") == 4 + VARIABLE_CAPS["firstName"] + 1
    assert longest_render("{x|{{pain}} }") == CUSTOM_VALUE_CAP + 1
    assert longest_render(r"\{a\}") == 3
    assert longest_render("{|}") == 0


def test_render_longest_uses_this_leads_values() -> None:
    text = "{Hi|Hello} {{firstName|there}}, {a note|{{company}} and you}"
    assert render_longest(text, {"firstName": "Sam", "company": "Acme"}) == (
        "Hello Sam, Acme and you"
    )
    assert render_longest(text, {"company": "Initech Corporation"}) == (
        "Hello there, Initech Corporation and you"
    )


# -- templates stored before spintax --------------------------------------------------------


def test_a_variable_may_touch_a_group_brace() -> None:
    """Variables are read before spin braces, so `}}}` and `{{{` are unambiguous."""
    template = "{Hi|Hello {{firstName}}}, {{{firstName}}|you} there"
    check_template(template)
    seen = {render(template, SAM, seed=f"s{i}") for i in range(40)}
    assert seen == {
        "Hi, Sam there",
        "Hi, you there",
        "Hello Sam, Sam there",
        "Hello Sam, you there",
    }


@pytest.mark.parametrize(
    "old",
    [
        "Hi {{firstName}} {",
        "Hi } {{firstName}}",
        "{ {{firstName}}",
        'JSON: {"a": 1}',
        "{{{firstName}}}",
        "}}{{firstName}}{{",
    ],
)
def test_malformed_stored_text_renders_literally(old: str) -> None:
    out = render(old, SAM, seed="lead_1:step_1")
    assert out == old.replace("{{firstName}}", "Sam")
    assert render(old, SAM) == out
    assert not has_spintax(old)
    assert longest_render(old) == len(old) - len("{{firstName}}") * old.count(
        "{{firstName}}"
    ) + VARIABLE_CAPS["firstName"] * old.count("{{firstName}}")


def test_empty_text() -> None:
    assert render(None, SAM, "s") == render("", SAM) == ""
    assert longest_render(None) == 0 and render_longest(None, SAM) == ""
    assert not has_spintax(None) and not has_spintax("plain")
    assert has_spintax("{a|b}")


# -- on save, through the API ---------------------------------------------------------------


async def test_campaign_save_refuses_unbalanced_spintax(settings: Settings, db: Database) -> None:
    tenant = await new_tenant(db)
    # No Temporal: a refused or draft campaign never reaches it.
    offline = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(offline)
    app.state.outreach = AppState(offline)
    step = {"channel": "email", "delay": "P0D", "subject": "{Hi|Hello} {{firstName|there}}"}
    campaign = {"name": "Spun", "fromName": "Anita", "fromEmail": "anita@sender.example.com"}
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as api:
            r = await api.post(
                f"{BASE}/campaigns",
                headers=tenant.headers,
                json={**campaign, "steps": [{**step, "body": "{Thanks|Cheers for reading"}]},
            )
            body = assert_envelope(r, 422, "invalid_template")
            assert body["error"].startswith("steps[1].body: spin group '{' at character 1")
            r = await api.post(
                f"{BASE}/campaigns",
                headers=tenant.headers,
                json={**campaign, "steps": [{**step, "subject": "Hi}", "body": "x"}]},
            )
            assert_envelope(r, 422, "invalid_template")
            ok = {**step, "body": "{Thanks|Cheers}, {{fromName}} \\{sic\\}"}
            r = await api.post(
                f"{BASE}/campaigns", headers=tenant.headers, json={**campaign, "steps": [ok]}
            )
            assert r.status_code == 201, r.text
            assert r.json()["steps"][0]["body"] == ok["body"]
    finally:
        await app.state.outreach.close()


def test_a_leads_subject_must_fit_in_every_variant() -> None:
    campaign = Campaign(workspace_id="ws_1", name="c", from_name="Anita", from_email="a@b.io")
    lead = Lead(campaign_id="camp_1", email="sam@example.com", first_name="Sam")
    long = "x" * (SUBJECT_CAP - 20)
    fits = Step(campaign_id="camp_1", position=1, subject="{Hi|Hello} {{firstName}} " + long)
    check_rendered(lead, campaign, [fits])
    # The first alternative fits; the second would not: refused for every lead it spins to.
    spun = Step(campaign_id="camp_1", position=2, subject="{Hi|" + "y" * 30 + "} " + long)
    assert len(render(spun.subject, {})) <= SUBJECT_CAP
    with pytest.raises(RuleBroken) as err:
        check_rendered(lead, campaign, [fits, spun])
    assert err.value.code == "rendered_subject_too_long" and "Step 2" in err.value.message

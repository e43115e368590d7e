"""Template rendering: variables and spintax.

Variables: `{{firstName}}`, `{{ firstName | there }}` (the fallback when the value is empty;
a fallback is plain text).

Spintax: `{Hi|Hello|Hey}` is a spin group, rendered as one of its `|`-separated
alternatives. Groups nest (`{Hi|{Hello|Hey} there}`, at most MAX_SPIN_DEPTH levels); an
alternative may hold variables and may be empty (`{Hi |}`). Double braces are always a
variable, never a group. `\\{`, `\\}`, `\\|` and `\\\\` are a literal `{`, `}`, `|` and
backslash, inside or outside groups; a `|` outside any group is a literal too.

The alternative of each group comes from a seed: sha256 of the seed and the group's index in
document order (the order of opening braces, from 0), so a seed renders the same text on
every machine and Python version; no seed (`None`) picks every group's first alternative.
Variables are substituted after the choice: their values are never read as spintax.

Text `check_template` refuses (say, a template stored before spintax existed, with a stray
brace) renders as it did then: variables substituted, everything else literal.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeAlias

from outreach.enrichment.variables import template_variables

_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(?:\|([^{}]*))?\}\}")
# One token, left to right: an escape, a variable (tried before a single brace, so `{{x|y}}`
# is never a group), a group's brace or separator, or a run of plain text.
_TOKEN = re.compile(
    r"(?P<esc>\\[\\{}|])"
    r"|(?P<var>\{\{\s*(?P<name>[A-Za-z_][A-Za-z0-9_.]*)\s*(?:\|(?P<fallback>[^{}]*))?\}\})"
    r"|(?P<open>\{)|(?P<close>\})|(?P<bar>\|)"
    r"|(?P<text>[^\\{}|]+|\\)"
)
MAX_SPIN_DEPTH = 10  # levels of nested spin groups


@dataclass(frozen=True, slots=True)
class _Var:
    name: str
    fallback: str  # stripped


@dataclass(frozen=True, slots=True)
class _Group:
    index: int  # in document order (of the opening braces), from 0
    alternatives: tuple[tuple[_Node, ...], ...]


_Node: TypeAlias = "str | _Var | _Group"


class _Open:
    """A spin group being parsed."""

    __slots__ = ("alternatives", "current", "index", "start")

    def __init__(self, start: int, index: int) -> None:
        self.start, self.index = start, index
        self.alternatives: list[tuple[_Node, ...]] = []
        self.current: list[_Node] = []


def _near(text: str, pos: int) -> str:
    snippet = text[max(0, pos - 20) : pos + 20].replace("\r", " ").replace("\n", " ")
    return f"at character {pos + 1} (near '{snippet}')"


_LITERAL_HINT = "a literal brace is written \\{ or \\}, a variable {{name}} or {{name|fallback}}"


@lru_cache(maxsize=128)
def _parse(text: str) -> tuple[_Node, ...]:
    """The template as a tree; ValueError (with the place) when it is malformed. Iterative,
    and nesting is capped, so no template can recurse deeply here or when it is walked."""
    root: list[_Node] = []
    current = root
    stack: list[_Open] = []
    groups = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "text":
            current.append(m.group())
        elif kind == "esc":
            current.append(m.group()[1])
        elif kind == "var":
            current.append(_Var(m.group("name"), (m.group("fallback") or "").strip()))
        elif kind == "open":
            if len(stack) >= MAX_SPIN_DEPTH:
                raise ValueError(
                    f"spin groups nest deeper than {MAX_SPIN_DEPTH} levels {_near(text, m.start())}"
                )
            stack.append(_Open(m.start(), groups))
            groups += 1
            current = stack[-1].current
        elif kind == "bar":
            if not stack:
                current.append("|")  # outside any group: a literal
            else:
                top = stack[-1]
                top.alternatives.append(tuple(top.current))
                top.current = current = []
        elif kind == "close":
            if not stack:
                raise ValueError(
                    f"'}}' {_near(text, m.start())} closes no spin group; {_LITERAL_HINT}"
                )
            top = stack.pop()
            if not top.alternatives:
                raise ValueError(
                    f"spin group {_near(text, top.start)} has a single alternative: separate "
                    f"alternatives with '|' ({{Hi|Hello}}); {_LITERAL_HINT}"
                )
            group = _Group(top.index, (*top.alternatives, tuple(top.current)))
            current = stack[-1].current if stack else root
            current.append(group)
    if stack:
        raise ValueError(
            f"spin group '{{' {_near(text, stack[0].start)} is never closed: end it with '}}'; "
            f"{_LITERAL_HINT}"
        )
    return tuple(root)


def check_template(text: str) -> None:
    """ValueError, saying where, if the template has malformed variables or spintax:
    unbalanced or stray braces, a group with a single alternative, groups nested deeper
    than MAX_SPIN_DEPTH, `{{{`/`}}}` (a variable touching a group's brace)."""
    _parse(text)


def has_spintax(text: str | None) -> bool:
    """Whether the text holds a spin group (text check_template refuses renders literally,
    so holds none)."""
    if not text:
        return False
    try:
        nodes = _parse(text)
    except ValueError:
        return False
    return any(isinstance(node, _Group) for node in nodes)


def _value(node: _Var, variables: Mapping[str, Any]) -> str:
    value = variables.get(node.name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return node.fallback
    return str(value)


def _legacy_render(text: str, variables: Mapping[str, Any]) -> str:
    """Variables only, everything else literal: how templates rendered before spintax."""

    def _sub(m: re.Match[str]) -> str:
        return _value(_Var(m.group(1), (m.group(2) or "").strip()), variables)

    return _VAR.sub(_sub, text)


def _chooser(seed: str | None) -> Callable[[_Group], int]:
    if seed is None:
        return lambda group: 0
    prefix = hashlib.sha256(seed.encode("utf-8", "surrogatepass"))

    def choose(group: _Group) -> int:
        h = prefix.copy()
        h.update(b"\x00%d" % group.index)
        return int.from_bytes(h.digest()[:8], "big") % len(group.alternatives)

    return choose


def step_seed(lead_id: str, position: int) -> str:
    """The spintax seed of a lead's step: each lead gets its own wording, and every retry
    (or a later regeneration's starting point) the same one."""
    return f"{lead_id}:{position}"


def render(text: str | None, variables: Mapping[str, Any], seed: str | None = None) -> str:
    """The template with its spin groups resolved (from `seed`: see the module's doc) and
    its variables substituted. Never raises on malformed text (rendered literally)."""
    if not text:
        return ""
    try:
        nodes = _parse(text)
    except ValueError:
        return _legacy_render(text, variables)
    choose = _chooser(seed)
    out: list[str] = []

    def emit(seq: tuple[_Node, ...]) -> None:  # recursion bounded by MAX_SPIN_DEPTH
        for node in seq:
            if isinstance(node, str):
                out.append(node)
            elif isinstance(node, _Var):
                out.append(_value(node, variables))
            else:
                emit(node.alternatives[choose(node)])

    emit(nodes)
    return "".join(out)


def render_longest(text: str | None, variables: Mapping[str, Any]) -> str:
    """The variant of the template with the most characters for these values (the longest
    alternative of every group, computed per group: never an enumeration of variants)."""
    if not text:
        return ""
    try:
        nodes = _parse(text)
    except ValueError:
        return _legacy_render(text, variables)

    def widest(seq: tuple[_Node, ...]) -> str:  # recursion bounded by MAX_SPIN_DEPTH
        parts: list[str] = []
        for node in seq:
            if isinstance(node, str):
                parts.append(node)
            elif isinstance(node, _Var):
                parts.append(_value(node, variables))
            else:
                parts.append(max((widest(alt) for alt in node.alternatives), key=len))
        return "".join(parts)

    return widest(nodes)


def lead_variables(
    lead: Any, campaign: Any, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    first, last = lead.first_name or "", lead.last_name or ""
    found = template_variables(getattr(lead, "enrichment", None))
    values: dict[str, Any] = {
        # What enrichment found (companyName, companyDescription, opener...): the lead's
        # own custom fields of the same name win over it.
        **found,
        **(lead.custom_fields or {}),
        "firstName": lead.first_name,
        "lastName": lead.last_name,
        "fullName": (first + " " + last).strip() or None,
        "company": lead.company or found.get("companyName"),  # else the enriched name
        "role": lead.role,
        "email": lead.email,
        "linkedinUrl": lead.linkedin_url,
        "fromName": campaign.from_name,
        "fromEmail": campaign.from_email,
    }
    values.update(extra or {})
    return values


# -- size bounds ---------------------------------------------------------------------------
# A template may not render into something a shared worker cannot afford: a custom value is
# at most CUSTOM_VALUE_CAP characters, and a step whose body could render past
# RENDERED_BODY_CAP (every variable at its longest, every spin group at its longest
# alternative) is refused when the campaign is saved.

CUSTOM_VALUE_CAP = 1_000
RENDERED_BODY_CAP = 200_000
# The longest each standard variable can be (the API's field limits); anything else is a
# custom field.
VARIABLE_CAPS = {
    "firstName": 200,
    "lastName": 200,
    "fullName": 401,
    "company": 300,
    "role": 200,
    "email": 320,
    "linkedinUrl": 500,
    "fromName": 200,
    "fromEmail": 320,
    "unsubscribeUrl": 600,
    # from the lead's enrichment (outreach.enrichment.service.VARIABLES)
    "companyName": 300,
    "companyDescription": 1_000,
    "companyWebsite": 2_000,
    "companySummary": 600,
    "opener": 300,
}


def _var_cap(name: str, fallback: str) -> int:
    return max(VARIABLE_CAPS.get(name, CUSTOM_VALUE_CAP), len(fallback))


def longest_render(text: str | None) -> int:
    """The most characters `text` can render to: every variable at its longest and every
    spin group at its longest alternative (a maximum per group, not an enumeration)."""
    if not text:
        return 0
    try:
        nodes = _parse(text)
    except ValueError:
        total, last = 0, 0
        for m in _VAR.finditer(text):
            total += m.start() - last + _var_cap(m.group(1), (m.group(2) or "").strip())
            last = m.end()
        return total + len(text) - last

    def most(seq: tuple[_Node, ...]) -> int:  # recursion bounded by MAX_SPIN_DEPTH
        total = 0
        for node in seq:
            if isinstance(node, str):
                total += len(node)
            elif isinstance(node, _Var):
                total += _var_cap(node.name, node.fallback)
            else:
                total += max(most(alt) for alt in node.alternatives)
        return total

    return most(nodes)

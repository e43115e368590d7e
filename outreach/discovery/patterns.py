"""Address patterns (pure): which way a company writes its addresses, learnt only from the
addresses seen on its own pages next to the names they belong to, and the address that way
gives a named person. Never a guess without a confirmation: no pattern seen, no address."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable

_NOT_LETTER = re.compile(r"[^a-z]")

# name -> local part; in order of preference when two fit the same evidence equally.
PATTERNS: dict[str, Callable[[str, str], str]] = {
    "first.last": lambda f, la: f"{f}.{la}",
    "firstlast": lambda f, la: f"{f}{la}",
    "first_last": lambda f, la: f"{f}_{la}",
    "first-last": lambda f, la: f"{f}-{la}",
    "flast": lambda f, la: f"{f[0]}{la}",
    "f.last": lambda f, la: f"{f[0]}.{la}",
    "first.l": lambda f, la: f"{f}.{la[0]}",
    "firstl": lambda f, la: f"{f}{la[0]}",
    "last.first": lambda f, la: f"{la}.{f}",
    "lastf": lambda f, la: f"{la}{f[0]}",
    "first": lambda f, la: f,
    "last": lambda f, la: la,
}


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_LETTER.sub("", folded.lower())


def name_parts(name: str) -> tuple[str, str] | None:
    """(first, last) as an address would spell them: ASCII letters only; the last name is
    the last word, particles and all joined ("van der Berg" → "vanderberg" is not tried:
    the last word is "berg"). None without two words."""
    words = [w for w in name.replace(",", " ").split() if _ascii(w)]
    if len(words) < 2:
        return None
    return _ascii(words[0]), _ascii(words[-1])


def fitting(name: str, local: str) -> list[str]:
    """The patterns that turn `name` into exactly `local`."""
    parts = name_parts(name)
    if parts is None:
        return []
    first, last = parts
    local = local.lower().split("+", 1)[0]
    return [p for p, make in PATTERNS.items() if make(first, last) == local]


def confirmed_pattern(seen: list[tuple[str, str]]) -> str | None:
    """The pattern the (name, local part) pairs seen on one mail domain confirm: the one
    most of them fit (ties: PATTERNS' order); None when none fits."""
    votes: Counter[str] = Counter()
    for name, local in seen:
        votes.update(fitting(name, local))
    if not votes:
        return None
    best = max(votes.values())
    return next(p for p in PATTERNS if votes.get(p) == best)


def propose(name: str, pattern: str, domain: str) -> str | None:
    parts = name_parts(name)
    make = PATTERNS.get(pattern)
    if parts is None or make is None:
        return None
    return f"{make(*parts)}@{domain}"


def guess_name(local: str) -> tuple[str, str] | None:
    """ "jane.doe" → ("Jane", "Doe"): an address seen without a name, read as first.last
    (only that shape: "jdoe" says nothing certain)."""
    bits = re.split(r"[._-]", local.split("+", 1)[0])
    if len(bits) == 2 and all(b.isalpha() and len(b) > 1 for b in bits):
        return bits[0].capitalize(), bits[1].capitalize()
    return None

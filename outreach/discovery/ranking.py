"""The ICP's roles, and how well a person's title fits them (pure).

The roles are read from the ICP's words (a fixed vocabulary of seniorities and functions,
with their usual spellings); a model, when configured, may name more. A title scores one
point per role of the ICP it names, and one more for naming a seniority and a function
together ("Head of Marketing" for "marketing leaders"). An ICP without role words matches
every person; one with them matches only titles that name at least one.
"""

from __future__ import annotations

import re

# role -> the ways a title (or an ICP) writes it
ROLES: dict[str, tuple[str, ...]] = {
    # seniority
    "founder": ("founder", "founders", "co-founder", "cofounder", "co-founders", "owner"),
    "ceo": ("ceo", "chief executive", "managing director", "geschäftsführer", "md"),
    "cto": ("cto", "chief technology", "chief technical"),
    "cfo": ("cfo", "chief financial"),
    "coo": ("coo", "chief operating"),
    "cmo": ("cmo", "chief marketing"),
    "cro": ("cro", "chief revenue"),
    "vp": ("vp", "vice president", "vps"),
    "head": ("head", "heads", "leader", "leaders", "lead", "leads"),
    "director": ("director", "directors"),
    "manager": ("manager", "managers"),
    "partner": ("partner", "partners"),
    # function
    "marketing": ("marketing", "marketer", "marketers", "growth", "brand"),
    "sales": ("sales", "business development", "account executive", "revenue"),
    "engineering": ("engineering", "engineer", "engineers", "developer", "developers", "tech"),
    "product": ("product",),
    "operations": ("operations", "ops"),
    "finance": ("finance", "financial", "accounting"),
    "people": ("hr", "human resources", "talent", "recruiting", "people operations"),
    "design": ("design", "designer", "designers", "ux"),
    "customer": ("customer success", "customer support", "support", "customer"),
    "partnerships": ("partnerships", "alliances"),
}
SENIORITY = frozenset(
    {"founder", "ceo", "cto", "cfo", "coo", "cmo", "cro", "vp", "head", "director", "manager",
     "partner"}
)  # fmt: skip
_PATTERNS = {
    role: re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")s?\b", re.IGNORECASE)
    for role, words in ROLES.items()
}


def roles_in(text: str | None) -> list[str]:
    """The vocabulary's roles that `text` names, in vocabulary order."""
    if not text:
        return []
    return [role for role, pattern in _PATTERNS.items() if pattern.search(text)]


def score(title: str | None, wanted: list[str]) -> int:
    """How well a title fits the ICP's roles (0: not at all)."""
    if not wanted or not title:
        return 0
    named = set(roles_in(title)) & set(wanted)
    points = len(named)
    if named & SENIORITY and named - SENIORITY:
        points += 1
    return points


def matches(title: str | None, wanted: list[str]) -> bool:
    return not wanted or score(title, wanted) > 0

"""Find the address a reply refers us to ("please reach out to jane@acme.com")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import getaddresses, parseaddr

from .models import header_lookup

EMAIL_RX = re.compile(
    r"(?<![\w.+-])([A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
)
_ROBOT = re.compile(
    r"^(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounce[s]?|notifications?|"
    r"unsubscribe)[^@]*@",
    re.IGNORECASE,
)
_CUE = re.compile(
    r"(?:reach out|contact|talk|speak|write|email|e-mail|mail|ping|forward|cc|loop|copy|"
    r"handles|responsible|in charge|right person|best person|colleague|wenden|kontakt|"
    r"zustandig|zuständig|ansprechpartner|weitergeleitet|kopie|adress|contacte|écrire|ecrire|"
    r"charge|transf|transmis|copie|contacta|escrib|habla|encarga|copia|reenv|contato|contacto|"
    r"fale|falar|escreva|encaminh|cuida|neem contact|contact op|mailen|doorgestuurd|"
    r"verantwoordelijk|gaat hierover|collega|kollege|kollegin|collègue|colega|compañer)",
    re.IGNORECASE,
)


def _addr(value: str | None) -> str:
    return parseaddr(value or "")[1].strip().lower()


def emails_in(text: str) -> list[tuple[str, int]]:
    """Addresses in text with their positions, de-duplicated, original spelling kept."""
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    for m in EMAIL_RX.finditer(text):
        addr = m.group(1).rstrip(".'-")
        key = addr.lower()
        if key in seen:
            continue
        seen.add(key)
        out.append((addr, m.start()))
    return out


def extract_referral_email(
    body: str,
    from_addr: str,
    headers: Mapping[str, str] | None = None,
    *,
    allow_cc: bool = True,
) -> str | None:
    """The address the reply points us to, or None.

    ``body`` must already be stripped of quoted history and signatures, so an address that only
    appears there is never returned. The sender's own address, our address (the reply's ``To``)
    and robot addresses (no-reply, mailer-daemon) are excluded. Among the rest, the one closest
    after a referral cue ("reach out to", "cc'ing", "wenden Sie sich an", ...) wins. When the
    body names none, a ``Cc`` address of the reply is used (the lead looped a colleague in).
    """
    sender = _addr(from_addr)
    excluded = {sender} if sender else set()
    to_header = header_lookup(headers, "To") if headers else None
    if to_header:
        excluded.update(a.lower() for _, a in getaddresses([to_header]) if a)

    found = [(a, pos) for a, pos in emails_in(body) if a.lower() not in excluded]
    found = [(a, pos) for a, pos in found if not _ROBOT.match(a)]
    if found:
        cues = [m.end() for m in _CUE.finditer(body)]

        def distance(item: tuple[str, int]) -> int:
            _, pos = item
            before = [pos - c for c in cues if c <= pos]
            after = [c - pos for c in cues if c > pos]
            if before:
                return min(before)
            return 1000 + (min(after) if after else 1000)

        return min(found, key=distance)[0]

    if allow_cc and headers:
        cc = header_lookup(headers, "Cc")
        if cc:
            for _, a in getaddresses([cc]):
                if a and a.lower() not in excluded and not _ROBOT.match(a) and "@" in a:
                    return a
    return None

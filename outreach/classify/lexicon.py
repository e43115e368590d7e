"""Matching the phrase lexicons: compiling the patterns of ``lexicon_data`` (the data, kept
apart) and finding their hits in folded text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon_data import ACK_ONLY_PATTERN, KEYWORDS, LANGS, LEXICON

__all__ = ["KEYWORDS", "LANGS", "LEXICON", "Hit", "correct_typos", "find", "keyword_hits"]


@dataclass(frozen=True)
class Hit:
    """A lexicon match: which intent, which language, the matched text and where."""

    intent: str
    lang: str
    text: str
    start: int
    end: int


def _compile(pattern: str) -> re.Pattern[str]:
    # Patterns starting with ^ or ending with $ are anchored to lines; others get boundaries.
    return re.compile(r"(?<![\w@])(?:" + pattern + r")(?![a-z])", re.MULTILINE)


COMPILED: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    intent: [
        (lang, _compile("|".join(f"(?:{p.rstrip(' ')})" for p in patterns)))
        for lang, patterns in by_lang.items()
        if patterns
    ]
    for intent, by_lang in LEXICON.items()
}


def find(intent: str, text: str) -> list[Hit]:
    """All non-overlapping matches of one intent's phrases in folded text, in text order."""
    hits: list[Hit] = []
    for lang, rx in COMPILED[intent]:
        for m in rx.finditer(text):
            if m.end() > m.start():
                hits.append(Hit(intent, lang, m.group(0), m.start(), m.end()))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    # Languages share phrases ("podemos agendar" is es and pt): keep one hit per stretch.
    kept: list[Hit] = []
    for h in hits:
        if kept and h.start < kept[-1].end:
            continue
        kept.append(h)
    return kept


KEYWORDS_COMPILED: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    label: [(lang, _compile("|".join(f"(?:{p})" for p in pats))) for lang, pats in by.items()]
    for label, by in KEYWORDS.items()
}

# A reply made only of thanks / acknowledgements / greetings (any of the six languages).
ACK_ONLY = re.compile(ACK_ONLY_PATTERN, re.IGNORECASE)


def keyword_hits(text: str) -> dict[str, list[Hit]]:
    """Keyword hints per label (see KEYWORDS)."""
    out: dict[str, list[Hit]] = {}
    for label, compiled in KEYWORDS_COMPILED.items():
        found = [
            Hit(label, lang, m.group(0), m.start(), m.end())
            for lang, rx in compiled
            for m in rx.finditer(text)
        ]
        if found:
            out[label] = found
    return out


# Typo-tolerant opt-outs ("remmove me from your mailing list", "aus dem Veretiler streichen"):
# words of five letters or more one edit away from a word of the unsubscribe lexicon are
# corrected before that lexicon is tried again (symmetric deletes: a word matches when it, or
# it with one letter deleted, equals a vocabulary word or one with one letter deleted).
_VOCAB = sorted(
    {
        w
        for p in (q for by in LEXICON["unsubscribe"].values() for q in by)
        for w in re.findall(r"(?<![\\?])\b[a-z]{5,}\b", p)
    }
)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


_INDEX: dict[str, str] = {}
for _w in _VOCAB:
    for _key in (_w, *sorted(_deletes(_w))):
        _INDEX.setdefault(_key, _w)
_WORDS = re.compile(r"[a-z]{5,}")


def correct_typos(text: str) -> str:
    """``text`` with near-misses of opt-out vocabulary replaced by the word (folded text)."""

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if word in _INDEX and _INDEX[word] == word:
            return word
        for key in (word, *sorted(_deletes(word))):
            hit = _INDEX.get(key)
            if hit is not None and abs(len(hit) - len(word)) <= 1:
                return hit
        return word

    return _WORDS.sub(fix, text)

"""Features of the learned classifier: the same function feeds training and inference.

Hashed (CRC-32, stable across processes and Python versions, unlike ``hash``) into
``N_BUCKETS`` buckets, in two blocks:

* text: word unigrams and bigrams and character 3-5-grams inside words, of the folded reply
  text with quoted history and signatures removed (``Analysis.folded``), and subject words;
  each present feature counts once, the block is scaled to unit length;
* rules: what the rule layer saw, each worth 1: its label, which phrase lexicons matched,
  header evidence (RFC 3834 and vendor headers, subject cues), a question mark, another
  address in the text, a named person other than the sender, a phone number, a LinkedIn
  link, the length of the text.
"""

from __future__ import annotations

import math
import re
import zlib

from .rules import Analysis

N_BUCKETS = 1 << 18
MAX_CHARS = 1200  # of the stripped reply text; the opening carries the intent
_WORD = re.compile(r"[^\W_]+|[?!]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|antw|sv|vs|rv|r|res|tr|wg|fw|fwd|enc)\s*(?:\[\d+\])?\s*:\s*)+", re.I
)


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (N_BUCKETS - 1)


def _length_bucket(n: int) -> str:
    for limit, name in ((0, "0"), (20, "xs"), (60, "s"), (160, "m"), (400, "l")):
        if n <= limit:
            return name
    return "xl"


def text_features(folded: str, subject: str) -> set[str]:
    text = folded[:MAX_CHARS]
    words = _WORD.findall(text)
    feats: set[str] = set()
    for w in words:
        feats.add("w:" + w)
    for a, b in zip(words, words[1:], strict=False):
        feats.add(f"b:{a} {b}")
    for w in words:
        if len(w) < 2:
            continue
        padded = f" {w} "
        n = len(padded)
        for size in (3, 4, 5):
            for i in range(0, n - size + 1):
                feats.add("c:" + padded[i : i + size])
    for w in _WORD.findall(_REPLY_PREFIX.sub("", subject.lower())[:200]):
        feats.add("s:" + w)
    return feats


# Words that start no name: greetings, sign-offs, articles, possessives.
_NOT_A_NAME = (
    r"hi|hey|hello|dear|hallo|hoi|beste|liebe|lieber|sehr|guten|geachte|bonjour|madame|monsieur|"
    r"cher|chere|hola|estimad[oa]|buenos|buenas|querid[oa]|ola|bom|boa|prezad[oa]|car[oa]|"
    r"good|thanks|danke|merci|gracias|obrigad[oa]|bedankt|best|kind|warm|mit|viele[n]?|freundlichen?|"
    r"herzlichen?|besten?|lieben?|ihre?|looking|cordiales|saludos|atenciosamente|met|vriendelijke|bien|"
    r"cordialement|un|une|le|la|el|los|las|der|die|das|de|het|een|the|our|unser\w*|mein\w*"
)
# A named person in the reply: an honorific and a name ("Frau Hartmann", "Sra. Iglesias"), or
# two capitalised words that are not a greeting ("Beatriz Molina", "Niels van den Berg").
_PERSON = re.compile(
    r"\b(?:Herrn?|Frau|Mr|Mrs|Ms|Dr|Sra?|Srta|Mme|Mlle|M|Mevrouw|Meneer|Dhr|Mevr|Dona|Don)\.?"
    r"\s+[A-ZÀ-Ý][\w-]+"
    # (not a company after "with", "at", "bei", "chez", "bij", "en", "em": "no longer with
    # Corvid Health")
    r"|(?<!with )(?<!at )(?<!bei )(?<!chez )(?<!bij )(?<!en )(?<!em )(?<!for )(?<!fur )"
    rf"\b(?!(?i:{_NOT_A_NAME})\b)[A-ZÀ-Ý][a-zà-ÿ]+ "
    r"(?:(?:van|de|der|den|da|das|dos|del|von|el|la|le) ){0,2}"
    r"(?!(?:Sie|Ihnen|Ihr|Ihre|Ihrem|Ihren|Ihrer|Euch|Du|Dir|Dich)\b)[A-ZÀ-Ý][a-zà-ÿ]+"
)
_PHONE = re.compile(r"(?<![\w/])\+?\(?\d[\d ()./-]{6,}\d(?![\w/])")
_DATE_OR_TIME = re.compile(
    r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}[.:]\d{2}\s*-\s*\d{1,2}[.:]\d{2}"
)


def _has_phone(text: str) -> bool:
    """A phone number: 8+ digits that are not a date or a time range."""
    for m in _PHONE.finditer(text):
        if sum(c.isdigit() for c in m.group(0)) >= 8 and not _DATE_OR_TIME.search(m.group(0)):
            return True
    return False


def rule_features(an: Analysis, subject: str, from_addr: str) -> set[str]:
    feats: set[str] = set()
    if an.classification is not None:
        feats.add("r:label=" + an.classification.label)
    for intent, hits in an.hits.items():
        if hits:
            feats.add("r:hit=" + intent)
    ev = an.headers
    if ev.auto:
        weak = all(r.startswith("header Precedence") for r in ev.reasons)
        feats.add("r:hdr=" + ("weak" if weak else "auto"))
    if ev.ooo_hint:
        feats.add("r:hdr=ooo")
    if not _REPLY_PREFIX.match(subject or ""):
        feats.add("r:subj=not-reply")
    if "?" in an.folded:
        feats.add("r:qmark")
    sender = (from_addr or "").lower()
    if any(m.lower() not in sender for m in _EMAIL.findall(an.body)):
        feats.add("r:other-address")
    sender_words = set(re.findall(r"[^\W\d_]+", (from_addr or "").split("<")[0].lower()))
    for m in _PERSON.finditer(an.body[:MAX_CHARS]):
        if not set(m.group(0).lower().split()) <= sender_words:
            feats.add("r:person")
            break
    if _has_phone(an.body[:MAX_CHARS]):
        feats.add("r:phone")
    if "linkedin.com/" in an.folded:
        feats.add("r:linkedin")
    feats.add("r:len=" + _length_bucket(len(an.folded.strip())))
    return feats


def featurize(an: Analysis, subject: str, from_addr: str) -> tuple[list[int], list[float]]:
    """Sorted bucket indices and their values (duplicates from hash collisions summed)."""
    text = text_features(an.folded, subject)
    rules = rule_features(an, subject, from_addr)
    out: dict[int, float] = {}
    scale = 1.0 / math.sqrt(len(text)) if text else 0.0
    for f in text:
        i = _bucket(f)
        out[i] = out.get(i, 0.0) + scale
    for f in rules:
        i = _bucket(f)
        out[i] = out.get(i, 0.0) + 1.0
    idx = sorted(out)
    return idx, [out[i] for i in idx]

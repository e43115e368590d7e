"""Remove quoted history, forwarded originals and signatures from a reply body.

Hand-written rather than a library: ``email-reply-parser`` is English-only and unmaintained,
``mail-parser-reply`` has no Portuguese and treats any later line starting with ``Thanks,`` or
``- `` as the start of a signature (which would cut ``Thanks, but we are not interested``), and
``talon`` is unmaintained and pulls in scikit-learn. The markers below cover the attribution
lines, header blocks, separators and mobile signatures of the common clients in English,
German, French, Spanish, Portuguese and Dutch.
"""

from __future__ import annotations

import re

# --- attribution lines: "On <date>, <name> wrote:" and friends -------------------------------
# Words a localized attribution line starts with (en, de, fr, es, pt, nl).
_INTRO = re.compile(r"^\s*(on|am|le|el|em|op|den)\s", re.IGNORECASE)
# The verb that ends an attribution line; the line then ends with ":" (maybe after a name).
_WROTE_END = re.compile(
    r"\b(wrote|writes|schrieb|geschrieben|a\s+[ée]crit|escribi[óo]|escreveu|schreef|"
    r"has\s+written|skrev)\b[^\n]{0,200}:\s*$",
    re.IGNORECASE,
)
# "John Doe <john@x.com> schrieb am 03.03.2026 10:00:" (Thunderbird style, no intro word)
_WROTE_ANYWHERE = re.compile(
    r"^[^\n]{0,200}\b(wrote|schrieb|a\s+[ée]crit|escribi[óo]|escreveu|schreef)\b[^\n]{0,200}:\s*$",
    re.IGNORECASE,
)

# --- Outlook-style header blocks ----------------------------------------------------------------
_HDR_FROM = re.compile(r"^\s*[*>]*\s*\**(from|von|de|van|da|expéditeur)\s*\**\s*:", re.IGNORECASE)
_HDR_OTHER = re.compile(
    r"^\s*[*>]*\s*\**(sent|date|to|subject|cc|gesendet|datum|an|betreff|envoy[ée]|[àa]|objet|"
    r"enviado|enviada(?:\s+em)?|fecha|para|asunto|assunto|data|verzonden|aan|onderwerp|"
    r"verstuurd|sent\s+on)\s*\**\s*:",
    re.IGNORECASE,
)

# --- separators -----------------------------------------------------------------------------------
_SEPARATOR = re.compile(
    r"^\s*(?:-{2,}|_{2,}|={2,})?\s*("
    r"original message|ursprüngliche nachricht|originalnachricht|message d'origine|"
    r"message original|mensaje original|mensagem original|oorspronkelijk bericht|"
    r"origineel bericht|forwarded message|weitergeleitete nachricht|message transféré|"
    r"mensaje reenviado|mensagem encaminhada|mensagem reencaminhada|doorgestuurd bericht|"
    r"begin forwarded message:?|anfang der weitergeleiteten nachricht:?|"
    r"début du message réexpédié\s*:?|inicio del mensaje reenviado:?|"
    r"início da mensagem reencaminhada:?|begin doorgestuurd bericht:?"
    r")\s*(?:-{2,}|_{2,}|={2,})?\s*$",
    re.IGNORECASE,
)
_RULE_LINE = re.compile(r"^\s*[_]{10,}\s*$|^\s*[-]{20,}\s*$")

# --- signatures -------------------------------------------------------------------------------
_SIG_DELIM = re.compile(r"^--\s*$|^-- \S")
_MOBILE = re.compile(
    r"^\s*("
    r"sent from my\b|sent from (?:outlook|yahoo|mail|gmail|aol|proton|samsung|huawei)\b|"
    r"sent via\b|sent with\b|get outlook for\b|"
    r"von meinem .{1,40} gesendet|gesendet von meinem\b|gesendet von (?:outlook|mail|yahoo)\b|"
    r"gesendet mit\b|von outlook für\b|"
    r"envoy[ée] (?:de|depuis) mon\b|envoy[ée] (?:de|depuis|avec) (?:outlook|yahoo|mail)\b|"
    r"obtenir outlook pour\b|"
    r"enviado desde mi\b|enviado desde (?:outlook|yahoo|mail|gmail)\b|obtener outlook para\b|"
    r"enviado (?:do|a partir do|pelo|de) meu\b|enviado (?:do|pelo|a partir do) (?:outlook|yahoo)\b|"
    r"obter o outlook para\b|baixe o outlook para\b|"
    r"verzonden (?:vanaf|met|van) mijn\b|verstuurd (?:vanaf|met|van) mijn\b|"
    r"outlook voor (?:ios|android) downloaden\b"
    r")",
    re.IGNORECASE,
)

# A line that is only a sign-off ("Best,", "Mit freundlichen Grüßen", "Cordialement").
_SIGNOFF = re.compile(
    r"^\s*("
    # en
    r"best|best regards|kind regards|warm regards|warmest regards|regards|many thanks|"
    r"thanks|thank you|thanks again|thanks so much|thx|cheers|all the best|all best|sincerely|"
    r"yours sincerely|yours truly|talk soon|speak soon|best wishes|warmly|br|rgds|take care|"
    r"thanks and regards|thanks & regards|with thanks|"
    # de
    r"mit freundlichen gr(?:ü|ue)(?:ß|ss)en|freundliche gr(?:ü|ue)(?:ß|ss)e|mfg|"
    r"(?:viele|beste|liebe|sch(?:ö|oe)ne|herzliche) gr(?:ü|ue)(?:ß|ss)e|gr(?:ü|ue)(?:ß|ss)e|"
    r"gru(?:ß|ss)|lg|vg|vielen dank|danke|danke sch(?:ö|oe)n|besten dank|"
    r"mit besten gr(?:ü|ue)(?:ß|ss)en|beste gr(?:ü|ue)(?:ß|ss)e aus [\w ]+|"
    # fr
    r"cordialement|bien cordialement|tr[eè]s cordialement|bien [àa] vous|salutations|"
    r"sinc[eè]res salutations|meilleures salutations|merci|merci beaucoup|merci d'avance|"
    r"bonne journ[ée]e|belle journ[ée]e|[àa] bient[ôo]t|amicalement|bien [àa] toi|"
    # es
    r"saludos|un saludo|saludos cordiales|atentamente|gracias|muchas gracias|un abrazo|"
    r"abrazos|cordialmente|un cordial saludo|"
    # pt
    r"atenciosamente|cumprimentos|melhores cumprimentos|abra[çc]o|abra[çc]os|um abra[çc]o|"
    r"obrigad[oa]|muito obrigad[oa]|att\.?|saudações|grande abra[çc]o|"
    # nl
    r"met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|hartelijke groet(?:en)?|"
    r"groet(?:en)?|groetjes|mvg|bedankt|dank je(?: wel)?|dank u(?: wel)?|alvast bedankt"
    r")\s*[,.!:;-]*\s*(?-i:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2})?\s*[,.!]?\s*$",
    re.IGNORECASE,
)


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def _has_content(lines: list[str]) -> bool:
    return any(line.strip() and not _is_quote(line) for line in lines)


def _attribution_at(lines: list[str], i: int) -> int:
    """Number of lines of an attribution ("... wrote:") starting at line i, or 0."""
    line = lines[i].lstrip("> ").rstrip()
    if not line:
        return 0
    if _INTRO.match(line):
        joined = line
        for k in range(3):
            if _WROTE_END.search(joined):
                return k + 1
            if i + k + 1 >= len(lines):
                break
            nxt = lines[i + k + 1].lstrip("> ").strip()
            if not nxt:
                break
            joined = f"{joined} {nxt}"
        return 0
    if _WROTE_ANYWHERE.match(line) and (re.search(r"@|\d", line)):
        return 1
    return 0


def _outlook_block_at(lines: list[str], i: int) -> bool:
    if not _HDR_FROM.match(lines[i]):
        return False
    hits = 0
    for nxt in lines[i + 1 : i + 6]:
        if _HDR_OTHER.match(nxt):
            hits += 1
    return hits >= 1


def _find_history(lines: list[str]) -> tuple[int, int, str] | None:
    """Locate the first line that starts quoted history: (index, marker length, kind)."""
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if _SEPARATOR.match(line):
            return i, 1, "separator"
        if _RULE_LINE.match(line):
            # "________________________________" directly before an Outlook header block
            for j in range(i + 1, min(i + 3, len(lines))):
                if _outlook_block_at(lines, j):
                    return i, 1, "separator"
            if i + 1 < len(lines) and _HDR_FROM.match(lines[i + 1]):
                return i, 1, "separator"
        n = _attribution_at(lines, i)
        if n:
            return i, n, "attribution"
        if _outlook_block_at(lines, i):
            return i, 1, "outlook"
    return None


def _cut_signature(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if _SIG_DELIM.match(line) or _MOBILE.match(line):
            return lines[:i]
    return lines


def _namelike(line: str) -> bool:
    s = line.strip()
    if len(s) > 60 or s.endswith(("?", "!")):
        return False
    return len(s.split()) <= 6


# A postscript ("P.S. please unsubscribe me", "PD: ...", "NB ..."): written text, not a signature.
_POSTSCRIPT = re.compile(r"^\s*(?:p\.?\s?s|p\.?\s?d|n\.?\s?b)\b\.?\s*:?", re.IGNORECASE)


def _cut_signoff(lines: list[str]) -> list[str]:
    seen_content = False
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if seen_content and _SIGNOFF.match(line):
            rest = [r for r in lines[i + 1 :] if r.strip()]
            if any(_POSTSCRIPT.match(r) for r in rest):
                # "Thanks!\n\nP.S. take me off your list": the postscript is part of the reply.
                seen_content = True
                continue
            if not rest or _namelike(rest[0]):
                return lines[:i]
        seen_content = True
    return lines


def _tidy(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def strip_quoted(body: str) -> str:
    """Return only the newly written part of a reply.

    Removes ``>``-quoted lines, everything from the first attribution line ("On ... wrote:",
    "Am ... schrieb ...:", "Le ... a écrit :", "El ... escribió:", "Em ... escreveu:",
    "Op ... schreef ...:"), Outlook ``From:/Sent:`` header blocks (localized), "Original message"
    and "Forwarded message" separators, the ``-- `` signature delimiter, mobile signatures
    ("Sent from my iPhone", "Von meinem iPhone gesendet", ...) and a trailing sign-off block
    ("Best,\\nJane\\nCEO, Acme").
    """
    if not body:
        return ""
    text = body.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = text.split("\n")

    # A loop, not recursion: a bottom-posted reply under many attribution lines ("On ...
    # wrote:" a thousand times) must not exhaust the stack.
    while (found := _find_history(lines)) is not None:
        idx, length, kind = found
        head = lines[:idx]
        if _has_content(_cut_signature(head)):
            lines = head
            break
        if kind != "attribution":
            lines = head
            break
        # Bottom-posted reply: the new text follows the quoted block.
        tail = [ln for ln in lines[idx + length :] if not _is_quote(ln)]
        if not _has_content(tail):
            return ""
        lines = "\n".join(tail).split("\n")

    lines = [ln for ln in lines if not _is_quote(ln)]
    lines = _cut_signature(lines)
    lines = _cut_signoff(lines)
    return _tidy(lines)


def quoted_history(body: str) -> str:
    """The quoted part of a reply (the message it answers), ``>`` markers removed: from the
    first attribution, separator or Outlook header block on, and every ``>`` line."""
    if not body:
        return ""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = _find_history(lines)
    start = found[0] if found else len(lines)
    out = [ln for ln in lines[:start] if _is_quote(ln)] + lines[start:]
    return "\n".join(re.sub(r"^(?:\s*>)+ ?", "", ln) for ln in out)

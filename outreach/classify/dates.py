"""Read the stated return date out of an out-of-office message.

Hand-written on purpose: ``dateparser.search.search_dates`` would cover the six languages but
is heavy to import, slow per call and famously greedy (it turns "may", "sat" or "10" into
dates), and ``python-dateutil`` parses English only. What an out-of-office reply states is a
small grammar: a day and month name ("3 March", "March 3rd", "3. März", "3 mars", "5 de mayo",
"5 de maio", "3 maart"), a numeric date ("12/03/2026", "15.04.", "2026-04-15"), a range
("3-7 March", "du 3 au 7 mars"), a weekday ("Monday", "lundi") or "tomorrow". The candidate
next to a return cue ("back", "zurück", "de retour", "regreso", "volto", "terug") wins; then
one after "until"; dates without a year resolve to the next such date on or after the day the
message was received (weekdays: strictly after).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .text import fold

_MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        "january jan januar janner janvier janv enero ene janeiro januari",
        "february feb februar fevrier fevr fev febrero fevereiro februari",
        "march marz maerz mars marzo marco maart mrt",
        "april apr avril avr abril",
        "may mai mayo maio mei",
        "june jun juni juin junio junho",
        "july jul juli juillet juil julio julho",
        "august aug aout agosto ago augustus",
        "september sept sep septembre septiembre setiembre setembro",
        "october oct oktober okt octobre octubre outubro",
        "november nov novembre noviembre novembro",
        "december dec dezember dez decembre diciembre dic dezembro",
    ],
    start=1,
):
    for _n in _names.split():
        _MONTHS[_n] = _num

_MONTH_RX = "|".join(sorted(_MONTHS, key=len, reverse=True))

_WEEKDAYS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        "monday montag lundi lunes segunda-feira maandag",
        "tuesday dienstag mardi martes terca-feira dinsdag",
        "wednesday mittwoch mercredi miercoles quarta-feira woensdag",
        "thursday donnerstag jeudi jueves quinta-feira donderdag",
        "friday freitag vendredi viernes sexta-feira vrijdag",
        "saturday samstag sonnabend samedi sabado zaterdag",
        "sunday sonntag dimanche domingo zondag",
    ]
):
    for _n in _names.split():
        _WEEKDAYS[_n] = _num
# Portuguese short weekday names are also ordinals ("segunda" = second): only after a cue.
_PT_SHORT = {"segunda": 0, "terca": 1, "quarta": 2, "quinta": 3, "sexta": 4}
_WEEKDAY_RX = "|".join(sorted([*_WEEKDAYS, *_PT_SHORT], key=len, reverse=True))

_ORD = r"(?:st|nd|rd|th|er|e|eme|o|º|ª|\.)?"
_YEAR = r"(?:,?\s*(?:de\s+)?(\d{4}|'\d{2}))?"

_RX_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_RX_NUM = re.compile(r"(?<![\d./-])(\d{1,2})([./-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d/-])(\.?)")
_RX_RANGE_DM = re.compile(
    r"(?<!\d)(\d{1,2})" + _ORD + r"\s*(?:-|to|until|till|through|bis|au|al|a|ao|tot(?: en met)?|"
    r"t/m|und|et|y|e)\s*(\d{1,2})"
    + _ORD
    + r"\s*(?:of\s+|de\s+)?("
    + _MONTH_RX
    + r")\.?(?!\w)"
    + _YEAR
)
_RX_RANGE_MD = re.compile(
    r"(?<!\w)(" + _MONTH_RX + r")\.?\s+(\d{1,2})" + _ORD + r"\s*(?:-|to|until|till|through)\s*"
    r"(\d{1,2})" + _ORD + r"(?!\d)" + _YEAR
)
_RX_DM = re.compile(
    r"(?<![\d.])(\d{1,2})" + _ORD + r"\s*(?:of\s+|de\s+)?(" + _MONTH_RX + r")\.?(?!\w)" + _YEAR
)
_RX_MD = re.compile(r"(?<!\w)(" + _MONTH_RX + r")\.?\s+(\d{1,2})" + _ORD + r"(?![\d:])" + _YEAR)
_RX_WEEKDAY = re.compile(r"(?<!\w)(" + _WEEKDAY_RX + r")(?!\w)")
_RX_DAY_ONLY = re.compile(
    r"(?:(?<!\w)the\s+(\d{1,2})(?:st|nd|rd|th)(?!\w)|(?<!\w)(?:am|le|el|dia|de)\s+(\d{1,2})"
    r"(?:\.|e|er|o|º)?(?=[\s,.;!)]|$)(?!\s*(?:" + _MONTH_RX + r")\b)(?!\s*[./-]?\d))"
)
_RX_REL = re.compile(
    r"(?<!\w)(tomorrow|morgen|demain|manana|amanha|day after tomorrow|ubermorgen|"
    r"apres-demain|pasado manana|depois de amanha|overmorgen)(?!\w)"
)
_REL_DAYS = {
    "tomorrow": 1, "morgen": 1, "demain": 1, "manana": 1, "amanha": 1,
    "day after tomorrow": 2, "ubermorgen": 2, "apres-demain": 2, "pasado manana": 2,
    "depois de amanha": 2, "overmorgen": 2,
}  # fmt: skip

_RETURN_CUE = re.compile(
    r"(?:back|return|returning|returns|again|resume|resuming|reachable|available|"
    r"zuruck|zurueck|wieder|ruckkehr|retour|reviens|reviendrai|reprends|reprendrai|"
    r"regreso|regresare|vuelta|vuelvo|volvere|reincorporo|reincorporare|retorno|retornarei|"
    r"volto|voltarei|volta|voltar|regresso|regressarei|retornar|terug|weer|bereikbaar)\W+(?:\w+\W+){0,6}$"
)
_UNTIL_CUE = re.compile(
    r"(?:until|till|til|through|thru|up to|bis|bis einschliesslich|bis zum|bis am|"
    r"jusqu'au|jusqu'a|jusqu'le|hasta|hasta el|ate|ate o dia|ate dia|tot en met|t/m|tot)"
    r"\W+(?:\w+\W+){0,3}$"
)
_START_CUE = re.compile(
    r"(?:from|starting|since|ab|vom|seit|du|des|depuis|a partir|desde|del|de|vanaf|van|"
    r"sent|gesendet|envoye|enviado|date)\W+(?:\w+\W+){0,2}$"
)


@dataclass(frozen=True)
class _Cand:
    when: date
    start: int
    end: int
    explicit_year: bool
    range_end: bool = False
    weak: bool = False  # weekday / day-of-month only


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    raw = raw.lstrip("'")
    y = int(raw)
    return 2000 + y if y < 100 else y


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _next_md(month: int, day: int, ref: date) -> date | None:
    """Next occurrence of month/day on or after ref."""
    for y in (ref.year, ref.year + 1):
        d = _mk(y, month, day)
        if d is not None and d >= ref:
            return d
    return None


def _next_dom(day: int, ref: date) -> date | None:
    """Next occurrence of a day-of-month strictly after ref."""
    y, m = ref.year, ref.month
    for _ in range(13):
        d = _mk(y, m, day)
        if d is not None and d > ref:
            return d
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return None


def _next_weekday(wd: int, ref: date) -> date:
    delta = (wd - ref.weekday()) % 7
    return ref + timedelta(days=delta or 7)


def _resolve(day: int, month: int, year: int | None, ref: date) -> tuple[date | None, bool]:
    if year is not None:
        return _mk(year, month, day), True
    return _next_md(month, day, ref), False


def _candidates(text: str, ref: date, english_numeric: bool) -> list[_Cand]:
    cands: list[_Cand] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(c: _Cand | None, s: int, e: int) -> None:
        if c is not None:
            cands.append(c)
        taken.append((s, e))

    for m in _RX_ISO.finditer(text):
        d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        add(_Cand(d, m.start(), m.end(), True) if d else None, m.start(), m.end())
    for m in _RX_RANGE_DM.finditer(text):
        if not free(m.start(), m.end()):
            continue
        d, explicit = _resolve(int(m.group(2)), _MONTHS[m.group(3)], _year(m.group(4)), ref)
        add(_Cand(d, m.start(), m.end(), explicit, range_end=True) if d else None, *m.span())
    for m in _RX_RANGE_MD.finditer(text):
        if not free(m.start(), m.end()):
            continue
        d, explicit = _resolve(int(m.group(3)), _MONTHS[m.group(1)], _year(m.group(4)), ref)
        add(_Cand(d, m.start(), m.end(), explicit, range_end=True) if d else None, *m.span())
    for m in _RX_DM.finditer(text):
        if not free(m.start(), m.end()):
            continue
        d, explicit = _resolve(int(m.group(1)), _MONTHS[m.group(2)], _year(m.group(3)), ref)
        add(_Cand(d, m.start(), m.end(), explicit) if d else None, *m.span())
    for m in _RX_MD.finditer(text):
        if not free(m.start(), m.end()):
            continue
        d, explicit = _resolve(int(m.group(2)), _MONTHS[m.group(1)], _year(m.group(3)), ref)
        add(_Cand(d, m.start(), m.end(), explicit) if d else None, *m.span())
    for m in _RX_NUM.finditer(text):
        if not free(m.start(), m.end()):
            continue
        a, sep, b, yraw, trail = m.groups()
        if m.group(0).startswith("24/7"):
            continue
        a_i, b_i = int(a), int(b)
        year = _year(yraw)
        if yraw is None and sep != "." and sep != "/":
            continue  # "3-4" is not a date
        if yraw is None and sep == "." and not trail and m.end() < len(text):
            # "15.04" without a trailing dot or year is too often a version or a price
            continue
        options: list[tuple[int, int]] = [(a_i, b_i)]  # day, month
        if sep == "/" and english_numeric and a_i <= 12:
            options.append((b_i, a_i))  # US month/day
        best: tuple[date, bool] | None = None
        for day, month in options:
            if not (1 <= month <= 12):
                continue
            d, explicit = _resolve(day, month, year, ref)
            if d is None:
                continue
            if best is None or (d >= ref and (best[0] < ref or d < best[0])):
                best = (d, explicit)
        add(_Cand(best[0], m.start(), m.end(), best[1]) if best else None, *m.span())
    for m in _RX_WEEKDAY.finditer(text):
        if not free(m.start(), m.end()):
            continue
        name = m.group(1)
        before = text[max(0, m.start() - 40) : m.start()]
        if name in _PT_SHORT:
            if not re.search(r"(?:na|no|ate a|ate|a partir de|partir da|de)\s*$", before):
                continue
            wd = _PT_SHORT[name]
        else:
            wd = _WEEKDAYS[name]
        # "Monday 3 March" / "lundi 3 mars": the explicit date right after wins.
        after = text[m.end() : m.end() + 25]
        if re.match(r"\W{0,3}(?:the\s+)?\d{1,2}", after) or re.match(
            r"\W{0,3}(?:" + _MONTH_RX + r")\W", after
        ):
            continue
        add(_Cand(_next_weekday(wd, ref), m.start(), m.end(), False, weak=True), *m.span())
    for m in _RX_DAY_ONLY.finditer(text):
        if not free(m.start(), m.end()):
            continue
        day = int(m.group(1) or m.group(2))
        if not 1 <= day <= 31:
            continue
        d = _next_dom(day, ref)
        add(_Cand(d, m.start(), m.end(), False, weak=True) if d else None, *m.span())
    for m in _RX_REL.finditer(text):
        if not free(m.start(), m.end()):
            continue
        when = ref + timedelta(days=_REL_DAYS[m.group(1)])
        add(_Cand(when, m.start(), m.end(), False, weak=True), *m.span())
    return cands


def _context_before(text: str, pos: int) -> str:
    start = max(0, pos - 70)
    chunk = text[start:pos]
    # stay within the sentence / line
    cut = max(chunk.rfind("\n"), chunk.rfind(". "), chunk.rfind("! "), chunk.rfind("? "))
    return chunk[cut + 1 :] if cut >= 0 else chunk


_RETURN_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,6}?(?:back|again|returning|zuruck|zurueck|wieder|de retour|"
    r"reviens|regreso|de vuelta|volto|de volta|retorno|terug|weer)(?!\w)"
)
_SKIP_BEFORE = re.compile(r"(?:guten|goeden|good|bom|buenos|buen)\s*$")


def _context_after(text: str, pos: int) -> str:
    chunk = text[pos : pos + 60]
    cut = min(
        (i for i in (chunk.find("\n"), chunk.find(". "), chunk.find("? ")) if i >= 0),
        default=len(chunk),
    )
    return chunk[:cut]


def _score(c: _Cand, text: str, ref: date) -> float | None:
    """How likely this candidate is the return date; None = not a return date at all."""
    ctx = _context_before(text, c.start)
    if _SKIP_BEFORE.search(ctx):
        return None
    score = 0.0
    if _RETURN_CUE.search(ctx) or _RETURN_AFTER.search(_context_after(text, c.end)):
        score += 3.0
    elif _UNTIL_CUE.search(ctx):
        score += 2.0
    elif c.range_end:
        score += 1.5
    elif _START_CUE.search(ctx):
        score -= 1.5
    if c.weak:
        if score <= 0:
            return None  # a bare weekday or "tomorrow" with no cue is not a return date
        score -= 0.5
    if c.when < ref:
        score -= 3.0
    if not c.explicit_year and (c.when - ref).days > STALE_AFTER_DAYS:
        # "Back on March 3" received on March 10 is a stale notice, not a year away.
        return None
    return score


STALE_AFTER_DAYS = 180


def _looks_english(text: str) -> bool:
    return bool(re.search(r"\b(?:the|i'm|will|back|until|office|return|returning)\b", text))


def extract_return_date(text: str, received_at: datetime | date | None = None) -> date | None:
    """The date someone says they will be back, or None when none can be read.

    ``text`` should already be stripped of quoted history. Dates without a year are resolved
    relative to ``received_at`` (today when unknown).
    """
    if not text:
        return None
    if isinstance(received_at, datetime):
        ref = received_at.date()
    elif isinstance(received_at, date):
        ref = received_at
    else:
        ref = date.today()
    folded = fold(text)
    cands = _candidates(folded, ref, _looks_english(folded))
    if not cands:
        return None
    scored = [(s, c) for c in cands if (s := _score(c, folded, ref)) is not None]
    if not scored:
        return None
    best_score = max(s for s, _ in scored)
    if best_score < 0:
        return None
    best = [c for s, c in scored if s == best_score]
    # On a tie prefer explicit dates, then the latest (the end of the absence).
    best.sort(key=lambda c: (not c.weak, c.when))
    return best[-1].when

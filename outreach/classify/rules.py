"""The deterministic rule layer: headers, then multilingual phrase lexicons."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import lexicon
from .dates import extract_return_date
from .headers import HeaderEvidence, header_evidence
from .lexicon import Hit
from .lexicon_data import (
    AFFIRM_FILLER,
    AFFIRM_WORDS,
    ASK_MEETING_PATTERN,
    ASK_STOP_PATTERN,
    NEGATION_WORDS,
    QUOTE_FOOTER_PATTERN,
)
from .models import Classification, ReplyText
from .quoting import quoted_history, strip_quoted
from .referral import extract_referral_email
from .text import fold

# Words that negate a following positive phrase within the same clause.
_NEGATORS = re.compile(
    r"(?<!\w)(?:not|no|never|n't|dont|cannot|can't|nicht|kein\w*|nie|niemals|pas|jamais|"
    r"nunca|nao|nem|niet|geen|nooit|without|ohne|sans|sin|sem|zonder|hardly|barely)(?!\w)"
)
_CLAUSE_BREAK = re.compile(
    r"[.;!?\n,]|(?<!\w)(?:but|however|aber|doch|mais|pero|mas|maar|though)(?!\w)"
)
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|antw|antwort|sv|vs|rv|r|res|ref|rif|tr|wg|fw|fwd|enc|rif)\s*(?:\[\d+\])?"
    r"\s*:\s*)+",
    re.IGNORECASE,
)
_STRONG_REFERRAL = re.compile(
    r"forward|passed|pass(?:ed|ing)? (?:it|this)|cc|cop(?:y|ying|ied)|copie|copia|kopie|loop|"
    r"right person|best person|better person|correct person|right contact|handles|"
    r"responsible|in charge|took over|taken over|zustandig|ansprechpartner|weitergeleitet|"
    r"ubernommen|transf|transmis|s'occupe|s'en occupe|en charge|repris|encarga|se ocupa|"
    r"reenvi|cuida|encaminh|repassei|doorgestuurd|verantwoordelijk|gaat hierover|overgenomen|"
    r"(?:reach out|talk|speak|get in touch|contact|write|chat) (?:to|with)|contactez|"
    r"adressez|wenden|kontaktieren|contacta|habla con|escribe a|fale com|falar com|"
    r"entre em contato|neem contact|contact op"
)
# A referral cue names a target when a person or role follows it ("talk to our CMO, Jane").
_DONE_REFERRAL = re.compile(
    r"forward|passed|pass(?:ed|ing)? (?:it|this)|cc|cop(?:y|ying|ied)|copie|copia|loop|"
    r"weitergeleitet|transf|transmis|reenvi|encaminh|repassei|doorgestuurd|took over|taken over|"
    r"ubernommen|repris|overgenomen"
)
_TARGET_AFTER = re.compile(
    r"^\W{0,3}(?:(?:to|with|an|a|at|bei|a|con|com|met|naar)\s+)?(?:the\s+)?"
    r"(?:our|my|his|her|their|unser\w*|mein\w*|ihr\w*|notre|nos|mon|ma|mes|nuestr\w*|mi|mis|"
    r"su|nosso|nossa|meu|minha|onze|mijn|ons|[a-z]+\s+[a-z]+,|[a-z]+,\s+(?:our|my|who|she|he))"
)
_NO_TARGET_AFTER = re.compile(
    r"^\W{0,3}(?:(?:to|with)\s+)?(?:who|whom|someone|somebody|anyone|anybody|wer|qui|quien|quem|"
    r"wie|iemand|jemand)\b"
)


def _names_target(folded: str, hit: Hit) -> bool:
    """True when the referral cue points at someone (a role or a name), not "talk to who?"."""
    if _DONE_REFERRAL.search(hit.text):
        return True
    after = folded[hit.end : hit.end + 60]
    if _NO_TARGET_AFTER.search(after):
        return False
    if re.search(r"(?:is|ist|est|es|e|is de) (?:the|der|die|la|le|el|o|a|de) ", hit.text):
        return True
    return bool(_TARGET_AFTER.search(after)) or bool(
        re.search(
            r"(?:colleague|kolleg|collegue|companer|colega|collega|manager|head of|"
            r"director|directeur|leiter|chef|responsable|responsavel|verantwoordelijk)",
            hit.text + " " + after[:40],
        )
    )


# Timing objections that point to a concrete later moment ("try me in Q3").
_FUTURE_POINTER = re.compile(
    r"(?:next|following|new|nachst|kommend|prochain|proximo|que viene|que vem|volgend|later|"
    r"spater|plus tard|mas adelante|mais para frente|mais tarde|q[1-4]|h[12]|month|monat|mois|"
    r"mes|maand|year|jahr|annee|ano|jaar|quarter|quartal|trimestre|kwartaal|summer|sommer|"
    r"ete|rentree|verano|verao|zomer|autumn|fall|herbst|automne|otono|outono|najaar|spring|"
    r"fruhjahr|printemps|primavera|voorjaar|20\d\d|january|january|februar|march|april|"
    r"september|october|oktober|november|december|dezember|revisit|reconnect|circle back|"
    r"check back|reach out again|touch base|recontact|relanc|retom|vuelve|volte|"
    r"on file|in mind|on the radar|back burner)"
)


_AFFIRM = re.compile(rf"(?:{AFFIRM_WORDS})(?![\w'])")
_FILLER = re.compile(rf"(?:{AFFIRM_FILLER})(?![\w'])")
_NEGATION = re.compile(rf"(?:{NEGATION_WORDS})(?![\w'])")
_FOOTER = re.compile(QUOTE_FOOTER_PATTERN)
_ASK_MEETING = re.compile(rf"\b(?:{ASK_MEETING_PATTERN})\b")
_ASK_STOP = re.compile(rf"\b{ASK_STOP_PATTERN}")
_QUESTION = re.compile(r"[^?.!\n]*\?")
_TOKEN = re.compile(r"[\w']+")


def is_short_yes(folded: str) -> bool:
    """Only "yes" words, greetings, thanks and at most one other word (a name), e.g. "Yes",
    "Sure, send it over", "Ja gerne", "Sim, pode mandar", "Oui merci Paul"."""
    if "?" in folded:
        return False
    text = re.sub(r"[^\w' -]+", " ", folded).strip()
    if not text or len(text.split()) > 7:
        return False
    affirmed = False
    unknown = 0
    pos = 0
    while pos < len(text):
        if text[pos] in " -":
            pos += 1
            continue
        if _NEGATION.match(text, pos):
            return False
        if m := _AFFIRM.match(text, pos):
            affirmed = True
        elif not (m := _FILLER.match(text, pos)):
            m = _TOKEN.match(text, pos)
            unknown += 1
        pos = m.end() if m else pos + 1
    return affirmed and unknown <= 1


def quoted_ask(body: str) -> str | None:
    """What the quoted message asked: "stop" when the sender offered to stop writing
    ("Should I close your file?"); else, from its questions that are not an opt-out footer,
    "meeting" when one proposes a call, a meeting or a time, else "material" (send more,
    interested?); None when nothing is quoted or nothing was asked."""
    quoted = fold(quoted_history(body))
    questions = _QUESTION.findall(quoted)
    if any(_ASK_STOP.search(q) for q in questions):
        return "stop"
    asks = [q for q in questions if not _FOOTER.search(q)]
    if not asks:
        return None
    return "meeting" if any(_ASK_MEETING.search(q) for q in asks) else "material"


@dataclass
class Analysis:
    """Everything the rule layer found; ``classification`` is its verdict."""

    body: str
    folded: str
    headers: HeaderEvidence
    hits: dict[str, list[Hit]] = field(default_factory=dict)
    classification: Classification | None = None
    # A short "yes" to what the quoted message asked ("stop", "meeting" or "material").
    yes_to: str | None = None

    @property
    def unsubscribe(self) -> bool:
        return bool(self.hits.get("unsubscribe"))


def _negated(text: str, start: int) -> bool:
    window = text[max(0, start - 45) : start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    return bool(_NEGATORS.search(window))


def _overlaps(hit: Hit, others: list[Hit]) -> bool:
    return any(hit.start < o.end and o.start < hit.end for o in others)


def _reason(kind: str, hit: Hit) -> str:
    text = hit.text.strip()
    if len(text) > 50:
        text = text[:47] + "..."
    return f"rule: {kind} phrase '{text}' ({hit.lang})"


def _last(hits: list[Hit]) -> int:
    return max((h.end for h in hits), default=-1)


def analyse(reply: ReplyText) -> Analysis:
    """Run the rule layer over one reply."""
    body = strip_quoted(reply.body or "")
    folded = fold(body)
    subject = _REPLY_PREFIX.sub("", reply.subject or "")
    fsubject = fold(subject)
    is_reply_subject = bool(_REPLY_PREFIX.match(reply.subject or ""))
    ev = header_evidence(reply.headers)
    an = Analysis(body=body, folded=folded, headers=ev)

    hits = {intent: lexicon.find(intent, folded) for intent in lexicon.LEXICON}
    hits.pop("auto_subject")
    if not hits["unsubscribe"]:
        # "Stop. Sending. Me. Emails." - try again without the punctuation.
        flat = re.sub(r"[ ]{2,}", " ", re.sub(r"[.,!;:]+", " ", folded))
        hits["unsubscribe"] = lexicon.find("unsubscribe", flat)
    if not hits["unsubscribe"]:
        # "Remmove me from your mailing list": near-misses of the opt-out words.
        fixed = lexicon.correct_typos(folded)
        if fixed != folded:
            hits["unsubscribe"] = lexicon.find("unsubscribe", fixed)
    subj_auto = lexicon.find("auto_subject", fsubject)
    # A lead may write only "Unsubscribe" / "Remove" in the subject line of a fresh message.
    if not is_reply_subject and fsubject.strip():
        hits["unsubscribe"] += lexicon.find("unsubscribe", fsubject)
    if subj_auto and not is_reply_subject:
        hits["ooo"] += [h for h in lexicon.find("ooo", fsubject)]

    # Positive phrases lose when negated ("not interested") or inside a "no" phrase.
    no_hits = hits["not_interested"]
    for intent in ("interested_strong", "interested_weak", "meeting"):
        hits[intent] = [
            h for h in hits[intent] if not _overlaps(h, no_hits) and not _negated(folded, h.start)
        ]
    for intent in ("objection_price", "objection_competitor"):
        hits[intent] = [h for h in hits[intent] if not _negated(folded, h.start)]
    # "Not me - it's Jane who handles this": a referral cue inside a wrong-person phrase is not
    # a pointer to someone else.
    hits["referral_cue"] = [
        h
        for h in hits["referral_cue"]
        if not _overlaps(h, hits["wrong_person"]) and not _overlaps(h, hits["left_company"])
    ]
    hits["interested_weak"] = [
        h for h in hits["interested_weak"] if not _overlaps(h, hits["interested_strong"])
    ]
    an.hits = hits
    if not hits["unsubscribe"] and not ev.auto and is_short_yes(folded):
        an.yes_to = quoted_ask(reply.body or "")
    an.classification = _decide(reply, an, subj_auto, fsubject)
    return an


def _decide(reply: ReplyText, an: Analysis, subj_auto: list[Hit], fsubject: str) -> Classification:
    hits = an.hits
    folded = an.folded
    ev = an.headers
    reasons: list[str] = []

    # 1. Unsubscribe wins over everything.
    if hits["unsubscribe"]:
        reasons += [_reason("unsubscribe", h) for h in hits["unsubscribe"][:2]]
        conf = 0.97 if len(hits["unsubscribe"]) > 1 else 0.94
        return Classification("unsubscribe_request", conf, reasons)

    # 2. A short "yes" means yes to what the quoted message asked.
    if an.yes_to:
        label = {"stop": "unsubscribe_request", "meeting": "meeting_request"}.get(
            an.yes_to, "interested"
        )
        return Classification(label, 0.85, [f"rule: a short yes to the quoted {an.yes_to} ask"])

    machine_reasons = list(ev.reasons)
    if subj_auto:
        machine_reasons.append(
            f"subject looks automatic: '{subj_auto[0].text}' ({subj_auto[0].lang})"
        )
    machine = bool(machine_reasons)

    meeting = hits["meeting"]
    strong = hits["interested_strong"]
    weak = hits["interested_weak"]
    no = hits["not_interested"]
    objections = hits["objection_price"] + hits["objection_timing"] + hits["objection_competitor"]
    objections.sort(key=lambda h: h.start)
    ooo = hits["ooo"]
    auto = hits["auto"]
    left = hits["left_company"]
    wrong = hits["wrong_person"]
    refcue = hits["referral_cue"]
    human_strong = bool(meeting or strong or no or objections)

    if not folded.strip() and not machine:
        return Classification("other", 0.5, ["empty reply after removing quoted text"])

    # 2. Out of office (auto or hand-written absence notes).
    if ooo and (machine or ev.ooo_hint or not (meeting or strong) or auto):
        reasons += machine_reasons
        reasons += [_reason("out-of-office", h) for h in ooo[:2]]
        conf = 0.96 if machine else 0.82
        rd_text = an.body
        if subj_auto:
            rd_text = f"{reply.subject}\n{an.body}"
        rd = extract_return_date(rd_text, reply.received_at)
        reasons.append(f"return date {rd.isoformat()}" if rd else "no return date stated")
        return Classification("out_of_office", conf, reasons, return_date=rd)

    # 3. Not the right person (incl. "no longer with the company" auto replies).
    if left or wrong:
        email = extract_referral_email(an.body, reply.from_addr, reply.headers)
        reasons += machine_reasons
        reasons += [_reason("left-company", h) for h in left[:1]]
        reasons += [_reason("wrong-person", h) for h in wrong[:1]]
        if email:
            reasons.append(f"referred address {email}")
            return Classification("referral", 0.9, reasons, referral_email=email)
        targeted = [h for h in refcue if _names_target(folded, h)]
        if targeted:
            reasons.append(_reason("referral", targeted[0]))
            return Classification("referral", 0.72, reasons)
        return Classification("wrong_person", 0.86 if (left or len(wrong) > 1) else 0.8, reasons)

    # 4. Machine-written replies that are not absences. Only a weak header (Precedence alone,
    # which some mail systems add to ordinary mail) can be outvoted by clearly human text.
    weak_header = not subj_auto and all(r.startswith("header Precedence") for r in ev.reasons)
    if machine and not (weak_header and human_strong and not auto and not ooo):
        reasons += machine_reasons
        reasons += [_reason("auto-reply", h) for h in auto[:1]]
        return Classification("auto_reply", 0.95 if ev.auto else 0.85, reasons)
    if auto and (len(auto) >= 2 or not human_strong):
        reasons += [_reason("auto-reply", h) for h in auto[:2]]
        return Classification("auto_reply", 0.8 if len(auto) >= 2 else 0.65, reasons)
    if machine:
        reasons.append("automatic-message headers ignored: the text reads as written by a person")

    # 5. Someone else should get this ("please reach out to jane@acme.com", "cc'ing Sam").
    strong_ref = [h for h in refcue if _STRONG_REFERRAL.search(h.text)]
    if refcue:
        email = extract_referral_email(an.body, reply.from_addr, reply.headers, allow_cc=False)
        if email is None and strong_ref:
            email = extract_referral_email(an.body, reply.from_addr, reply.headers)
        if email and (strong_ref or not (meeting or strong or objections or no)):
            reasons.append(_reason("referral", (strong_ref or refcue)[0]))
            reasons.append(f"referred address {email}")
            return Classification("referral", 0.85, reasons, referral_email=email)

    # 6. Positive, negative and objection signals; the last one written wins a conflict.
    q_hits = hits["question"]
    has_question = bool(q_hits) or "?" in folded
    positive = meeting + strong
    if positive and (objections or no) and _last(positive) < max(_last(objections), _last(no)):
        positive = []
    if positive:
        if meeting:
            reasons += [_reason("meeting", h) for h in meeting[:2]]
            conf = 0.9 if len(meeting) > 1 else 0.84
            return Classification("meeting_request", conf, reasons)
        reasons += [_reason("interest", h) for h in strong[:2]]
        return Classification("interested", 0.82 if len(strong) > 1 else 0.76, reasons)

    if objections or no:
        future = [h for h in hits["objection_timing"] if _FUTURE_POINTER.search(h.text)]
        if objections and (not no or future):
            kinds = []
            for name in ("price", "timing", "competitor"):
                found = hits[f"objection_{name}"]
                if found:
                    kinds.append(_reason(f"{name} objection", found[0]))
            reasons += kinds[:2]
            if no:
                reasons.append("soft no with a reason and a later date -> objection")
            return Classification("objection", 0.78 if len(objections) > 1 else 0.7, reasons)
        reasons += [_reason("not-interested", h) for h in no[:2]]
        if objections:
            reasons.append(_reason("reason given", objections[0]))
        return Classification("not_interested", 0.86 if len(no) > 1 else 0.8, reasons)

    if has_question:
        if q_hits:
            reasons.append(_reason("question", q_hits[0]))
        else:
            reasons.append("rule: question mark in the reply")
        return Classification("question", 0.72 if q_hits else 0.6, reasons)

    if weak:
        reasons += [_reason("weak interest", h) for h in weak[:2]]
        return Classification("interested", 0.55, reasons)

    targeted = [h for h in strong_ref if _names_target(folded, h)]
    if targeted:
        reasons.append(_reason("referral", targeted[0]))
        email = extract_referral_email(an.body, reply.from_addr, reply.headers)
        return Classification("referral", 0.6, reasons, referral_email=email)

    # A reply that says nothing but someone else's address is pointing us to them.
    email = extract_referral_email(an.body, reply.from_addr, reply.headers, allow_cc=False)
    if email:
        reasons.append(f"rule: the reply only gives another address ({email})")
        return Classification("referral", 0.55, reasons, referral_email=email)

    # 7. Last resort: a thank-you stays "other"; otherwise single keywords may point somewhere.
    if len(folded) < 400 and lexicon.ACK_ONLY.match(folded.strip()):
        return Classification("other", 0.6, reasons or ["rule: acknowledgement only"])
    kw = lexicon.keyword_hits(folded)
    if kw:
        order = list(lexicon.KEYWORDS)
        best = max(kw, key=lambda lab: (len(kw[lab]), -order.index(lab)))
        hit = kw[best][0]
        reasons.append(f"rule: keyword '{hit.text.strip()}' suggests {best} ({hit.lang})")
        return Classification(best, 0.45, reasons)
    return Classification("other", 0.45, reasons or ["no rule matched"])


def classify(reply: ReplyText) -> Classification:
    """Classify a reply with the rule layer only (pure, deterministic, no I/O)."""
    an = analyse(reply)
    assert an.classification is not None
    return an.classification

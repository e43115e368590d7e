"""Generate the labelled reply corpus and split it ONCE into train / dev / frozen test.

    python training/make_corpus.py            # writes train.jsonl and dev.jsonl; the frozen
                                              # test split only when it does not exist yet
    python training/make_corpus.py --check    # verify the frozen split against its checksum

How the frozen split is kept apart: every phrasing family (training/families.py) is assigned
to exactly one split, per label and language, by a seeded shuffle (first family -> test, second
-> dev, the rest -> train). A family's sentences therefore never appear in two splits, and the
frozen test split holds only phrasings no rule or model was trained or tuned on. What the
splits share is the wrapping: greetings, sign-offs, signatures, footers, quoted pitches and
client quoting styles, subjects and headers (noise the classifier must see through, not label
evidence). The test file is written once with a SHA-256 beside it; `make eval` and the quality
test refuse a test file whose checksum differs, and this script never overwrites it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from families import FAMILIES, TRAIN_EXTRA, TRAIN_EXTRA_2, UNSUB_TAILS

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "corpus"
SEED = 20261202
LANGS = ("en", "de", "fr", "es", "pt", "nl")
ROWS = {"train": 55, "dev": 18, "test": 22}  # rows per (label, language) and split
UNSUB_EXTRA = {"train": 20, "dev": 7, "test": 8}  # opt-outs appended to other labels
EXTRA_ROWS = 30  # rows per (label, language) from the train-only families
MACHINE = {"out_of_office", "auto_reply"}

FIRST = {
    "en": ["Jane", "Mark", "Priya", "Tom", "Aisha", "Kevin", "Laura", "Sam"],
    "de": ["Anna", "Jonas", "Katrin", "Lukas", "Sabine", "Felix", "Miriam", "Tobias"],
    "fr": ["Claire", "Julien", "Camille", "Nicolas", "Sophie", "Mathieu", "Élodie", "Hugo"],
    "es": ["Lucía", "Javier", "Marta", "Diego", "Carmen", "Pablo", "Elena", "Sergio"],
    "pt": ["Ana", "João", "Beatriz", "Rafael", "Mariana", "Tiago", "Camila", "Bruno"],
    "nl": ["Sanne", "Daan", "Lotte", "Bram", "Eva", "Thijs", "Femke", "Joris"],
}
LAST = {
    "en": ["Miller", "Patel", "Brooks", "Nguyen", "Carter", "Hughes"],
    "de": ["Schneider", "Wagner", "Becker", "Hoffmann", "Krüger", "Vogel"],
    "fr": ["Martin", "Lefèvre", "Moreau", "Girard", "Roux", "Fournier"],
    "es": ["García", "Martínez", "López", "Sánchez", "Romero", "Navarro"],
    "pt": ["Silva", "Santos", "Oliveira", "Costa", "Pereira", "Almeida"],
    "nl": ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Mulder"],
}
COMPANIES = [
    "Orbital",
    "Haverstack",
    "Lumacore",
    "Fernhill",
    "Tallow",
    "Brightline",
    "Kestrel",
    "Norrland",
    "Veridia",
    "Quantix",
    "Altamira",
    "Zeeland Data",
]
TOOLS = ["Salesforce", "HubSpot", "Outreach", "Apollo", "Pipedrive", "Lemlist", "Zendesk"]
SENDERS = [
    ("Tom Becker", "tom@pipeforge.io", "PipeForge"),
    ("Ana Reyes", "ana@brightlane.co", "Brightlane"),
    ("Max Ortiz", "max@leadloop.app", "LeadLoop"),
]
MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "pt": [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
}
WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes"],
    "pt": ["segunda", "terça", "quarta", "quinta", "sexta"],
    "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"],
}
DEPTS = {
    "en": "procurement",
    "de": "Einkauf",
    "fr": "achats",
    "es": "compras",
    "pt": "compras",
    "nl": "inkoop",
}
GREETINGS = {
    "en": ["Hi {s},", "Hello {s},", "Hey {s}", "Dear {s},", "{s} -", "Hi,"],
    "de": [
        "Hallo {s},",
        "Guten Tag Herr Becker,",
        "Sehr geehrte Damen und Herren,",
        "Hi {s},",
        "Moin,",
    ],
    "fr": ["Bonjour {s},", "Bonjour,", "Madame, Monsieur,", "Salut {s},"],
    "es": ["Hola {s},", "Buenos días,", "Estimado {s}:", "Hola,"],
    "pt": ["Olá {s},", "Oi {s},", "Bom dia,", "Prezado {s},"],
    "nl": ["Hoi {s},", "Beste {s},", "Goedemiddag,", "Hallo,"],
}
OPENERS = {
    "en": [
        "Thanks for your email.",
        "Thanks for reaching out.",
        "Hope you're well.",
        "Appreciate the note.",
    ],
    "de": [
        "Danke für Ihre Nachricht.",
        "Vielen Dank für die E-Mail.",
        "Ich hoffe, es geht Ihnen gut.",
    ],
    "fr": ["Merci pour votre message.", "Merci de votre mail.", "J'espère que vous allez bien."],
    "es": ["Gracias por tu correo.", "Gracias por escribir.", "Espero que estés bien."],
    "pt": ["Obrigado pelo email.", "Obrigada pela mensagem.", "Espero que esteja bem."],
    "nl": ["Bedankt voor je mail.", "Dank voor uw bericht.", "Hopelijk gaat alles goed."],
}
SIGNOFFS = {
    "en": ["Best,", "Thanks,", "Regards,", "Cheers,", "Kind regards,", "All the best,"],
    "de": ["Viele Grüße", "Mit freundlichen Grüßen", "Beste Grüße", "LG", "Gruß"],
    "fr": ["Cordialement,", "Bien à vous,", "Bonne journée,", "Merci,"],
    "es": ["Saludos,", "Un saludo,", "Gracias,", "Atentamente,"],
    "pt": ["Abraço,", "Atenciosamente,", "Obrigado,", "Att.,"],
    "nl": ["Groet,", "Met vriendelijke groet,", "Groetjes,", "Bedankt,"],
}
MOBILE = {
    "en": ["Sent from my iPhone", "Sent from Outlook for Android", "Get Outlook for iOS"],
    "de": ["Von meinem iPhone gesendet", "Gesendet von Outlook für Android"],
    "fr": ["Envoyé de mon iPhone", "Obtenir Outlook pour Android"],
    "es": ["Enviado desde mi iPhone", "Obtener Outlook para iOS"],
    "pt": ["Enviado do meu iPhone", "Obter o Outlook para Android"],
    "nl": ["Verzonden vanaf mijn iPhone", "Outlook voor iOS downloaden"],
}
FOOTERS = [
    "CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and intended "
    "solely for the addressee. If you have received it in error, please notify the sender and "
    "delete it.",
    "Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat sind, "
    "informieren Sie bitte sofort den Absender und vernichten Sie diese Mail.",
    "Ce message et ses pièces jointes sont confidentiels. Si vous n'en êtes pas le destinataire, "
    "merci de le détruire et d'avertir l'expéditeur.",
    "Este mensaje es confidencial. Si no es usted el destinatario, le rogamos lo comunique al "
    "remitente y lo elimine.",
    "Please consider the environment before printing this email.",
]
PITCH = {
    "en": "Hi {f},\n\nTeams like {c} lose replies when follow-ups slip. {p} keeps every sequence "
    "on schedule and flags interested leads automatically.\n\nWould you be interested in a "
    "15-minute meeting next week?\n\nBest,\n{sn}\n\nNot interested? Unsubscribe: "
    "https://{pl}.example/u/8f3k2",
    "de": "Hallo {f},\n\n{p} sorgt dafür, dass keine Antwort liegen bleibt. Hätten Sie "
    "Interesse an einem kurzen Meeting nächste Woche?\n\nViele Grüße\n{sn}\n\nKein "
    "Interesse? Hier abmelden (unsubscribe): https://{pl}.example/u/8f3k2",
    "fr": "Bonjour {f},\n\n{p} aide les équipes comme {c}. Seriez-vous intéressé par un rendez-vous "
    "(meeting) de 15 minutes ?\n\nCordialement,\n{sn}\n\nSe désabonner / unsubscribe : "
    "https://{pl}.example/u/8f3k2",
    "es": "Hola {f},\n\n{p} ayuda a equipos como {c}. ¿Te interesaría una reunión (meeting) de "
    "15 minutos?\n\nSaludos,\n{sn}\n\nDarse de baja / unsubscribe: https://{pl}.example/u",
    "pt": "Olá {f},\n\n{p} ajuda equipes como a {c}. Teria interesse em uma reunião (meeting) de "
    "15 minutos?\n\nAbraço,\n{sn}\n\nDescadastrar / unsubscribe: https://{pl}.example/u",
    "nl": "Hoi {f},\n\n{p} helpt teams zoals {c}. Interesse in een korte meeting volgende "
    "week?\n\nGroet,\n{sn}\n\nAfmelden / unsubscribe: https://{pl}.example/u/8f3k2",
}
SUBJECTS = [
    "Quick question about your SDR team",
    "Idea for {c}",
    "{c} x {p}",
    "Following up",
    "Reply rates at {c}",
]
REPLY_PREFIX = {
    "en": ["Re: ", "RE: ", "re: "],
    "de": ["AW: ", "Aw: ", "RE: "],
    "fr": ["RE : ", "Re: ", "TR : "],
    "es": ["RE: ", "Re: ", "RV: "],
    "pt": ["RE: ", "Res: ", "Re: "],
    "nl": ["Re: ", "Antw: ", "RE: "],
}
AUTO_SUBJECT = {
    "out_of_office": {
        "en": ["Out of Office: ", "Automatic reply: ", "Autoreply: "],
        "de": ["Abwesenheitsnotiz: ", "Automatische Antwort: "],
        "fr": ["Absence du bureau : ", "Réponse automatique : "],
        "es": ["Fuera de la oficina: ", "Respuesta automática: "],
        "pt": ["Ausência temporária: ", "Resposta automática: "],
        "nl": ["Afwezig: ", "Automatisch antwoord: "],
    },
    "auto_reply": {
        "en": ["Automatic reply: ", "[Ticket #{num}] ", "We received your message: "],
        "de": ["Automatische Antwort: ", "Ihre Anfrage [#{num}]: "],
        "fr": ["Réponse automatique : ", "Accusé de réception : "],
        "es": ["Respuesta automática: ", "Acuse de recibo: "],
        "pt": ["Resposta automática: ", "Confirmação de recebimento: "],
        "nl": ["Automatisch antwoord: ", "Ontvangstbevestiging: "],
    },
}
MACHINE_HEADERS = [
    {"Auto-Submitted": "auto-replied"},
    {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
    {"X-Autoreply": "yes"},
    {"Precedence": "auto_reply"},
    {"Auto-Submitted": "auto-generated", "Precedence": "bulk"},
    {"X-Autorespond": "vacation"},
]
EMOJI = [" 🙂", " 👍", " 🙏", " :)", " 😅", ""]


def merge_extra() -> dict[str, dict[str, list[str]]]:
    """The train-only families, both batches (the second appended after the first)."""
    out: dict[str, dict[str, list[str]]] = {}
    for batch in (TRAIN_EXTRA, TRAIN_EXTRA_2):
        for label, by_lang in batch.items():
            for lang, fams in by_lang.items():
                out.setdefault(label, {}).setdefault(lang, []).extend(fams)
    return out


def norm(sentence: str) -> str:
    return " ".join(re.findall(r"\w+", sentence.lower()))


def fmt_date(lang: str, d: date, rnd: random.Random) -> str:
    m = MONTHS[lang][d.month - 1]
    day = d.day
    options = {
        "en": [f"{m} {day}", f"{day} {m}", f"{m} {day}, {d.year}", f"{day:02d}/{d.month:02d}"],
        "de": [f"{day:02d}.{d.month:02d}.", f"{day}. {m}", f"{day:02d}.{d.month:02d}.{d.year}"],
        "fr": [f"{day} {m}", f"{day} {m} {d.year}", f"{day:02d}/{d.month:02d}"],
        "es": [f"{day} de {m}", f"{day}/{d.month}", f"{day} de {m} de {d.year}"],
        "pt": [f"{day} de {m}", f"{day:02d}/{d.month:02d}", f"{day} de {m} de {d.year}"],
        "nl": [f"{day} {m}", f"{day}-{d.month}", f"{day} {m} {d.year}"],
    }[lang]
    return rnd.choice(options)


def quote_block(
    lang: str,
    rnd: random.Random,
    sender: tuple[str, str, str],
    first: str,
    company: str,
    when: datetime,
) -> str:
    name, addr, product = sender
    plang = lang if rnd.random() < 0.7 else "en"
    pitch = PITCH[plang].format(f=first, c=company, p=product, sn=name, pl=product.lower())
    quoted = "\n".join("> " + ln if ln else ">" for ln in pitch.split("\n"))
    day = when - timedelta(days=rnd.randint(1, 9))
    style = rnd.choice(["gmail", "apple", "outlook", "orig", "local", "local", "local"])
    if style == "gmail":
        return f"On {day:%a, %b} {day.day}, {day.year} at {day:%I:%M %p} {name} <{addr}> wrote:\n\n{quoted}"
    if style == "apple":
        return f"> On {day.day} {day:%b} {day.year}, at {day:%H:%M}, {name} <{addr}> wrote:\n> \n{quoted}"
    if style == "orig":
        return (
            f"-----Original Message-----\nFrom: {name} <{addr}>\nSent: {day:%A, %B %d, %Y}"
            f"\nTo: {first}\nSubject: Idea for {company}\n\n{pitch}"
        )
    month = MONTHS[lang][day.month - 1]
    if style == "outlook" or lang == "en":
        hdr = {
            "en": ("From", "Sent", "To", "Subject"),
            "de": ("Von", "Gesendet", "An", "Betreff"),
            "fr": ("De", "Envoyé", "À", "Objet"),
            "es": ("De", "Enviado", "Para", "Asunto"),
            "pt": ("De", "Enviado", "Para", "Assunto"),
            "nl": ("Van", "Verzonden", "Aan", "Onderwerp"),
        }[lang]
        sep = " :" if lang == "fr" else ":"
        return (
            f"________________________________\n{hdr[0]}{sep} {name} <{addr}>\n{hdr[1]}{sep} "
            f"{day.day} {month} {day.year} {day:%H:%M}\n{hdr[2]}{sep} {first}\n{hdr[3]}{sep} "
            f"Idea for {company}\n\n{pitch}"
        )
    att = {
        "de": f"Am {day:%d}.{day:%m}.{day.year} um {day:%H:%M} schrieb {name} <{addr}>:",
        "fr": f"Le {day.day} {month} {day.year} à {day:%H:%M}, {name} <{addr}> a écrit :",
        "es": f"El {day.day} {month} {day.year}, a las {day:%H:%M}, {name} (<{addr}>) escribió:",
        "pt": f"Em {day.day} de {month} de {day.year}, às {day:%H:%M}, {name} <{addr}> escreveu:",
        "nl": f"Op {day.day} {month} {day.year} om {day:%H:%M} schreef {name} <{addr}>:",
    }[lang]
    return f"{att}\n\n{quoted}"


def typo(text: str, rnd: random.Random) -> str:
    words = text.split(" ")
    cands = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not cands:
        return text
    i = rnd.choice(cands)
    w = words[i]
    k = rnd.randint(1, len(w) - 2)
    op = rnd.random()
    if op < 0.4:
        w = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
    elif op < 0.7:
        w = w[:k] + w[k + 1 :]
    else:
        w = w[:k] + w[k] + w[k:]
    words[i] = w
    return " ".join(words)


def strip_accents(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def noisy(core: str, rnd: random.Random) -> str:
    if rnd.random() < 0.25:
        core = typo(core, rnd)
    r = rnd.random()
    if r < 0.1:
        core = core.lower()
    elif r < 0.13 and len(core) < 60:
        core = core.upper()
    if rnd.random() < 0.1:
        core = strip_accents(core)
    if rnd.random() < 0.1:
        core = core.rstrip(".!")
    return core


class Gen:
    def __init__(self) -> None:
        self.assign: dict[str, str] = {}  # family id -> split
        self.by_split: dict[tuple[str, str, str], list[tuple[str, list[str]]]] = {}
        for label, by_lang in sorted(FAMILIES.items()):
            for lang in LANGS:
                self._split(label, lang, by_lang[lang])
        for lang in LANGS:
            self._split("unsub_tail", lang, UNSUB_TAILS[lang])
        # Written after the split: train only, and never a sentence of a test family.
        test_sentences = {
            norm(v)
            for (sp, _, _), fams in self.by_split.items()
            if sp == "test"
            for _, variants in fams
            for v in variants
        }
        for label, by_lang in sorted(merge_extra().items()):
            for lang in LANGS:
                for i, fam in enumerate(by_lang.get(lang, [])):
                    variants = [v.strip() for v in fam.split("||")]
                    clash = [v for v in variants if norm(v) in test_sentences]
                    if clash:
                        raise SystemExit(f"train-only sentence is in the test split: {clash}")
                    fid = f"x:{label}/{lang}/{i}"
                    self.assign[fid] = "train"
                    self.by_split.setdefault(("extra", label, lang), []).append((fid, variants))

    def _split(self, label: str, lang: str, fams: list[str]) -> None:
        ids = list(range(len(fams)))
        random.Random(f"{SEED}:split:{label}:{lang}").shuffle(ids)
        for rank, i in enumerate(ids):
            split = "test" if rank == 0 else "dev" if rank == 1 else "train"
            fid = f"{label}/{lang}/{i}"
            self.assign[fid] = split
            variants = [v.strip() for v in fams[i].split("||")]
            self.by_split.setdefault((split, label, lang), []).append((fid, variants))

    def fill(self, text: str, lang: str, rnd: random.Random, ctx: dict[str, str]) -> str:
        return text.format(**ctx)

    def context(self, lang: str, rnd: random.Random, received: datetime) -> dict[str, str]:
        fn = rnd.choice(FIRST[lang])
        ln = rnd.choice(LAST[lang])
        co2 = rnd.choice(COMPANIES)
        dom = co2.lower().replace(" ", "") + rnd.choice(
            [".com", ".de", ".fr", ".es", ".com.br", ".nl", ".io"]
        )
        local = (
            strip_accents(fn).lower()
            + rnd.choice([".", "", "_"])
            + strip_accents(ln).lower().replace(" ", "")
        )
        ret = received.date() + timedelta(days=rnd.randint(2, 40))
        return {
            "n": f"{fn} {ln}",
            "fn": fn,
            "e": f"{local}@{dom}",
            "dom": dom,
            "co2": co2,
            "d": fmt_date(lang, ret, rnd),
            "t": rnd.choice(TOOLS),
            "wd": rnd.choice(WEEKDAYS[lang]),
            "tm": rnd.choice(["9:30", "10:00", "14:00", "15:30", "16:00", "11"]),
            "m": rnd.choice(MONTHS[lang]),
            "dep": DEPTS[lang],
            "link": rnd.choice(
                ["https://calendly.com/", "https://cal.com/", "https://meet.example/book/"]
            )
            + strip_accents(fn).lower(),
            "co": rnd.choice(["PipeForge", "Brightlane", "LeadLoop"]),
            "num": str(rnd.randint(10000, 999999)),
        }

    def row(
        self, split: str, label: str, lang: str, rnd: random.Random, n: int, tail: bool = False
    ) -> dict[str, object]:
        received = datetime(2026, 1, 5, 8) + timedelta(minutes=rnd.randint(0, 60 * 24 * 300))
        ctx = self.context(lang, rnd, received)
        fid, variants = rnd.choice(self.by_split[(split, label, lang)])
        core = noisy(rnd.choice(variants).format(**ctx), rnd)
        families = [fid]
        gold = label
        if tail:
            tfid, tvars = rnd.choice(self.by_split[(split, "unsub_tail", lang)])
            core = core + ("\n\n" if rnd.random() < 0.5 else " ") + noisy(rnd.choice(tvars), rnd)
            families.append(tfid)
            gold = "unsubscribe_request"
        sender = rnd.choice(SENDERS)
        lead_first = rnd.choice(FIRST[lang])
        lead_last = rnd.choice(LAST[lang])
        company = rnd.choice(COMPANIES)
        machine = label in MACHINE or (label == "referral" and "/3" in fid and rnd.random() < 0.3)
        parts: list[str] = []
        if not machine and rnd.random() < 0.55:
            parts.append(rnd.choice(GREETINGS[lang]).format(s=sender[0].split()[0]))
        if rnd.random() < 0.25:
            parts.append(rnd.choice(OPENERS[lang]))
        parts.append(core)
        if not machine:
            if rnd.random() < 0.12:
                parts[-1] += rnd.choice(EMOJI)
            if rnd.random() < 0.6:
                parts.append(rnd.choice(SIGNOFFS[lang]) + "\n" + lead_first)
            if rnd.random() < 0.35:
                parts.append(
                    f"--\n{lead_first} {lead_last}\nHead of Operations | {company}\n+{rnd.randint(30, 55)} {rnd.randint(100, 999)} {rnd.randint(1000000, 9999999)}"
                )
            if rnd.random() < 0.25:
                parts.append(rnd.choice(MOBILE[lang]))
        else:
            parts.append(f"{lead_first} {lead_last}\n{company}")
        if rnd.random() < 0.12:
            parts.append(rnd.choice(FOOTERS))
        body = "\n\n".join(parts)
        if rnd.random() < (0.3 if machine else 0.75):
            body += "\n\n" + quote_block(lang, rnd, sender, lead_first, company, received)
        orig = rnd.choice(SUBJECTS).format(c=company, p=sender[2])
        headers: dict[str, str] = {"To": f"{sender[0]} <{sender[1]}>"}
        subject = rnd.choice(REPLY_PREFIX[lang]) + orig
        if machine:
            if rnd.random() < 0.6:
                headers.update(rnd.choice(MACHINE_HEADERS))
            auto_label = "out_of_office" if label == "out_of_office" else "auto_reply"
            if rnd.random() < 0.6:
                subject = rnd.choice(AUTO_SUBJECT[auto_label][lang]).format(num=ctx["num"]) + orig
        elif rnd.random() < 0.2:
            headers["X-Auto-Response-Suppress"] = "All"  # Outlook: not evidence
        dom = company.lower().replace(" ", "") + ".com"
        row: dict[str, object] = {
            "id": f"{split}-{n:05d}",
            "label": gold,
            "lang": lang,
            "family": "+".join(families),
            "subject": subject,
            "from": f"{lead_first} {lead_last} <{strip_accents(lead_first).lower()}@{dom}>",
            "headers": headers,
            "body": body,
            "receivedAt": received.strftime("%Y-%m-%dT%H:%M:00Z"),
        }
        if gold == "referral":
            found = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", core)
            row["referralEmail"] = found.group(0) if found else None
        return row

    def split_rows(self, split: str) -> list[dict[str, object]]:
        rnd = random.Random(f"{SEED}:rows:{split}")
        rows: list[dict[str, object]] = []
        for label in sorted(FAMILIES):
            for lang in LANGS:
                for _ in range(ROWS[split]):
                    rows.append(self.row(split, label, lang, rnd, len(rows)))
        if split == "train":
            for label in sorted(merge_extra()):
                for lang in LANGS:
                    for _ in range(EXTRA_ROWS):
                        row = self.row("extra", label, lang, rnd, len(rows))
                        row["id"] = f"train-{len(rows):05d}"
                        rows.append(row)
        others = [lab for lab in sorted(FAMILIES) if lab not in MACHINE | {"unsubscribe_request"}]
        for lang in LANGS:
            for _ in range(UNSUB_EXTRA[split]):
                rows.append(self.row(split, rnd.choice(others), lang, rnd, len(rows), tail=True))
        return rows


def write(path: Path, rows: list[dict[str, object]]) -> str:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    test, digest = OUT / "test_frozen.jsonl", OUT / "test_frozen.sha256"
    if args.check:
        ok = sha256_of(test) == digest.read_text().split()[0]
        print("frozen test split: " + ("checksum ok" if ok else "CHECKSUM MISMATCH"))
        return 0 if ok else 1
    OUT.mkdir(parents=True, exist_ok=True)
    gen = Gen()
    for split in ("train", "dev"):
        rows = gen.split_rows(split)
        write(OUT / f"{split}.jsonl", rows)
        print(f"{split}: {len(rows)} rows")
    if test.exists():
        print("test_frozen.jsonl exists: left as it is (frozen)")
    else:
        rows = gen.split_rows("test")
        h = write(test, rows)
        digest.write_text(f"{h}  test_frozen.jsonl\n")
        print(f"test: {len(rows)} rows, sha256 {h}")
    fams = json.dumps(
        {s: sorted(f for f, v in gen.assign.items() if v == s) for s in ("train", "dev", "test")},
        indent=0,
    )
    (OUT / "families.json").write_text(fams + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

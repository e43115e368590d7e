"""Focused tests of the inbound-reply classifier (rules, quoting, extractors, MIME)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from outreach.classify import (
    LABELS,
    NEEDS_ACTION_LABELS,
    Classification,
    ReplyText,
    classify,
    reply_text_from_message,
    strip_quoted,
    to_dict,
)
from outreach.classify.dates import extract_return_date
from outreach.classify.referral import extract_referral_email

RECEIVED = datetime(2026, 3, 5, 16, 30, tzinfo=UTC)  # a Thursday

PITCH_QUOTE = (
    "\n\nOn Tue, Feb 24, 2026 at 9:12 AM Tom Becker <tom@pipeforge.io> wrote:\n"
    "> Hi Jane,\n>\n> Would you be interested in a 15-minute meeting next week?\n"
    "> Happy to set up a call.\n>\n> Best,\n> Tom\n>\n"
    "> Not the right fit? Unsubscribe here: https://pipeforge.io/u/8f3k2\n"
)


def reply(
    body: str,
    *,
    headers: dict[str, str] | None = None,
    subject: str = "Re: Quick question",
    sender: str = "Jane Roe <jane@acme.com>",
    received: datetime | None = RECEIVED,
) -> ReplyText:
    return ReplyText(
        subject=subject, from_addr=sender, headers=headers or {}, body=body, received_at=received
    )


def label(body: str, **kw: object) -> str:
    return classify(reply(body, **kw)).label  # type: ignore[arg-type]


# --------------------------------------------------------------------------- public constants


def test_labels_in_documented_order() -> None:
    assert LABELS == (
        "interested", "meeting_request", "objection", "not_interested", "unsubscribe_request",
        "out_of_office", "auto_reply", "wrong_person", "referral", "question", "other",
    )  # fmt: skip


def test_needs_action_is_a_property_of_the_label() -> None:
    assert {
        "interested",
        "meeting_request",
        "question",
        "referral",
        "objection",
    } == NEEDS_ACTION_LABELS
    c = classify(reply("How much does it cost?"))
    assert c.label == "question" and c.needs_action
    assert not classify(reply("Not interested, thanks.")).needs_action


def test_classification_validates_label_and_clamps_confidence() -> None:
    with pytest.raises(ValueError):
        Classification("maybe", 0.5, [])
    c = Classification("other", 1.7, ["x"])
    assert c.confidence == 1.0 and c.reasons == ("x",)


# --------------------------------------------------------------------------- quoted history


def test_quoted_pitch_words_do_not_influence_the_label() -> None:
    c = classify(reply("Thanks!" + PITCH_QUOTE))
    assert c.label == "other"
    assert classify(reply("Received, thank you." + PITCH_QUOTE)).label == "other"


def test_quoted_unsubscribe_footer_is_ignored_for_a_real_question() -> None:
    assert label("Does it integrate with Salesforce?" + PITCH_QUOTE) == "question"


def test_outlook_quoted_original_without_gt_marks_is_ignored() -> None:
    body = (
        "Thanks for the note.\n\n________________________________\nFrom: Tom Becker "
        "<tom@pipeforge.io>\nSent: Tuesday, February 24, 2026 9:12 AM\nTo: Jane Roe\n"
        "Subject: Quick question\n\nWould you be interested in a meeting? Unsubscribe here.\n"
    )
    assert strip_quoted(body) == "Thanks for the note."
    assert label(body) == "other"


@pytest.mark.parametrize(
    "body",
    [
        "Hi Tom\n\nOn Tue, Feb 24, 2026 at 9:12 AM Tom Becker <tom@x.io> wrote:\n> old text",
        "Hi Tom\n\nOn Mon, Mar 2, 2026 at 10:03 AM Tom Becker <\ntom@x.io> wrote:\n\n> old text",
        "Hi Tom\n\nAm 24.02.2026 um 09:12 schrieb Tom Becker <tom@x.io>:\n\n> old text",
        "Hi Tom\n\nTom Becker <tom@x.io> schrieb am 24.02.26 um 09:12:\n> old text",
        "Hi Tom\n\nLe mar. 24 févr. 2026 à 09:12, Tom Becker <tom@x.io> a écrit :\n\n> old text",
        "Hi Tom\n\nEl mar, 24 feb 2026 a las 9:12, Tom Becker (<tom@x.io>) escribió:\n> old text",
        "Hi Tom\n\nEm ter., 24 de fev. de 2026 às 09:12, Tom Becker <tom@x.io> escreveu:\n> old",
        "Hi Tom\n\nOp di 24 feb 2026 om 09:12 schreef Tom Becker <tom@x.io>:\n\n> old text",
        "Hi Tom\n\nVon: Tom Becker <tom@x.io>\nGesendet: Dienstag, 24. Februar 2026\nAn: Jane\n"
        "Betreff: Frage\n\nold text",
        "Hi Tom\n\nDe : Tom Becker <tom@x.io>\nEnvoyé : mardi 24 février 2026\nÀ : Jane\n"
        "Objet : Question\n\nold text",
        "Hi Tom\n\nDe: Tom Becker <tom@x.io>\nEnviado: martes\nPara: Jane\nAsunto: x\n\nold text",
        "Hi Tom\n\nVan: Tom Becker <tom@x.io>\nVerzonden: dinsdag\nAan: Jane\nOnderwerp: x\n\nold",
        "Hi Tom\n\n-----Original Message-----\nFrom: Tom\nSent: today\n\nold text",
        "Hi Tom\n\n---------- Forwarded message ---------\nFrom: Tom <tom@x.io>\n\nold text",
        "Hi Tom\n\nSent from my iPhone\n\n> old text",
        "Hi Tom\n\nVon meinem iPhone gesendet\n\nold text",
        "Hi Tom\n\nEnviado desde mi iPhone",
        "Hi Tom\n\n-- \nJane Roe\nCEO, Acme\njane@acme.com",
        "Hi Tom\n> old text\n>> older text",
    ],
)
def test_strip_quoted_markers(body: str) -> None:
    assert strip_quoted(body) == "Hi Tom"


def test_strip_quoted_keeps_inline_answers_and_bottom_posts() -> None:
    inline = "> Would you be interested?\nYes, definitely.\n> Tuesday?\nTuesday works."
    assert strip_quoted(inline) == "Yes, definitely.\nTuesday works."
    bottom = "On Tue, Feb 24, 2026 at 9:12 AM Tom <tom@x.io> wrote:\n> pitch\n> more\n\nNo thanks."
    assert strip_quoted(bottom) == "No thanks."


def test_strip_quoted_removes_signoff_block_but_not_sentences_starting_with_thanks() -> None:
    assert (
        strip_quoted("Thanks, but we are not interested.") == "Thanks, but we are not interested."
    )
    assert strip_quoted("Sounds good.\n\nBest,\nJane Roe\nVP Sales | Acme") == "Sounds good."
    assert strip_quoted("Great.\nThanks!\n\nHow much is it though?") == (
        "Great.\nThanks!\n\nHow much is it though?"
    )
    assert strip_quoted("") == ""


@pytest.mark.parametrize("ps", ["P.S. please unsubscribe me.", "PS: unsubscribe me please"])
def test_an_opt_out_in_a_postscript_after_the_sign_off_is_kept(ps: str) -> None:
    body = f"Hi Tom,\n\nThanks!\n\n{ps}"
    assert ps in strip_quoted(body)
    assert label(body) == "unsubscribe_request"


def test_signature_calendar_link_does_not_make_a_meeting_request() -> None:
    body = "Not interested, thanks.\n\n-- \nJane Roe\nBook time with me: https://calendly.com/jane"
    assert label(body) == "not_interested"


# --------------------------------------------------------------------------- unsubscribe wins


def test_unsubscribe_wins_over_out_of_office() -> None:
    c = classify(
        reply(
            "I am out of the office until 16 March.\n\nAlso - please remove me from your list.",
            headers={"Auto-Submitted": "auto-replied"},
            subject="Automatic reply: Quick question",
        )
    )
    assert c.label == "unsubscribe_request"
    assert any("remove me" in r and "(en)" in r for r in c.reasons)


@pytest.mark.parametrize(
    "body",
    [
        "not interested, stop emailing me",
        "Interesting product, but please take me off your list.",
        "Unsubscribe",
        "How did you get my address? Do not contact me again.",
    ],
)
def test_unsubscribe_wins_over_other_labels(body: str) -> None:
    assert label(body) == "unsubscribe_request"


def test_unsubscribe_reason_format() -> None:
    c = classify(reply("Please remove me from your mailing list."))
    assert c.reasons[0].startswith("rule: unsubscribe phrase 'remove me")
    assert c.reasons[0].endswith("(en)")


# --------------------------------------------------------------------------- header evidence


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, "header Auto-Submitted: auto-replied"),
        ({"auto-submitted": "auto-generated"}, "header Auto-Submitted: auto-generated"),
        ({"X-Autoreply": "yes"}, "header X-Autoreply: yes"),
        ({"X-Autorespond": "1"}, "header X-Autorespond: 1"),
        ({"Precedence": "bulk"}, "header Precedence: bulk"),
        ({"Precedence": "auto_reply"}, "header Precedence: auto_reply"),
        ({"PRECEDENCE": "junk"}, "header Precedence: junk"),
    ],
)
def test_header_evidence_makes_an_auto_reply(headers: dict[str, str], reason: str) -> None:
    c = classify(reply("Thank you for your email. We will get back to you soon.", headers=headers))
    assert c.label == "auto_reply"
    assert reason in c.reasons


def test_auto_submitted_no_is_not_evidence() -> None:
    c = classify(reply("Sounds interesting, tell me more.", headers={"Auto-Submitted": "no"}))
    assert c.label == "interested"


def test_x_auto_response_suppress_on_human_outlook_mail_is_not_auto() -> None:
    headers = {"X-Auto-Response-Suppress": "All", "X-Mailer": "Microsoft Outlook 16.0"}
    c = classify(reply("Thanks - can we talk Tuesday at 3pm?", headers=headers))
    assert c.label == "meeting_request"
    assert not any("Auto-Response-Suppress" in r for r in c.reasons)
    assert label("We already use HubSpot for this.", headers=headers) == "objection"


def test_out_of_office_with_header_and_date() -> None:
    c = classify(
        reply(
            "Thank you for your email. I am out of the office until Monday 9 March with limited "
            "access to email. For urgent matters contact support@acme.com.",
            headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
            subject="Automatic reply: Quick question",
        )
    )
    assert c.label == "out_of_office"
    assert c.return_date == date(2026, 3, 9)
    assert c.referral_email is None
    assert c.confidence >= 0.9


def test_auto_reply_without_headers() -> None:
    body = "This is an automated response. We have received your message and will reply shortly."
    assert label(body) == "auto_reply"


def test_no_longer_with_company_auto_reply_is_auto_reply_or_referral() -> None:
    # reply-labels.md: a departure naming no one is auto_reply when a machine wrote it; naming
    # a replacement it is a referral, even under automatic-reply headers.
    hdr = {"Auto-Submitted": "auto-replied"}
    # (sent from the departed person's own mailbox, as such notices are)
    mark = "Mark Davies <mark.davies@corvidhealth.com>"
    notice = "Mark Davies is no longer with Corvid Health."
    assert label(notice, headers=hdr, sender=mark) == "auto_reply"
    c = classify(
        reply("I no longer work at Northbeam. Please contact ops@northbeam.com.", headers=hdr)
    )
    assert (c.label, c.referral_email) == ("referral", "ops@northbeam.com")


# --------------------------------------------------------------------------- languages


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Not interested, thanks.", "not_interested"),
        ("Kein Interesse, danke.", "not_interested"),
        ("Bitte nehmen Sie mich aus Ihrem Verteiler.", "unsubscribe_request"),
        ("Das klingt interessant, schicken Sie mir gerne weitere Unterlagen.", "interested"),
        ("Passt Ihnen Donnerstag um 14 Uhr für einen kurzen Call?", "meeting_request"),
        ("Je ne suis pas intéressé.", "not_interested"),
        ("Merci de me désinscrire de votre liste.", "unsubscribe_request"),
        ("Êtes-vous disponible jeudi à 10h ?", "meeting_request"),
        (
            "Nous utilisons déjà HubSpot et nous en sommes satisfaits.",
            "not_interested",
        ),  # no opening: reply-labels.md
        ("Me interesa, ¿podemos agendar una llamada el jueves?", "meeting_request"),
        ("¿Cuánto cuesta al mes?", "question"),
        ("No soy la persona adecuada para esto.", "wrong_person"),
        ("Não temos interesse, obrigado.", "not_interested"),
        ("Quanto custa a licença?", "question"),
        ("Por favor, me descadastre dessa lista.", "unsubscribe_request"),
        ("Geen interesse, bedankt.", "not_interested"),
        ("Klinkt interessant, stuur me gerust meer informatie.", "interested"),
        ("Te duur voor ons.", "objection"),
        ("Ik ben niet de juiste persoon hiervoor.", "wrong_person"),
    ],
)
def test_languages(body: str, expected: str) -> None:
    assert label(body) == expected


# --------------------------------------------------------------------------- human intents


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Sounds interesting, can we talk Tuesday at 3pm?", "meeting_request"),
        ("Here's my calendar: https://calendly.com/jane/30min", "meeting_request"),
        ("Interested - send me more info.", "interested"),
        ("I am not interested.", "not_interested"),
        ("No thanks.", "not_interested"),
        ("Too expensive for us.", "objection"),
        ("Not the right time, reach out again in Q3.", "objection"),
        ("We already use Outreach for this.", "objection"),
        ("How much does it cost?", "question"),
        ("I'm not the right person for this.", "wrong_person"),
        ("Got it, thanks.", "other"),
        ("", "other"),
    ],
)
def test_human_intents(body: str, expected: str) -> None:
    assert label(body) == expected


def test_negated_interest_is_not_interest() -> None:
    assert label("We are not interested at the moment.") == "not_interested"
    assert label("We're definitely interested.") == "interested"


# --------------------------------------------------------------------------- return dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I am out of office and back on Monday 9 March.", date(2026, 3, 9)),
        ("I will return on 12/03/2026.", date(2026, 3, 12)),
        ("Ich bin zurück am 15.04.", date(2026, 4, 15)),
        ("Ab dem 20.04. bin ich wieder erreichbar.", date(2026, 4, 20)),
        ("Je serai de retour le 3 mars.", None),  # 3 March is before 5 March: stale
        ("De retour le 13 mars.", date(2026, 3, 13)),
        ("Regreso el 5 de mayo.", date(2026, 5, 5)),
        ("Volto no dia 10 de abril.", date(2026, 4, 10)),
        ("Ik ben terug op 23 maart.", date(2026, 3, 23)),
        ("I'm travelling and back on Monday.", date(2026, 3, 9)),
        ("Back tomorrow.", date(2026, 3, 6)),
        ("Out until the 14th.", date(2026, 3, 14)),
        ("Out of office from 9 to 13 March.", date(2026, 3, 13)),
        ("Away March 9 through March 13, returning March 16.", date(2026, 3, 16)),
        ("On leave until 2026-05-25.", date(2026, 5, 25)),
        ("I will return on 4/20.", date(2026, 4, 20)),
        ("I am on vacation with limited access to email.", None),
        ("Back after Easter.", None),
        ("On parental leave until September.", None),
        ("Guten Morgen, ich bin im Urlaub.", None),
    ],
)
def test_return_date_extraction(text: str, expected: date | None) -> None:
    assert extract_return_date(text, RECEIVED) == expected


def test_return_date_crosses_the_year() -> None:
    assert extract_return_date("Im Urlaub bis zum 6. Januar.", date(2025, 12, 22)) == date(
        2026, 1, 6
    )


def test_ooo_classification_without_readable_date_has_none() -> None:
    c = classify(
        reply(
            "I'm currently out of the office with limited access to email.",
            headers={"X-Autoreply": "yes"},
        )
    )
    assert c.label == "out_of_office" and c.return_date is None
    assert "no return date stated" in c.reasons


# --------------------------------------------------------------------------- referral


def test_referral_extracts_the_referred_address() -> None:
    c = classify(
        reply(
            "I'm not the right person. Please reach out to jane@acme.com, she handles this.",
            sender="Bob Smith <bob@acme.com>",
        )
    )
    assert (c.label, c.referral_email) == ("referral", "jane@acme.com")


def test_referral_never_returns_sender_or_signature_or_quoted_address() -> None:
    body = (
        "Not me - please talk to Priya, our Head of Growth: priya@lumacore.com\n\n"
        "Best,\nTom Baker\ntom.baker@lumacore.com | +1 555 0101\n\n"
        "On Tue, Feb 24, 2026 at 9:12 AM Ana <ana@brightlane.co> wrote:\n> write to sales@other.com"
    )
    c = classify(reply(body, sender="Tom Baker <tom.baker@lumacore.com>"))
    assert (c.label, c.referral_email) == ("referral", "priya@lumacore.com")


def test_referral_address_only_in_signature_is_not_returned() -> None:
    body = "I'm not the right person for this, sorry.\n\n-- \nMeg Ryan\nmeg.assistant@acme.com"
    c = classify(reply(body, sender="meg@acme.com"))
    assert c.label == "wrong_person" and c.referral_email is None


def test_referral_from_cc_header() -> None:
    c = classify(
        reply(
            "Looping in Sam (cc'd) who owns our support tooling.",
            headers={"Cc": "Sam Patel <sam.patel@acme.com>", "To": "Tom <tom@pipeforge.io>"},
        )
    )
    assert (c.label, c.referral_email) == ("referral", "sam.patel@acme.com")


def test_extract_referral_email_excludes_sender_and_to() -> None:
    body = "Write to jane@acme.com or me at bob@acme.com; you are tom@pipeforge.io."
    assert extract_referral_email(body, "bob@acme.com", {"To": "tom@pipeforge.io"}) == (
        "jane@acme.com"
    )
    assert extract_referral_email("Ask bob@acme.com", "Bob <BOB@acme.com>", {}) is None


def test_referral_without_address() -> None:
    c = classify(reply("You should talk to Maria Lopez, our Head of Marketing."))
    assert c.label == "referral" and c.referral_email is None


# --------------------------------------------------------------------------- MIME


def test_reply_text_from_html_only_message() -> None:
    raw = (
        b"From: Jane Roe <jane@acme.com>\r\nTo: tom@pipeforge.io\r\nSubject: Re: Quick question\r\n"
        b"Date: Thu, 05 Mar 2026 16:30:00 +0000\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><head><style>p{color:red}</style></head><body><p>Sounds good &amp; "
        b'interesting.<br>Can we talk Tuesday at 3pm?</p><div class="gmail_quote">On Tue, Tom '
        b"wrote:<blockquote>Would you be interested? Unsubscribe</blockquote></div></body></html>"
    )
    msg = message_from_bytes(raw, policy=policy.default)
    r = reply_text_from_message(msg)  # type: ignore[arg-type]
    assert r.from_addr == "jane@acme.com"
    assert r.subject == "Re: Quick question"
    assert r.received_at == datetime(2026, 3, 5, 16, 30, tzinfo=UTC)
    assert "Sounds good & interesting." in r.body
    assert "color" not in r.body
    assert "Unsubscribe" not in strip_quoted(r.body)
    assert classify(r).label == "meeting_request"


def test_reply_text_from_message_with_unknown_charset_does_not_raise() -> None:
    raw = (
        b"From: x@y.com\r\nSubject: =?utf-8?q?Re=3A_Caf=C3=A9?=\r\n"
        b"Content-Type: text/plain; charset=x-klingon-99\r\n\r\n"
        b"Not interested \xff\xfe thanks\r\n"
    )
    msg = message_from_bytes(raw, policy=policy.default)
    r = reply_text_from_message(msg)  # type: ignore[arg-type]
    assert r.subject == "Re: Café"
    assert "Not interested" in r.body
    assert classify(r).label == "not_interested"


def test_reply_text_prefers_text_plain_and_skips_attachments() -> None:
    msg = EmailMessage()
    msg["From"] = "Jane <jane@acme.com>"
    msg["Subject"] = "Re: hi"
    msg["Auto-Submitted"] = "auto-replied"
    msg.set_content("Plain body wins.")
    msg.add_alternative("<p>HTML body</p>", subtype="html")
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="a.pdf")
    received = datetime(2026, 1, 1, tzinfo=UTC)
    r = reply_text_from_message(msg, received_at=received)
    assert r.body.strip() == "Plain body wins."
    assert r.received_at == received
    assert r.header("auto-submitted") == "auto-replied"


def test_reply_text_from_latin1_message() -> None:
    raw = (
        b"From: hans@example.de\r\nSubject: AW: Frage\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Bitte keine weiteren E-Mails. Gr=FC=DFe\r\n"
    )
    r = reply_text_from_message(message_from_bytes(raw, policy=policy.default))  # type: ignore[arg-type]
    assert "Grüße" in r.body
    assert classify(r).label == "unsubscribe_request"


# --------------------------------------------------------------------------- output


def test_to_dict_shape() -> None:
    d = to_dict(classify(reply("How much does it cost?")))
    assert set(d) == {"label", "confidence", "reasons", "needsReview"}
    assert isinstance(d["reasons"], list) and 0 <= d["confidence"] <= 1
    ooo = to_dict(
        classify(
            reply("I'm out of office, back on Monday.", headers={"Auto-Submitted": "auto-replied"})
        )
    )
    assert ooo["label"] == "out_of_office" and ooo["returnDate"] == "2026-03-09"
    ref = to_dict(classify(reply("Wrong person - please contact kim@acme.com.")))
    assert ref["referralEmail"] == "kim@acme.com"


def test_classify_is_deterministic_and_fast() -> None:
    r = reply("Sounds interesting, can we talk Tuesday at 3pm?" + PITCH_QUOTE * 3)
    first = classify(r)
    start = time.perf_counter()
    for _ in range(50):
        assert classify(r) == first
    assert (time.perf_counter() - start) / 50 < 0.02


def test_stale_out_of_office_date_is_not_a_year_away():
    from datetime import date

    from outreach.classify.dates import extract_return_date

    received = date(2026, 3, 10)
    assert extract_return_date("I'm out of office, back on March 3.", received) is None
    assert extract_return_date("I'm out of office, back on March 13.", received) == date(
        2026, 3, 13
    )
    assert extract_return_date("Out until 3 March 2027.", received) == date(2027, 3, 3)


def test_headers_with_raw_utf8_and_encoded_names_with_commas():
    import email
    import email.policy

    from outreach.classify import reply_text_from_message

    raw = (
        "From: =?utf-8?q?Doe=2C_J=C3=B6hn?= <john@example.com>\r\n"
        "To: anita@example.com\r\n"
        "Subject: Grüße aus Köln\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Gerne, lass uns sprechen.\r\n"
    ).encode()
    for mode in (email.policy.compat32, email.policy.default):
        msg = email.message_from_bytes(raw, policy=mode)
        text = reply_text_from_message(msg)
        assert text.from_addr == "john@example.com", mode
        assert text.subject == "Grüße aus Köln", mode


def test_a_reply_under_a_thousand_attribution_lines_is_read_without_recursion() -> None:
    from outreach.classify.quoting import strip_quoted

    quoted = "On Mon, Jan 5, 2026 at 10:00 AM Sam <sam@example.com> wrote:\n" * 1000
    assert strip_quoted(quoted + "Thanks, sounds good.\n") == "Thanks, sounds good."


# --------------------------------------------------------------------------- a short yes


MATERIAL_QUOTE = (
    "\n\nLe mar. 17 nov. 2026 à 09:30, Léa Fournier <lea@signeo.example> a écrit :\n"
    "> Bonjour Odile,\n>\n> Je peux vous envoyer notre fiche produit d'une page ?\n>\n"
    "> Vous ne souhaitez plus recevoir nos messages ? Désabonnez-vous.\n"
)
MEETING_QUOTE_DE = (
    "\n\nAm Mo., 16. Nov. 2026 um 09:40 schrieb Kai Neumann <kai@vertragsradar.example>:\n"
    "> Hallo Marion,\n>\n> Passt Ihnen Dienstag um 10 Uhr für ein kurzes Telefonat?\n>\n"
    "> Keine Lust auf weitere E-Mails? Einfach abmelden.\n"
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Yes" + PITCH_QUOTE, "meeting_request"),  # the quote proposed a meeting
        ("Ja gerne" + MEETING_QUOTE_DE, "meeting_request"),
        ("Oui, merci !" + MATERIAL_QUOTE, "interested"),  # the quote offered a one-pager
        ("Sure, send it over" + MATERIAL_QUOTE, "interested"),
    ],
)
def test_a_short_yes_means_yes_to_what_the_quoted_message_asked(body: str, expected: str) -> None:
    assert label(body) == expected


def test_an_opt_out_footer_question_in_the_quote_is_not_its_ask() -> None:
    # The pitch's only real question offers material; "Keine Lust auf weitere E-Mails?" is
    # its footer, so the yes is not to a meeting.
    quote = MEETING_QUOTE_DE.replace(
        "Passt Ihnen Dienstag um 10 Uhr für ein kurzes Telefonat?",
        "Darf ich Ihnen unsere Preisliste schicken?",
    )
    assert label("Ja, gerne." + quote) == "interested"


@pytest.mark.parametrize("body", ["Top, dank je wel!", "Perfecto, gracias.", "Ok thanks"])
def test_an_acknowledgement_under_an_ask_is_not_a_yes(body: str) -> None:
    assert label(body + PITCH_QUOTE) == "other"


def test_a_short_no_or_a_hedged_yes_is_not_taken_as_yes() -> None:
    assert label("Yes, but not this quarter." + PITCH_QUOTE) != "meeting_request"
    assert label("No thanks" + PITCH_QUOTE) not in ("meeting_request", "interested")


# --------------------------------------------------------------------------- opt-out wording


@pytest.mark.parametrize(
    "body",
    [
        "Under Article 17 GDPR I request the erasure of all personal data you hold about me.",
        "Einer weiteren Kontaktaufnahme widerspreche ich ausdrücklich.",
        "Je m'oppose à toute prospection commerciale par email de votre part.",
        "Merci pour votre message. PS : merci de ne plus m'écrire à cette adresse.",
        "Graag mijn e-mailadres uit uw bestand verwijderen.",
        "Dat regelt Rob bij ons (rob@dijkstra.example). Mij graag uit de mailing halen.",
    ],
)
def test_data_erasure_and_objection_to_contact_are_opt_outs(body: str) -> None:
    assert label(body + PITCH_QUOTE) == "unsubscribe_request"


@pytest.mark.parametrize(
    "body",
    [
        "¿De dónde habéis sacado mi correo?",  # where did you get my address: other
        "This is spam. I never signed up for anything from you people.",
        "C'est du spam, je n'ai jamais demandé à recevoir quoi que ce soit de votre part.",
    ],
)
def test_a_spam_complaint_without_a_removal_request_is_no_rule_opt_out(body: str) -> None:
    from outreach.classify.rules import classify as rules_only

    assert rules_only(reply(body)).label != "unsubscribe_request"


def test_a_yes_to_the_senders_offer_to_stop_is_an_opt_out() -> None:
    quote = (
        "\n\nOn Fri, Jan 9, 2026 at 4:19 PM Marcus Hale <marcus@leadloom.example> wrote:\n"
        "> Hi Jordan,\n>\n> I've reached out a couple of times and haven't heard back.\n>\n"
        "> Should I close your file and stop emailing you?\n>\n> Marcus\n"
    )
    assert label("yes" + quote) == "unsubscribe_request"
    # "Preisliste" holds "liste", but offering a price list is no offer to stop.
    offer = MEETING_QUOTE_DE.replace(
        "Passt Ihnen Dienstag um 10 Uhr für ein kurzes Telefonat?",
        "Soll ich Ihnen unsere Preisliste schicken?",
    )
    assert label("Ja" + offer) == "interested"


@pytest.mark.parametrize(
    "body",
    [
        "how do I get off this list?",
        "Como faço para sair dessa lista?",
        "I'd rather not get these. Thanks.",
        "Danke, ganz nett gemacht, aber ich möchte so etwas künftig nicht mehr bekommen.",
        "Wil je me wel uit je automatische reeks halen? Ik krijg er elke week drie.",
    ],
)
def test_a_removal_asked_as_a_question_or_a_preference_is_an_opt_out(body: str) -> None:
    assert label(body + PITCH_QUOTE) == "unsubscribe_request"


def test_a_disclaimers_remove_any_copies_is_no_opt_out() -> None:
    from outreach.classify.rules import analyse

    body = (
        "Yes, this could be of interest - please send the brochure.\n\nConfidentiality: if you "
        "are not the intended recipient, notify the sender and remove any copies from your "
        "system."
    )
    assert not analyse(reply(body)).unsubscribe


@pytest.mark.parametrize(
    "body",
    [
        "Los correos llegan bien, gracias. No hace falta nada más por ahora.",
        "Bitte nehmen Sie mich in Ihren Verteiler für Produktneuigkeiten auf.",
        "Ik stuur je de lijst met onze vestigingen. Welke data komen er in het rapport?",
        "Could you send the list of integrations and your data retention policy?",
        "Os emails de vocês chegam sempre à terça. Que dados usam?",
        "Je lis vos mails avec intérêt; quelles données stockez-vous ?",
        "Sácame de una duda: ¿se integra con Salesforce?",
        "Me tira uma dúvida sobre o preço?",
        "Vous disposez d'un droit d'opposition et d'un droit à l'effacement de vos données.",
        "We will delete all personal data after 30 days; we ask that you delete any copies.",
        "Wir verarbeiten Ihre Daten gemäß DSGVO und löschen sie nach Ablauf der Frist.",
        "Bitte entfernen Sie mich aus CC, mein Kollege übernimmt.",
        "Please remove my name from the CC and loop in Jan.",
        "Zet me uit de cc aub, mijn collega neemt het over.",
        "Je dois me retirer de la réunion de jeudi, on peut décaler ?",
        "Sair da lista de espera? Quero entrar.",
    ],
)
def test_ordinary_words_about_mail_lists_and_data_are_no_opt_out(body: str) -> None:
    from outreach.classify.rules import analyse

    assert not analyse(reply(body)).unsubscribe, body


def test_a_yes_to_an_offered_price_list_is_not_an_opt_out() -> None:
    quote = (
        "\n\nEl mar, 17 nov 2026 a las 7:02, Carla <carla@nomina.example> escribió:\n"
        "> Hola,\n>\n> ¿Quiere que le envíe la lista de precios?\n"
    )
    assert label("Sí, gracias" + quote) == "interested"

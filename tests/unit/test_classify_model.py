"""Behaviour of the built-in classifier (rules + the packaged model), not scores."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from outreach.classify import LABELS, ReplyText, classify, to_dict
from outreach.classify.model import MODEL_FILE, ReplyModel, combine, get_model
from outreach.classify.rules import analyse

PITCH = (
    "\n\nOn Tue, Mar 3, 2026 at 9:12 AM Tom Becker <tom@pipeforge.io> wrote:\n"
    "> Hi Jane,\n>\n> Would you be interested in a 15-minute meeting next week?\n>\n"
    "> Best,\n> Tom\n>\n> Not interested? Unsubscribe here: https://pipeforge.io/u/8f3k2\n"
)


def reply(body: str, subject: str = "Re: Idea for Acme", headers: dict[str, str] | None = None):
    return ReplyText(
        subject=subject,
        from_addr="Jane Doe <jane@acme.com>",
        headers=headers or {},
        body=body,
        received_at=datetime(2026, 3, 4, 10, 0, tzinfo=UTC),
    )


def test_opt_out_under_a_quoted_interested_pitch_is_an_unsubscribe_request() -> None:
    c = classify(reply("Please take me off your list." + PITCH))
    assert c.label == "unsubscribe_request" and not c.needs_review


def test_unsubscribe_wins_over_a_referral_and_interest() -> None:
    body = "Sounds useful, but talk to sam@acme.com about it. And please drop me from the list."
    assert classify(reply(body)).label == "unsubscribe_request"


def test_a_header_less_absence_notice_is_out_of_office() -> None:
    c = classify(reply("I'm out of the office until March 16 with no access to email."))
    assert c.label == "out_of_office"
    assert c.return_date is not None and c.return_date.isoformat().startswith("2026-03-1")


def test_quoted_pitch_words_are_not_the_senders() -> None:
    # The quote says interested, meeting and unsubscribe; the reply says only thanks.
    c = classify(reply("Thanks, got it." + PITCH))
    assert c.label == "other"
    c = classify(reply("Who gave you my address?" + PITCH))
    assert c.label not in ("interested", "meeting_request", "unsubscribe_request")


def test_header_evidence_keeps_machine_mail_machine() -> None:
    hdr = {"Auto-Submitted": "auto-replied"}
    c = classify(reply("Thank you for your email. I'll answer when I can.", headers=hdr))
    assert c.label in ("out_of_office", "auto_reply")
    c = classify(reply("I have left Acme. Please contact ops@acme.com instead.", headers=hdr))
    assert (c.label, c.referral_email) == ("referral", "ops@acme.com")


def test_outlook_suppress_header_alone_is_not_machine_mail() -> None:
    c = classify(
        reply("Can we talk on Thursday at 3pm?", headers={"X-Auto-Response-Suppress": "All"})
    )
    assert c.label == "meeting_request"


def test_low_confidence_answers_are_marked_for_review() -> None:
    c = classify(reply("Let me think about it and get back to you."))
    assert c.confidence < get_model().review_threshold
    assert c.needs_review and to_dict(c)["needsReview"] is True
    sure = classify(reply("Not interested, thanks."))
    assert sure.label == "not_interested" and not sure.needs_review


def test_review_threshold_comes_from_the_model_file() -> None:
    strict = dataclasses.replace(get_model(), meta={**get_model().meta, "review_threshold": 1.01})
    r = reply("Sounds useful, send me more details.")
    c = combine(r, analyse(r), strict)
    assert c.label == "interested" and c.needs_review
    # Certain rules are never marked: an explicit opt-out.
    r = reply("Unsubscribe me.")
    assert not combine(r, analyse(r), strict).needs_review


def test_model_file_loads_and_is_deterministic() -> None:
    a, b = ReplyModel.load(MODEL_FILE), ReplyModel.load(MODEL_FILE)
    assert tuple(a.meta["labels"]) == LABELS
    assert 0 < a.review_threshold < 1
    r = reply("Wo werden die Daten gehostet?" + PITCH)
    an = analyse(r)
    first = combine(r, an, a)
    for _ in range(20):
        assert combine(r, an, b) == first
    assert classify(r) == classify(r)
    assert get_model() is get_model()  # loaded once per process

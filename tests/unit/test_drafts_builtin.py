"""The built-in answers: one per label, filled with the lead's values; none for the labels
nobody should answer."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from outreach.drafts.builtin import DraftContext, NoDraft, builtin_draft, next_slots
from outreach.schedule import SendWindow

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday


def ctx(label: str | None, **kw: object) -> DraftContext:
    base: dict[str, object] = {
        "label": label,
        "subject": "Re: Hello Sam",
        "first_name": "Sam",
        "company": "Example Inc",
        "sender_name": "Anita",
        "booking_url": None,
        "referral_email": None,
        "timezone": "Europe/Paris",
        "window": None,
        "now": NOW,
    }
    base.update(kw)
    return DraftContext(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "label",
    [
        "interested",
        "meeting_request",
        "question",
        "objection",
        "referral",
        "not_interested",
        "wrong_person",
        "other",
    ],
)
def test_every_human_label_gets_its_own_answer(label: str) -> None:
    d = builtin_draft(ctx(label))
    assert d.template == f"builtin:{label}"
    assert d.subject == "Re: Hello Sam"  # already a reply: no second "Re:"
    assert d.body.startswith("Hi Sam,")
    assert d.body.rstrip().endswith("Anita")
    assert "{{" not in d.body and "[" not in d.body  # never a placeholder


def test_answers_differ_by_label() -> None:
    labels = [
        "interested",
        "meeting_request",
        "question",
        "objection",
        "referral",
        "not_interested",
        "wrong_person",
        "other",
    ]
    assert len({builtin_draft(ctx(x)).body for x in labels}) == len(labels)


def test_meeting_request_offers_the_booking_link() -> None:
    d = builtin_draft(ctx("meeting_request", booking_url="https://cal.example/anita"))
    assert "https://cal.example/anita" in d.body


def test_meeting_request_without_a_link_offers_the_next_window_slots() -> None:
    window = SendWindow(days=("tue", "thu"), start=time(9, 30), end=time(17, 0))
    d = builtin_draft(ctx("meeting_request", window=window))
    # From Wednesday 2 December: Thursday 3, Tuesday 8, Thursday 10, at the window's start.
    assert "Thursday 03 December at 09:30 (Europe/Paris)" in d.body
    assert "Tuesday 08 December at 09:30 (Europe/Paris)" in d.body
    assert "Thursday 10 December at 09:30 (Europe/Paris)" in d.body


def test_slots_default_to_weekdays_at_ten_in_the_campaign_zone() -> None:
    slots = next_slots(ctx("meeting_request", now=datetime(2026, 12, 4, 12, tzinfo=UTC)))
    assert [s.strftime("%a %H:%M") for s in slots] == ["Mon 10:00", "Tue 10:00", "Wed 10:00"]
    assert all(str(s.tzinfo) == "Europe/Paris" for s in slots)


def test_referral_names_the_referred_address_and_no_name_is_fine() -> None:
    d = builtin_draft(ctx("referral", referral_email="jane@example.com", first_name=None))
    assert "jane@example.com" in d.body and d.body.startswith("Hi,")


def test_subject_gets_re_once() -> None:
    assert builtin_draft(ctx("other", subject="Hello Sam")).subject == "Re: Hello Sam"
    assert builtin_draft(ctx("other", subject=None)).subject == "Re: your reply"


@pytest.mark.parametrize("label", ["out_of_office", "auto_reply", "unsubscribe_request", None])
def test_no_draft_for_absences_machines_opt_outs_and_unclassified(label: str | None) -> None:
    with pytest.raises(NoDraft):
        builtin_draft(ctx(label))

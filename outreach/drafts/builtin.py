"""The built-in answers: what a draft says when no model is configured (or the model
failed). Pure: the reply's label picks the wording, the lead's and the campaign's values
fill it in. They are short, plain and safe to send as they are; the founder edits them.

| label           | the answer                                                          |
| interested      | thanks, offers a short call (booking link or the next free slots)    |
| meeting_request | confirms, offers the booking link, else the next slots of the window |
| question        | promises a precise answer, offers a call to go through it            |
| objection       | acknowledges the concern, asks one question, offers to reconnect     |
| referral        | thanks, asks to be introduced to the person named (their address)    |
| not_interested  | thanks and closes: no more follow-ups                                |
| wrong_person    | apologises, asks who the right person is                             |
| other           | thanks and asks how to help                                          |
out_of_office, auto_reply and unsubscribe_request get no draft (`NoDraft`): nobody is
waiting for an answer, and an opt-out must not be answered with more email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from outreach import schedule
from outreach.schedule import SendWindow

NO_DRAFT = {
    "out_of_office": "an out-of-office notice needs no answer (the sequence holds or goes on)",
    "auto_reply": "an automatic reply needs no answer",
    "unsubscribe_request": "an unsubscribe request is never answered with more email",
}
DEFAULT_SLOT = time(10, 0)  # proposed slots when the campaign has no sending window
SLOTS = 3


class NoDraft(ValueError):
    """This reply gets no draft; the message says why."""


@dataclass(frozen=True)
class DraftContext:
    label: str | None
    subject: str | None  # the reply's subject
    first_name: str | None
    company: str | None
    sender_name: str | None  # the campaign's fromName
    booking_url: str | None
    referral_email: str | None
    timezone: str
    window: SendWindow | None
    now: datetime


@dataclass(frozen=True)
class Drafted:
    subject: str
    body: str
    template: str  # which built-in answer: "builtin:<label>"


def reply_subject(subject: str | None) -> str:
    text = (subject or "").strip()
    if not text:
        return "Re: your reply"
    return text if text.lower().startswith("re:") else f"Re: {text}"


def next_slots(ctx: DraftContext, count: int = SLOTS) -> list[datetime]:
    """The starts of the next `count` sending days after today (the window's opening time
    in the campaign's zone; 10:00 on weekdays when it has none)."""
    window = ctx.window or SendWindow(
        days=("mon", "tue", "wed", "thu", "fri"), start=DEFAULT_SLOT, end=time(17, 0)
    )
    tz = schedule.zone(ctx.timezone)
    day = ctx.now.astimezone(tz).date() + timedelta(days=1)
    slots: list[datetime] = []
    for _ in range(14):
        if schedule.DAYS[day.weekday()] in window.days:
            slots.append(datetime.combine(day, window.start, tzinfo=tz))
            if len(slots) == count:
                break
        day += timedelta(days=1)
    return slots


def _slot_text(slot: datetime, tz_name: str) -> str:
    return f"{slot:%A %d %B} at {slot:%H:%M} ({tz_name})"


def _meeting_offer(ctx: DraftContext) -> str:
    if ctx.booking_url:
        return f"Here is my calendar, pick whatever suits you: {ctx.booking_url}"
    slots = "\n".join(f"- {_slot_text(s, ctx.timezone)}" for s in next_slots(ctx))
    return f"Would one of these work for you?\n{slots}"


def _sign(ctx: DraftContext) -> str:
    return f"\n\nBest,\n{ctx.sender_name}" if ctx.sender_name else "\n\nBest,"


def builtin_draft(ctx: DraftContext) -> Drafted:
    label = ctx.label
    if label is None:
        raise NoDraft("the reply is not classified yet; retry in a moment")
    if label in NO_DRAFT:
        raise NoDraft(f"No draft for a {label} reply: {NO_DRAFT[label]}.")
    hi = f"Hi {ctx.first_name}," if ctx.first_name else "Hi,"
    at = f" at {ctx.company}" if ctx.company else ""
    bodies = {
        "interested": (
            f"{hi}\n\nThanks for getting back to me, glad this caught your interest. "
            f"The quickest way to see if it fits what you do{at} is a 15-minute call.\n\n"
            f"{_meeting_offer(ctx)}"
        ),
        "meeting_request": (
            f"{hi}\n\nGreat, let's find a time. {_meeting_offer(ctx)}\n\n"
            "If none of these fit, send me two or three times that do and I'll make it work."
        ),
        "question": (
            f"{hi}\n\nGood question, thanks for asking. I'll come back to you with a precise "
            "answer shortly. If it's easier, we can also go through it together on a short "
            f"call.\n\n{_meeting_offer(ctx)}"
        ),
        "objection": (
            f"{hi}\n\nThat's fair, and thanks for being straight with me. Could I ask what "
            "would need to be true for this to be worth a look? If the timing is the issue, "
            "I'm happy to check back in a few months instead."
        ),
        "referral": (
            f"{hi}\n\nThanks a lot for pointing me in the right direction. "
            + (
                f"I'll reach out to {ctx.referral_email}; would you mind if I mention that "
                "you suggested it?"
                if ctx.referral_email
                else "Could you share who I should speak to, or introduce us?"
            )
        ),
        "not_interested": (
            f"{hi}\n\nUnderstood, thanks for letting me know. I won't follow up on this. "
            "If things change, you know where to find me."
        ),
        "wrong_person": (
            f"{hi}\n\nSorry for the bother, and thanks for letting me know. Would you mind "
            f"pointing me to the right person{at} for this?"
        ),
        "other": (f"{hi}\n\nThanks for your reply. How can I help?"),
    }
    body = bodies.get(label)
    if body is None:
        raise NoDraft(f"no built-in answer for the label {label!r}")
    return Drafted(
        subject=reply_subject(ctx.subject), body=body + _sign(ctx), template=f"builtin:{label}"
    )

"""Pure parts of inbound mail: parsing (caps, charsets, hostile input), bounce detection,
what each label does, and the IMAP helpers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from outreach.inbound.effects import effect_for, hold_instant
from outreach.inbound.imap import encode_mailbox, imap_date, parse_fetch, parse_search
from outreach.inbound.message import BODY_CAP, RAW_CAP, MalformedMessage, parse_message
from outreach.models import Send
from tests.replies.helpers import dsn, message


def test_reply_headers_and_threading_ids() -> None:
    raw = message(
        sender='"Sam Altman" <Sam@Example.COM>',
        body="Sounds good",
        in_reply_to="<send_2@sender.test>",
        references="<send_1@sender.test> <send_2@sender.test>",
        message_id="<abc@mail.example.com>",
    )
    p = parse_message(raw)
    assert p.message_id == "<abc@mail.example.com>" and not p.synthetic_id
    assert p.from_email == "sam@example.com"
    assert p.from_name == "Sam Altman"
    assert p.in_reply_to == "<send_2@sender.test>"
    assert p.thread_ids == ["<send_2@sender.test>", "<send_1@sender.test>"]
    assert p.body_text.strip() == "Sounds good"
    assert p.bounce is None and not p.truncated


def test_encoded_and_raw_utf8_headers_decode() -> None:
    raw = (
        "From: =?utf-8?q?Doe=2C_J=C3=B6hn?= <j@x.org>\r\nSubject: Grüße aus Köln\r\n"
        "Message-ID: <u@x.org>\r\n\r\nHallo\r\n"
    ).encode()
    p = parse_message(raw)
    assert p.from_email == "j@x.org"  # the comma in the encoded name is not a separator
    assert p.from_name == "Doe, Jöhn"
    assert p.subject == "Grüße aus Köln"


def test_missing_message_id_gets_a_stable_synthetic_one() -> None:
    raw = b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n"
    first, again = parse_message(raw), parse_message(raw)
    assert first.synthetic_id and first.message_id == again.message_id
    assert first.message_id.endswith("@no-message-id.invalid>")
    assert parse_message(raw + b"more").message_id != first.message_id


def test_unknown_charset_and_nul_bytes_are_stored_safely() -> None:
    raw = (
        b"From: a@example.com\r\nSubject: caf\xe9 \x00menu\r\n"
        b"Content-Type: text/plain; charset=x-unknown-42\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nt\xe9l\xe9phone \x00 moi\r\n"
    )
    p = parse_message(raw)
    for text in (p.subject, p.body_text, *p.headers.values()):
        assert "\x00" not in text
        text.encode("utf-8")  # no lone surrogates: PostgreSQL accepts it
    assert "phone" in p.body_text and "menu" in p.subject


def test_broken_multipart_keeps_the_text() -> None:
    no_boundary = b"From: a@example.com\r\nContent-Type: multipart/mixed\r\n\r\nplain words\r\n"
    assert "plain words" in parse_message(no_boundary).body_text
    unclosed = (
        b'From: a@example.com\r\nContent-Type: multipart/alternative; boundary="zz"\r\n'
        b"\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhello there\r\n--zz\r\n"
        b"Content-Type: text/html\r\n\r\n<p>broken"
    )
    p = parse_message(unclosed)
    assert p.body_text.strip() == "hello there"
    assert "CloseBoundaryNotFoundDefect" in p.defects


def test_huge_message_is_capped_and_flagged() -> None:
    raw = b"From: a@example.com\r\nSubject: big\r\n\r\n" + b"word " * (RAW_CAP // 4)
    p = parse_message(raw)
    assert p.truncated and p.raw_size == len(raw)
    assert len(p.raw) == RAW_CAP and len(p.body_text) == BODY_CAP
    small = parse_message(b"From: a@example.com\r\n\r\nhi\r\n", full_size=5_000_000)
    assert small.truncated and small.raw_size == 5_000_000  # an IMAP partial fetch


@pytest.mark.parametrize(
    "raw, status, code",
    [
        (b"", 400, "empty_message"),
        (b"   \r\n ", 400, "empty_message"),
        (b"just some words, no headers\r\nat all", 400, "malformed_message"),
        (b"\x00\x01\x02\xff\xfe binary", 400, "malformed_message"),
        (b"Subject: no sender\r\n\r\nwho am I", 422, "unusable_message"),
    ],
)
def test_unusable_bodies_are_refused(raw: bytes, status: int, code: str) -> None:
    with pytest.raises(MalformedMessage) as err:
        parse_message(raw)
    assert (err.value.status, err.value.code) == (status, code)


def _send() -> Send:
    return Send(
        id="send_x",
        workspace_id="ws",
        campaign_id="c",
        lead_id="l",
        step_position=1,
        to_email="sam@example.com",
        from_email="anita@sender.test",
        subject="Hello Sam",
        message_id="<send_x@sender.test>",
    )


def test_delivery_status_report_is_a_hard_bounce() -> None:
    p = parse_message(dsn(_send()))
    assert p.bounce is not None and p.bounce.hard and p.bounce.report
    assert p.bounce.action == "failed" and p.bounce.status == "5.1.1"
    assert p.bounce.recipients == ["sam@example.com"]
    assert p.bounce.original_message_ids == ["<send_x@sender.test>"]
    assert "User unknown" in (p.bounce.diagnostic or "")


def test_delayed_report_is_not_a_hard_bounce() -> None:
    p = parse_message(dsn(_send(), action="delayed", status="4.4.1"))
    assert p.bounce is not None and not p.bounce.hard and p.bounce.action == "delayed"


def test_old_style_mailer_daemon_bounce() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.example.com\r\nSubject: failure notice\r\n\r\n"
        b"Sorry, I couldn't deliver your message.\r\n\r\n--- copy of the message:\r\n\r\n"
        b"Message-ID: <send_x@sender.test>\r\nSubject: Hello Sam\r\n"
    )
    p = parse_message(raw)
    assert p.bounce is not None and p.bounce.hard and not p.bounce.report
    assert p.bounce.original_message_ids == ["<send_x@sender.test>"]


def test_human_reply_mentioning_mailer_daemon_is_not_a_bounce() -> None:
    raw = message(sender="sam@example.com", body="Your mail went to MAILER-DAEMON, odd!")
    assert parse_message(raw).bounce is None


def test_effects_of_each_label() -> None:
    for label in (
        "interested",
        "meeting_request",
        "objection",
        "not_interested",
        "question",
        "referral",
        "wrong_person",
        "other",
    ):
        assert effect_for(label, None) == "reply"
    assert effect_for("unsubscribe_request", None) == "unsubscribe"
    assert effect_for("out_of_office", "2027-03-01") == "hold"
    assert effect_for("out_of_office", None) == "none"
    assert effect_for("auto_reply", None) == "none"


def test_hold_instant_is_the_start_of_the_day_in_the_zone() -> None:
    assert hold_instant(date(2027, 1, 15), "America/New_York") == datetime(
        2027, 1, 15, 5, tzinfo=UTC
    )
    assert hold_instant(date(2027, 7, 15), "Europe/Berlin") == datetime(2027, 7, 14, 22, tzinfo=UTC)
    assert hold_instant(date(2027, 1, 15), "Not/AZone") == datetime(2027, 1, 15, tzinfo=UTC)


def test_imap_helpers() -> None:
    assert encode_mailbox("INBOX") == '"INBOX"'
    assert encode_mailbox('Re "x"') == '"Re \\"x\\""'
    assert encode_mailbox("Entwürfe & Co") == '"Entw&APw-rfe &- Co"'  # RFC 3501 example style
    assert imap_date(date(2026, 3, 5)) == "5-Mar-2026"
    assert parse_search([b"3 1 2", b""]) == [1, 2, 3]
    data = [
        (
            b'1 (UID 7 RFC822.SIZE 900 INTERNALDATE "26-Nov-2026 05:56:03 +0100" BODY[]<0> {5}',
            b"hello",
        ),
        b")",
        (b"2 (RFC822.SIZE 3 BODY[]<0> {3}", b"abc"),
        b" UID 9)",
    ]
    first, second = parse_fetch(data)
    assert (first.uid, first.size, first.raw) == (7, 900, b"hello")
    assert first.internaldate == datetime(2026, 11, 26, 4, 56, 3, tzinfo=UTC)
    assert (second.uid, second.size, second.internaldate) == (9, 3, None)

"""Bounds on what a template and a lead's values can make of a message."""

from __future__ import annotations

from outreach.mail import SUBJECT_CAP, Outgoing, ascii_address, build_message, one_line
from outreach.render import CUSTOM_VALUE_CAP, VARIABLE_CAPS, longest_render


def test_longest_render_counts_each_variable_at_its_longest() -> None:
    assert longest_render("Hi there") == 8
    assert longest_render("Hi {{firstName}}!") == 3 + VARIABLE_CAPS["firstName"] + 1
    assert longest_render("{{pain}}") == CUSTOM_VALUE_CAP
    assert longest_render("{{x}}" * 10_000) == 10_000 * CUSTOM_VALUE_CAP
    # A fallback longer than the variable's cap counts as written.
    long_fallback = "y" * 400
    assert longest_render("{{role|" + long_fallback + "}}") == 400


def test_one_line_keeps_one_line_and_the_cap() -> None:
    assert one_line("About slow\r\nBcc: x@y.io\nbuilds") == "About slow Bcc: x@y.io builds"
    assert one_line("  tab\there \u2028 sep ") == "tab here sep"
    assert len(one_line("w " * 5_000)) <= SUBJECT_CAP


def _outgoing(**kw: object) -> Outgoing:
    fields: dict[str, object] = {
        "from_name": "Anita",
        "from_email": "anita@example.com",
        "to_email": "sam@example.com",
        "to_name": "Sam",
        "subject": "Hello",
        "body": "Hi",
        "message_id": "<send_1@example.com>",
        "unsubscribe_url": "https://outreach.example.com/u/" + "t" * 120,
    }
    return Outgoing(**{**fields, **kw})  # type: ignore[arg-type]


def test_body_lines_keep_rfc_2045_lengths_while_headers_stay_literal() -> None:
    raw = build_message(_outgoing(body=("Grüße aus Köln, " * 40 + "\n") * 3))
    head, body = raw.split(b"\r\n\r\n", 1)
    assert b"\r\nList-Unsubscribe: <https://outreach.example.com/u/" in head
    assert b"Content-Transfer-Encoding: quoted-printable" in head or b"base64" in head
    assert max(len(line) for line in body.split(b"\r\n")) <= 76


def test_an_international_domain_goes_out_in_ascii() -> None:
    assert ascii_address("sam@bücher.example") == "sam@xn--bcher-kva.example"
    assert ascii_address("sam@example.com") == "sam@example.com"
    raw = build_message(_outgoing(to_email="sam@bücher.example"))
    assert b"To: Sam <sam@xn--bcher-kva.example>" in raw

"""Bounds on what a template and a lead's values can make of a message."""

from __future__ import annotations

from outreach.mail import SUBJECT_CAP, header_text
from outreach.render import CUSTOM_VALUE_CAP, VARIABLE_CAPS, longest_render


def test_longest_render_counts_each_variable_at_its_longest() -> None:
    assert longest_render("Hi there") == 8
    assert longest_render("Hi {{firstName}}!") == 3 + VARIABLE_CAPS["firstName"] + 1
    assert longest_render("{{pain}}") == CUSTOM_VALUE_CAP
    assert longest_render("{{x}}" * 10_000) == 10_000 * CUSTOM_VALUE_CAP
    # A fallback longer than the variable's cap counts as written.
    long_fallback = "y" * 400
    assert longest_render("{{role|" + long_fallback + "}}") == 400


def test_header_text_keeps_one_line_and_the_cap() -> None:
    assert header_text("About slow\r\nBcc: x@y.io\nbuilds") == "About slow Bcc: x@y.io builds"
    assert header_text("  tab\there \u2028 sep ") == "tab here sep"
    assert len(header_text("w " * 5_000)) <= SUBJECT_CAP

"""The importer's parts without a server: header reading, sniffing, encodings, retries and
the progress line."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest

from outreach.leads import csvio


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("email_address", "email"),
        ("First Name", "firstName"),
        ("first-name", "firstName"),
        ("Surname", "lastName"),
        ("Company Name", "company"),
        ("Organisation", "company"),
        ("Job Title", "role"),
        ("LinkedIn", "linkedinUrl"),
        ("LinkedIn URL", "linkedinUrl"),
        ("Time zone", "timezone"),
        ("linkedinUrl", "linkedinUrl"),
        ("Deal size", None),
    ],
)
def test_header_synonyms(header: str, field: str | None) -> None:
    assert csvio.field_for(header) == field


def test_columns_custom_skipped_and_clashes() -> None:
    cols = csvio.plan_columns(
        ["Email", "Deal size", "status", "createdAt", "2nd phone", "Notes"],
        csvio.parse_map("notes=-"),
    )
    assert [(c.field, c.custom) for c in cols] == [
        ("email", None),
        (None, "Deal_size"),
        (None, None),
        (None, None),
        (None, "_2nd_phone"),
        (None, None),
    ]
    with pytest.raises(csvio.CsvError, match="'Title' and 'Role' both mean role"):
        csvio.plan_columns(["email", "Title", "Role"], {})
    with pytest.raises(csvio.CsvError, match="--map: expected HEADER=FIELD"):
        csvio.parse_map("Email")


@pytest.mark.parametrize(("sep", "name"), [(",", "c"), (";", "s"), ("\t", "t"), ("|", "p")])
def test_delimiter_sniffed(tmp_path: Path, sep: str, name: str) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_text(
        sep.join(["email", "first name", "company"])
        + "\n"
        + sep.join(["a@b.com", "A", "B, Inc"])
        + "\n"
    )
    assert csvio.open_source(path, None).delimiter == sep


def test_encodings(tmp_path: Path) -> None:
    utf8 = tmp_path / "u.csv"
    utf8.write_bytes("email,name\nz@a.com,Zoë\n".encode())
    latin = tmp_path / "l.csv"
    latin.write_bytes(b"email,name\nz@a.com,Zo\xeb \x81\n")  # 0x81: not cp1252
    cp = tmp_path / "c.csv"
    cp.write_bytes(b"email,name\n" + b"x" * (2 << 20) + b",\x80\n")  # late: past a chunk
    assert csvio.open_source(utf8, None).encoding == "utf-8-sig"
    assert csvio.open_source(latin, None).encoding == "latin-1"
    assert csvio.open_source(cp, None).encoding == "cp1252"


def test_retries_are_bounded() -> None:
    answers = iter([429, 503, 200])
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(next(answers), json={"ok": True})

    fast = csvio.Retry(attempts=3, base=0.001)
    with httpx.Client(transport=httpx.MockTransport(handler), base_url="http://x") as http:
        assert csvio.request(http, "GET", "/a", fast).status_code == 200
    assert len(calls) == 3

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with (
        httpx.Client(transport=httpx.MockTransport(down), base_url="http://x") as http,
        pytest.raises(csvio.CsvError, match="after 3 attempts"),
    ):
        csvio.request(http, "GET", "/a", fast)

    def forbidden(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(403, json={"error": "missing scope"})

    calls.clear()
    with (
        httpx.Client(transport=httpx.MockTransport(forbidden), base_url="http://x") as http,
        pytest.raises(csvio.CsvError, match="403: missing scope"),
    ):
        csvio.request(http, "GET", "/a", fast)
    assert len(calls) == 1  # not retried


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_in_place_on_a_tty() -> None:
    tty = _Tty()
    bar = csvio.Progress(2000, tty)
    bar.show(1000, 1)
    bar.show(2000, 2)
    bar.end()
    text = tty.getvalue()
    assert text.count("\r\x1b[K") == 2 and text.endswith("\n") and text.count("\n") == 1
    assert "2,000/2,000 rows (100%)" in text and "ETA 0:00" in text
    plain = io.StringIO()
    csvio.Progress(0, plain).show(5, 1)
    assert plain.getvalue().startswith("outreach: batch 1: 5/0 rows, ")

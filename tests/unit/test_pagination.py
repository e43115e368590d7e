"""Cursors: opaque, signed, bound to one deployment's key; and the page arithmetic."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from api.errors import APIError
from api.pagination import MAX_LIMIT, Page, decode_cursor, encode_cursor

KEY = b"k" * 32
WHEN = datetime(2026, 4, 1, 9, 30, 15, 123456, tzinfo=UTC)


def test_a_cursor_round_trips_to_the_microsecond() -> None:
    cursor = encode_cursor(WHEN, "lead_abc", KEY)
    assert decode_cursor(cursor, KEY) == (WHEN, "lead_abc")
    assert "lead_abc" not in cursor  # opaque
    assert cursor.replace("-", "").replace("_", "").replace(".", "").isalnum()  # URL-safe


def test_a_cursor_keeps_the_instant_across_time_zones() -> None:
    local = WHEN.astimezone(timezone(timedelta(hours=-5)))
    when, _ = decode_cursor(encode_cursor(local, "x", KEY), KEY)
    assert when == WHEN and when.utcoffset() == timedelta(0)


def _rejected(cursor: str, key: bytes = KEY) -> None:
    with pytest.raises(APIError) as info:
        decode_cursor(cursor, key)
    assert (info.value.status, info.value.code) == (400, "invalid_cursor")


def test_tampered_forged_and_foreign_cursors_are_rejected() -> None:
    cursor = encode_cursor(WHEN, "lead_abc", KEY)
    value, mac = cursor.split(".")
    forged = (
        base64.urlsafe_b64encode(json.dumps([WHEN.isoformat(), "lead_zzz"]).encode())
        .decode()
        .rstrip("=")
    )
    _rejected(f"{forged}.{mac}")  # another position under the old signature
    _rejected(cursor, b"another deployment")
    _rejected(value)  # signature dropped
    _rejected(cursor[:-1] + ("A" if cursor[-1] != "A" else "B"))
    for garbage in ("", "x", ".", "a.b", "a.b.c", "%%%.%%%", "é.é", "x" * 1000):
        _rejected(garbage)


@pytest.mark.parametrize(
    "payload",
    [
        '["2026-01-01T00:00:00", "lead_x"]',  # naive time
        '["yesterday", "lead_x"]',
        '["2026-01-01T00:00:00+00:00", 5]',
        '["2026-01-01T00:00:00+00:00"]',
        '{"at": "2026-01-01T00:00:00+00:00"}',
        "null",
        "[",
    ],
)
def test_well_signed_but_malformed_payloads_are_rejected(payload: str) -> None:
    from outreach.security import sign_token

    _rejected(sign_token(KEY, "cursor", payload))


def rows(n: int) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(id=f"r{i:02d}", created_at=WHEN - timedelta(seconds=i)) for i in range(n)
    ]


def test_result_gives_a_cursor_only_when_more_rows_exist() -> None:
    page = Page(3, None, KEY)
    full = page.result(rows(4), lambda r: r.id)  # apply() asks for limit + 1 rows
    assert full["data"] == ["r00", "r01", "r02"]
    assert decode_cursor(full["nextCursor"], KEY) == (WHEN - timedelta(seconds=2), "r02")
    assert page.result(rows(3), lambda r: r.id)["nextCursor"] is None
    assert page.result([], lambda r: r.id) == {"data": [], "nextCursor": None}


def test_a_page_starts_after_its_cursor() -> None:
    cursor = encode_cursor(WHEN, "r05", KEY)
    assert Page(10, cursor, KEY).after == (WHEN, "r05")
    assert Page(10, None, KEY).after is None
    assert MAX_LIMIT == 200

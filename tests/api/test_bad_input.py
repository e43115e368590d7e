"""Bad input gets its documented 4xx in the envelope, never a 500, and changes nothing:
malformed or non-object JSON, wrong types, unknown fields, 10 MB bodies, SQL-ish strings,
NUL characters, bad cursors and limits, odd Authorization headers, unicode emails."""

from __future__ import annotations

import base64
import json
import logging
import secrets
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from outreach.db import Database
from outreach.models import Campaign, Lead
from outreach.security import KEY_PREFIX
from tests.api.conftest import BASE, Tenant, assert_envelope
from tests.helpers import make_campaign, make_lead

JSON = {"content-type": "application/json"}
SQLISH = "' OR 1=1 --"


async def campaign_count(db: Database) -> int:
    async with db.session() as s:
        return (await s.exec(select(func.count()).select_from(Campaign))).one()


async def post_campaign(
    api: httpx.AsyncClient, tenant: Tenant, content: bytes, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await api.post(
        f"{BASE}/campaigns", content=content, headers={**tenant.headers, **JSON, **(headers or {})}
    )


# -- bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"{bad", b'{"name": "x",}', b"{'name': 'x'}", b'{"name": "x'])
async def test_malformed_json_is_400_and_creates_nothing(
    api: httpx.AsyncClient, db: Database, tenant: Tenant, content: bytes
) -> None:
    before = await campaign_count(db)
    body = assert_envelope(await post_campaign(api, tenant, content), 400, "malformed_json")
    assert "JSON" in body["error"]
    assert await campaign_count(db) == before


@pytest.mark.parametrize("content", [b"[]", b'["name"]', b'"x"', b"null", b"5", b"true"])
async def test_json_that_is_not_an_object_is_400(
    api: httpx.AsyncClient, tenant: Tenant, content: bytes
) -> None:
    body = assert_envelope(await post_campaign(api, tenant, content), 400, "invalid_request")
    assert body["error"] == "Request body must be a JSON object."
    r = await api.patch(
        f"{BASE}/campaigns/camp_x", content=content, headers={**tenant.headers, **JSON}
    )
    assert_envelope(r, 400, "invalid_request")


async def test_missing_body_is_400(api: httpx.AsyncClient, tenant: Tenant) -> None:
    body = assert_envelope(await post_campaign(api, tenant, b""), 400, "invalid_request")
    assert "body is required" in body["error"]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_a_body_not_sent_as_json_is_400(
    api: httpx.AsyncClient, tenant: Tenant, content_type: str | None
) -> None:
    headers = dict(tenant.headers)
    if content_type:
        headers["content-type"] = content_type
    r = await api.post(f"{BASE}/campaigns", content=b'{"name": "x"}', headers=headers)
    body = assert_envelope(r, 400, "invalid_content_type")
    assert "application/json" in body["error"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x", "dailyCap": "5"}, "dailyCap"),
        ({"name": "x", "dailyCap": True}, "dailyCap"),
        ({"name": "x", "dailyCap": 5.5}, "dailyCap"),
        ({"name": "x", "dailyCap": 10**30}, "dailyCap"),
        ({"name": 5}, "name"),
        ({"name": "x", "steps": "P3D"}, "steps"),
        ({"name": "x", "steps": [{"body": "hi", "delay": 3}]}, "steps.0.delay"),
        (
            {"name": "x", "sendWindow": {"days": "mon", "start": "09:00", "end": "17:00"}},
            "sendWindow.days",
        ),
        ({"name": "x", "status": "running"}, "status"),
        ({}, "name"),
    ],
)
async def test_wrong_or_missing_fields_are_400_naming_the_field(
    api: httpx.AsyncClient, db: Database, tenant: Tenant, payload: dict, field: str
) -> None:
    before = await campaign_count(db)
    r = await post_campaign(api, tenant, json.dumps(payload).encode())
    body = assert_envelope(r, 400, "invalid_request")
    assert f"'{field}'" in body["error"]
    assert await campaign_count(db) == before


async def test_lead_with_non_string_email_is_400(
    api: httpx.AsyncClient, tenant: Tenant, db: Database
) -> None:
    camp = await make_campaign(db, tenant.id)
    r = await api.post(
        f"{BASE}/leads", headers=tenant.headers, json={"campaignId": camp.id, "email": 5}
    )
    assert "'email'" in assert_envelope(r, 400, "invalid_request")["error"]


@pytest.mark.parametrize("field", ["colour", "daily_cap", "workspaceId", "id"])
async def test_unknown_fields_on_create_are_400(
    api: httpx.AsyncClient, db: Database, tenant: Tenant, field: str
) -> None:
    before = await campaign_count(db)
    r = await post_campaign(api, tenant, json.dumps({"name": "x", field: 1}).encode())
    body = assert_envelope(r, 400, "invalid_request")
    assert f"unknown field '{field}'" in body["error"]
    assert await campaign_count(db) == before


async def test_a_deeply_nested_body_is_400(api: httpx.AsyncClient, tenant: Tenant) -> None:
    content = b'{"name": "x", "pitchContext": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    r = await post_campaign(api, tenant, content)
    assert_envelope(r, 400)


# -- size ------------------------------------------------------------------------------

TEN_MB = 10 * 1024 * 1024


async def test_a_10mb_body_with_content_length_is_413(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    before = await campaign_count(db)
    big = json.dumps({"name": "x", "pitchContext": "a" * TEN_MB}).encode()
    r = await post_campaign(api, tenant, big)
    body = assert_envelope(r, 413, "payload_too_large")
    assert "too large" in body["error"]
    assert await campaign_count(db) == before


async def test_a_10mb_chunked_body_without_length_is_413(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    before = await campaign_count(db)
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"name": "x", "pitchContext": "'
        for _ in range(10):
            sent += 1
            yield b"a" * (1024 * 1024)
        yield b'"}'

    r = await api.post(f"{BASE}/campaigns", content=chunks(), headers={**tenant.headers, **JSON})
    assert "content-length" not in r.request.headers
    assert_envelope(r, 413, "payload_too_large")
    assert await campaign_count(db) == before


async def test_a_body_under_the_size_limit_reaches_validation(
    api: httpx.AsyncClient, tenant: Tenant
) -> None:
    r = await post_campaign(
        api,
        tenant,
        json.dumps({"name": "x", "pitchContext": "a" * 20_000, "padding": " " * 900_000}).encode(),
    )
    assert_envelope(r, 400, "invalid_request")  # unknown field 'padding', not 413


# -- SQL-ish strings and NUL -----------------------------------------------------------


async def test_sqlish_strings_in_ids_filters_and_bodies_change_nothing(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    camp = await make_campaign(db, tenant.id)
    lead = await make_lead(db, camp)
    before = await campaign_count(db)
    for path in ("campaigns", "leads"):
        r = await api.get(f"{BASE}/{path}/{SQLISH}", headers=tenant.headers)
        assert_envelope(r, 404, "not_found")
    for path, params in [
        ("leads", {"campaignId": SQLISH}),
        ("leads", {"email": SQLISH}),
        ("replies", {"campaignId": SQLISH}),
        ("sends", {"leadId": SQLISH}),
    ]:
        r = await api.get(f"{BASE}/{path}", headers=tenant.headers, params=params)
        assert r.status_code == 200 and r.json() == {"data": [], "nextCursor": None}
    r = await api.get(f"{BASE}/leads", headers=tenant.headers, params={"status": SQLISH})
    assert_envelope(r, 400, "invalid_request")

    r = await api.post(
        f"{BASE}/campaigns",
        headers=tenant.headers,
        json={"name": SQLISH, "pitchContext": "x'); DROP TABLE lead; --"},
    )
    assert r.status_code == 201
    assert r.json()["name"] == SQLISH
    r = await api.post(
        f"{BASE}/leads",
        headers=tenant.headers,
        json={"campaignId": camp.id, "email": f"{SQLISH}@example.com"},
    )
    assert_envelope(r, 422, "invalid_email")
    assert await campaign_count(db) == before + 1
    async with db.session() as s:
        assert await s.get(Lead, lead.id) is not None
    r = await api.get(f"{BASE}/leads/{lead.id}", headers=tenant.headers)
    assert r.status_code == 200


@pytest.mark.parametrize(
    "request_args",
    [
        ("GET", f"{BASE}/campaigns/camp%00x", None),
        ("GET", f"{BASE}/leads?email=a%00b@example.com", None),
        ("GET", f"{BASE}/leads?campaignId=%00", None),
        ("POST", f"{BASE}/campaigns", {"name": "a\u0000b"}),
        ("POST", f"{BASE}/campaigns", {"name": "x", "steps": [{"subject": "s", "body": "\u0000"}]}),
    ],
    ids=["path", "email-filter", "id-filter", "body", "nested-body"],
)
async def test_nul_characters_are_400_on_every_database(
    api: httpx.AsyncClient, db: Database, tenant: Tenant, request_args: tuple
) -> None:
    method, url, payload = request_args
    before = await campaign_count(db)
    r = await api.request(method, url, headers=tenant.headers, json=payload)
    body = assert_envelope(r, 400, "invalid_request")
    assert "NUL" in body["error"]
    assert await campaign_count(db) == before


# -- cursors and limits ----------------------------------------------------------------


async def _a_real_cursor(api: httpx.AsyncClient, db: Database, tenant: Tenant) -> str:
    for _ in range(3):
        await make_campaign(db, tenant.id)
    r = await api.get(f"{BASE}/campaigns", headers=tenant.headers, params={"limit": 1})
    cursor = r.json()["nextCursor"]
    assert cursor
    return cursor


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def test_invalid_cursors_are_400(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    real = await _a_real_cursor(api, db, tenant)
    value, mac = real.split(".")
    forged_value = _b64(b'["2000-01-01T00:00:00+00:00","camp_zzzz"]')
    bad = [
        "garbage",
        "%%%",
        _b64(b"garbage"),
        _b64(b'["2026-01-01T00:00:00+00:00","camp_x"]'),  # the old unsigned form
        f"{forged_value}.{mac}",  # a tampered position with the old signature
        f"{value}.{_b64(secrets.token_bytes(20))}",  # a made-up signature
        real[:-2] + ("AA" if not real.endswith("AA") else "BB"),
        real + "x" * 500,
        "\u00e9\u00e9",
    ]
    for cursor in bad:
        r = await api.get(f"{BASE}/campaigns", headers=tenant.headers, params={"cursor": cursor})
        body = assert_envelope(r, 400, "invalid_cursor")
        assert "nextCursor" in body["error"]
    r = await api.get(f"{BASE}/campaigns", headers=tenant.headers, params={"cursor": real})
    assert r.status_code == 200


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "100000", "201", "1.5", ""])
async def test_out_of_range_limits_are_400(
    api: httpx.AsyncClient, tenant: Tenant, limit: str
) -> None:
    for path in ("campaigns", "leads", "replies", "sends"):
        r = await api.get(f"{BASE}/{path}?limit={limit}", headers=tenant.headers)
        body = assert_envelope(r, 400, "invalid_request")
        assert "limit" in body["error"]


async def test_limit_bounds_are_accepted(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    for _ in range(2):
        await make_campaign(db, tenant.id)
    r = await api.get(f"{BASE}/campaigns?limit=1", headers=tenant.headers)
    assert len(r.json()["data"]) == 1 and r.json()["nextCursor"]
    r = await api.get(f"{BASE}/campaigns?limit=200", headers=tenant.headers)
    assert len(r.json()["data"]) == 2 and r.json()["nextCursor"] is None


@pytest.mark.parametrize(
    "query", ["status=running", "needsAction=maybe", "label=happy", "campaignId=" + "c" * 61]
)
async def test_bad_filter_values_are_400(
    api: httpx.AsyncClient, tenant: Tenant, query: str
) -> None:
    path = "replies" if query.startswith(("needsAction", "label")) else "leads"
    r = await api.get(f"{BASE}/{path}?{query}", headers=tenant.headers)
    assert_envelope(r, 400, "invalid_request")


# -- emails ----------------------------------------------------------------------------


async def test_unicode_emails_are_accepted_and_normalised(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    camp = await make_campaign(db, tenant.id)
    r = await api.post(
        f"{BASE}/leads",
        headers=tenant.headers,
        json={"campaignId": camp.id, "email": "  Jörg@Bücher.DE "},
    )
    assert r.status_code == 201, r.text
    lead = r.json()
    assert lead["email"] == "jörg@bücher.de"
    # The same address written differently is the same lead (idempotent create).
    again = await api.post(
        f"{BASE}/leads",
        headers=tenant.headers,
        json={"campaignId": camp.id, "email": "JÖRG@bücher.de"},
    )
    assert again.status_code == 200 and again.json()["id"] == lead["id"]
    found = await api.get(
        f"{BASE}/leads", headers=tenant.headers, params={"email": "JÖRG@BÜCHER.de"}
    )
    assert [x["id"] for x in found.json()["data"]] == [lead["id"]]
    r = await api.post(
        f"{BASE}/campaigns",
        headers=tenant.headers,
        json={"name": "x", "fromEmail": "Anita@Bücher.de"},
    )
    assert r.status_code == 201 and r.json()["fromEmail"] == "anita@bücher.de"


@pytest.mark.parametrize(
    "email",
    [
        "jörg@",
        "@bücher.de",
        "jörg",
        "a@b",
        "a@@b.de",
        "a b@c.de",
        "",
        " ",
        "jörg@bücher..de",
        "jörg@bü cher.de",
    ],
)
async def test_invalid_emails_are_422(
    api: httpx.AsyncClient, db: Database, tenant: Tenant, email: str
) -> None:
    camp = await make_campaign(db, tenant.id)
    r = await api.post(
        f"{BASE}/leads", headers=tenant.headers, json={"campaignId": camp.id, "email": email}
    )
    assert_envelope(r, 422, "invalid_email")
    async with db.session() as s:
        leads = (await s.exec(select(Lead).where(Lead.campaign_id == camp.id))).all()
    assert leads == []


# -- the Authorization header ----------------------------------------------------------


def _header_cases(key: str) -> list[tuple[str, bytes, str]]:
    token = key
    return [
        ("bearer-only", b"Bearer", "invalid_api_key"),
        ("bearer-space", b"Bearer ", "invalid_api_key"),
        ("basic", b"Basic " + base64.b64encode(b"user:pass"), "invalid_api_key"),
        ("no-scheme", token.encode(), "invalid_api_key"),
        ("two-spaces", f"Bearer  {token}".encode(), "invalid_api_key"),
        ("trailing-word", f"Bearer {token} extra".encode(), "invalid_api_key"),
        ("space-inside", f"Bearer {token[:20]} {token[20:]}".encode(), "invalid_api_key"),
        ("tab", f"Bearer\t{token}".encode(), "invalid_api_key"),
        ("tab-inside", f"Bearer {token[:20]}\t{token[20:]}".encode(), "invalid_api_key"),
        ("newline", f"Bearer {token}\n".encode(), "invalid_api_key"),
        ("newline-inside", f"Bearer {token[:20]}\n{token[20:]}".encode(), "invalid_api_key"),
        (
            "unknown-key",
            f"Bearer {KEY_PREFIX}{secrets.token_urlsafe(32)}".encode(),
            "invalid_api_key",
        ),
        ("wrong-prefix", f"Bearer pms_test_{token[9:]}".encode(), "invalid_api_key"),
        ("short", f"Bearer {KEY_PREFIX}abc".encode(), "invalid_api_key"),
        ("huge", b"Bearer " + KEY_PREFIX.encode() + b"a" * 10_000, "invalid_api_key"),
        ("non-ascii", f"Bearer {KEY_PREFIX}jörg{token[13:]}".encode(), "invalid_api_key"),
        ("sqlish", f"Bearer {SQLISH}".encode(), "invalid_api_key"),
    ]


async def test_odd_authorization_headers_are_401(
    api: httpx.AsyncClient, tenant: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name, value, code in _header_cases(tenant.key):
        r = await api.get(f"{BASE}/me", headers={"Authorization": value})
        assert r.status_code == 401, (name, r.text)
        assert_envelope(r, 401, code)
    r = await api.get(f"{BASE}/me")
    assert_envelope(r, 401, "missing_api_key")
    assert tenant.key not in caplog.text


async def test_the_scheme_is_case_insensitive(api: httpx.AsyncClient, tenant: Tenant) -> None:
    for scheme in ("bearer", "BEARER", "Bearer"):
        r = await api.get(f"{BASE}/me", headers={"Authorization": f"{scheme} {tenant.key}"})
        assert r.status_code == 200
        assert r.json()["workspace"]["id"] == tenant.id

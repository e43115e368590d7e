"""What a tenant sends cannot blow up a shared worker or inject a header: custom values and
rendered sizes are bounded, header-bound fields stay on one line, each refusal is a 422
naming the field, and nothing is saved."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import func
from sqlmodel import select

from outreach.db import Database
from outreach.models import Lead
from tests.api.conftest import BASE, Tenant, assert_envelope
from tests.helpers import make_campaign


async def lead_count(db: Database, campaign_id: str) -> int:
    async with db.session() as s:
        stmt = select(func.count()).select_from(Lead).where(Lead.campaign_id == campaign_id)
        return (await s.exec(stmt)).one()


def campaign_body(**over: object) -> dict:
    body = {
        "name": "Limits",
        "fromName": "Anita",
        "fromEmail": "anita@example.com",
        "steps": [{"channel": "email", "delay": "P0D", "subject": "Hi", "body": "Hello"}],
    }
    return {**body, **over}


async def test_a_body_that_could_render_to_megabytes_is_refused(
    api: httpx.AsyncClient, tenant: Tenant
) -> None:
    amplifier = "{{x}}" * 10_000  # 50,000 characters; each {{x}} may be 1,000
    body = campaign_body(
        steps=[{"channel": "email", "delay": "P0D", "subject": "Hi", "body": amplifier}]
    )
    resp = await api.post(f"{BASE}/campaigns", headers=tenant.headers, json=body)
    error = assert_envelope(resp, 422, "template_too_large")
    assert "steps[1].body" in error["error"]
    # An ordinary personalised body is fine.
    ok = campaign_body(
        steps=[
            {
                "channel": "email",
                "delay": "P0D",
                "subject": "Hi {{firstName}}",
                "body": "Hi {{firstName}}, {{pain}} at {{company}}? " * 40,
            }
        ]
    )
    assert (await api.post(f"{BASE}/campaigns", headers=tenant.headers, json=ok)).status_code == 201


async def test_a_custom_value_past_its_cap_is_refused(
    api: httpx.AsyncClient, tenant: Tenant, db: Database
) -> None:
    camp = await make_campaign(db, tenant.workspace.id)
    lead = {"campaignId": camp.id, "email": "big@example.com", "customFields": {"x": "y" * 5000}}
    resp = await api.post(f"{BASE}/leads", headers=tenant.headers, json=lead)
    assert "customFields.x" in assert_envelope(resp, 422, "custom_field_too_long")["error"]
    assert await lead_count(db, camp.id) == 0


async def test_a_subject_that_would_render_too_long_for_a_lead_is_refused(
    api: httpx.AsyncClient, tenant: Tenant, db: Database
) -> None:
    camp = await make_campaign(db, tenant.workspace.id, [("email", "P0D", "{{a}} {{b}}", "Hi")])
    lead = {
        "campaignId": camp.id,
        "email": "long@example.com",
        "customFields": {"a": "w " * 450, "b": "v " * 450},
    }
    resp = await api.post(f"{BASE}/leads", headers=tenant.headers, json=lead)
    assert_envelope(resp, 422, "rendered_subject_too_long")
    assert await lead_count(db, camp.id) == 0
    # The same values fit a body.
    lead["customFields"] = {"a": "w " * 100, "b": "v " * 100}
    assert (await api.post(f"{BASE}/leads", headers=tenant.headers, json=lead)).status_code == 201


async def test_line_breaks_in_header_bound_lead_fields_are_refused(
    api: httpx.AsyncClient, tenant: Tenant, db: Database
) -> None:
    camp = await make_campaign(db, tenant.workspace.id)
    for field in ("firstName", "lastName", "company", "role"):
        lead = {"campaignId": camp.id, "email": "crlf@example.com", field: "Sam\r\nBcc: x@y.io"}
        resp = await api.post(f"{BASE}/leads", headers=tenant.headers, json=lead)
        assert field in assert_envelope(resp, 422, "control_characters")["error"]
    assert await lead_count(db, camp.id) == 0
    ok = await api.post(
        f"{BASE}/leads",
        headers=tenant.headers,
        json={"campaignId": camp.id, "email": "crlf@example.com", "firstName": "Sam"},
    )
    lead_id = ok.json()["id"]
    patch = await api.patch(
        f"{BASE}/leads/{lead_id}", headers=tenant.headers, json={"lastName": "A\nB"}
    )
    assert "lastName" in assert_envelope(patch, 422, "control_characters")["error"]


async def test_line_breaks_in_sender_names_and_subjects_are_refused(
    api: httpx.AsyncClient, tenant: Tenant
) -> None:
    cases = [
        (campaign_body(fromName="Anita\r\nBcc: x@y.io"), "fromName"),
        (campaign_body(name="Q2\nlaunch"), "name"),
        (
            campaign_body(
                steps=[{"channel": "email", "delay": "P0D", "subject": "Hi\r\nX: y", "body": "b"}]
            ),
            "steps[1].subject",
        ),
    ]
    for body, field in cases:
        resp = await api.post(f"{BASE}/campaigns", headers=tenant.headers, json=body)
        assert field in assert_envelope(resp, 422, "control_characters")["error"]


async def test_numbers_are_bounded_like_text(
    api: httpx.AsyncClient, tenant: Tenant, db: Database
) -> None:
    camp = await make_campaign(db, tenant.workspace.id)
    big = {"campaignId": camp.id, "email": "num@example.com", "customFields": {"x": 10**4000}}
    resp = await api.post(f"{BASE}/leads", headers=tenant.headers, json=big)
    assert_envelope(resp, 422, "custom_field_too_long")
    body = {"campaignId": camp.id, "email": "nan@example.com", "customFields": {"x": "@"}}
    raw = json.dumps(body).replace('"@"', "NaN")
    resp = await api.post(
        f"{BASE}/leads",
        headers={**tenant.headers, "content-type": "application/json"},
        content=raw.encode(),
    )
    assert resp.status_code in (400, 422), resp.text  # never stored as NaN, on any database
    assert await lead_count(db, camp.id) == 0


async def test_posting_an_existing_lead_again_answers_it_whatever_the_body(
    api: httpx.AsyncClient, tenant: Tenant, db: Database
) -> None:
    """Idempotency first: a retried POST finds the row it made, even when its body breaks
    a rule added since (here: an existing row, then a value over the cap)."""
    camp = await make_campaign(db, tenant.workspace.id)
    body = {"campaignId": camp.id, "email": "again@example.com"}
    first = await api.post(f"{BASE}/leads", headers=tenant.headers, json=body)
    assert first.status_code == 201
    again = await api.post(
        f"{BASE}/leads",
        headers=tenant.headers,
        json={**body, "firstName": "A\nB", "customFields": {"x": "y" * 5000}},
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]

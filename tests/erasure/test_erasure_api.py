"""Erasure through the API on the time-skipping server: `DELETE /leads/{id}` and
`POST /erasure` leave no row naming the person but a hashed suppression entry, the
address stays suppressed for new leads, bulk imports and the suppression list, and the
errors are the API's envelope."""

from __future__ import annotations

import hashlib
import secrets

from sqlmodel import select
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

import api.routes.erasure as erasure_routes
from activities.email import unsubscribe_url
from outreach.db import Database
from outreach.encryption.fields import seal_webhook_secret
from outreach.ids import new_id
from outreach.models import Event, Lead, Reply, Send, Suppression, WebhookDelivery, WebhookEndpoint
from outreach.temporal import lead_workflow_id
from outreach.webhooks.signing import secret_hint
from tests.erasure.conftest import API, Tenant, leftovers
from tests.helpers import eventually, free_port, make_key, make_workspace, reload, sends_of
from tests.replies.helpers import RFC822, message


def _address() -> str:
    return f"erase.me.{secrets.token_hex(5)}@example.com"


async def _endpoint(db: Database, workspace_id: str) -> None:
    """A subscriber to every event whose receiver is down: its deliveries wait to retry."""
    endpoint_id = new_id("whk")
    secret = "whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0"
    async with db.session() as s:
        s.add(
            WebhookEndpoint(
                id=endpoint_id,
                workspace_id=workspace_id,
                url=f"http://127.0.0.1:{free_port()}/hook",
                events=["*"],
                secret=seal_webhook_secret(db.settings.keyring(), endpoint_id, secret),
                secret_hint=secret_hint(secret),
            )
        )
        await s.commit()


async def _first_sent(db: Database, lead_id: str) -> Send:
    async def sent() -> Send | None:
        return next((x for x in await sends_of(db, lead_id) if x.status == "sent"), None)

    return await eventually(sent)


async def _reply_done(db: Database, workspace_id: str, sender: str) -> Reply:
    async def done() -> Reply | None:
        async with db.session() as s:
            row = (
                await s.exec(
                    select(Reply).where(
                        Reply.workspace_id == workspace_id, Reply.from_email == sender
                    )
                )
            ).first()
        return row if row is not None and row.status == "done" else None

    return await eventually(done, within=30)


async def _deliveries(db: Database, workspace_id: str) -> list[WebhookDelivery]:
    async with db.session() as s:
        return list(
            (
                await s.exec(
                    select(WebhookDelivery).where(WebhookDelivery.workspace_id == workspace_id)
                )
            ).all()
        )


async def test_delete_erases_every_row_and_keeps_the_address_suppressed(tenant: Tenant, db):
    await _endpoint(db, tenant.ws.id)
    camp = await tenant.campaign(db)
    address = _address()
    created = await tenant.post_lead(camp.id, address, firstName="Sam", company="Erased Inc")
    assert created.status_code == 201, created.text
    lead_id = created.json()["id"]
    send = await _first_sent(db, lead_id)
    # The person answers "remove me": a reply (raw message kept), the lead unsubscribed,
    # the address on the suppression list, events and their webhook deliveries.
    inbound = await tenant.http.post(
        f"{API}/inbound",
        headers={**tenant.auth, **RFC822},
        content=message(
            sender=address,
            body="Please remove me from your list and stop emailing me.",
            in_reply_to=send.message_id,
        ),
    )
    assert inbound.status_code == 202, inbound.text
    await _reply_done(db, tenant.ws.id, address)

    async def unsubscribed() -> bool:  # the lead's workflow applies the reply's effect
        return (await reload(db, Lead, lead_id)).status == "unsubscribed"

    await eventually(unsubscribed)
    assert await leftovers(db, address, lead_id)  # the person is all over the database
    assert await _deliveries(db, tenant.ws.id)

    resp = await tenant.delete_lead(lead_id)
    assert resp.status_code == 204, resp.text

    assert await leftovers(db, address, lead_id) == []
    assert (await tenant.http.get(f"{API}/leads/{lead_id}", headers=tenant.auth)).status_code == 404
    again = await tenant.delete_lead(lead_id)
    assert again.status_code == 404
    assert again.json()["code"] == "not_found"

    # One lead.deleted, naming no one; only its deliveries are left.
    async with db.session() as s:
        events = (await s.exec(select(Event).where(Event.workspace_id == tenant.ws.id))).all()
    assert [e.type for e in events] == ["lead.deleted"]
    assert set(events[0].data) == {"id", "campaignId", "deletedAt"}
    assert events[0].data["id"] == lead_id and events[0].data["campaignId"] == camp.id
    assert {d.event_id for d in await _deliveries(db, tenant.ws.id)} == {events[0].id}

    # The address stays suppressed, by a hashed entry that names no one.
    digest = hashlib.sha256(address.encode()).hexdigest()
    listed = await tenant.http.get(
        f"{API}/suppressions", headers=tenant.auth, params={"email": address.upper()}
    )
    assert listed.status_code == 200
    [entry] = listed.json()["data"]
    assert entry["email"] is None and entry["domain"] is None and entry["leadId"] is None
    assert entry["emailHash"] == digest and entry["source"] == "reply"
    other = await tenant.campaign(db)
    again_lead = await tenant.post_lead(other.id, address)
    assert again_lead.status_code == 201 and again_lead.json()["status"] == "unsubscribed"
    link = unsubscribe_url(tenant.stack.settings, again_lead.json()["id"]).split("/u/")[1]
    page = await tenant.http.get(f"/u/{link}", headers={"Accept": "text/html"})
    assert "You are unsubscribed" in page.text
    bulk = await tenant.http.post(
        f"{API}/leads/bulk",
        headers=tenant.auth,
        json={"campaignId": camp.id, "leads": [{"email": address}, {"email": _address()}]},
    )
    assert bulk.status_code == 200, bulk.text
    assert [r["status"] for r in bulk.json()["results"]] == ["suppressed", "created"]
    added = await tenant.http.post(
        f"{API}/suppressions", headers=tenant.auth, json={"emails": [address]}
    )
    assert added.json()["counts"] == {"added": 0, "existing": 1, "invalid": 0}
    assert added.json()["results"][0]["id"] == entry["id"]


async def test_delete_ends_a_running_lead_and_suppresses_nothing_new(tenant: Tenant, db):
    camp = await tenant.campaign(db)
    address = _address()
    lead_id = (await tenant.post_lead(camp.id, address)).json()["id"]
    await _first_sent(db, lead_id)  # now waiting three days for step 2
    handle = tenant.stack.env.client.get_workflow_handle(lead_workflow_id(lead_id))

    resp = await tenant.delete_lead(lead_id)
    assert resp.status_code == 204, resp.text

    try:  # ended (the time-skipping server cannot delete executions; the dev server does)
        assert (await handle.describe()).status == WorkflowExecutionStatus.TERMINATED
    except RPCError:
        pass
    assert await leftovers(db, address, lead_id) == []
    async with db.session() as s:
        assert (
            await s.exec(select(Suppression).where(Suppression.workspace_id == tenant.ws.id))
        ).all() == []
    # Erasure is not an opt-out: the address may be enrolled again.
    again = await tenant.post_lead(camp.id, address)
    assert again.status_code == 201 and again.json()["status"] == "queued"
    assert again.json()["id"] != lead_id


async def test_delete_keeps_the_plain_entry_while_another_lead_has_the_address(tenant: Tenant, db):
    first, second = await tenant.campaign(db), await tenant.campaign(db)
    address = _address()
    await tenant.http.post(f"{API}/suppressions", headers=tenant.auth, json={"emails": [address]})
    a = (await tenant.post_lead(first.id, address)).json()["id"]
    b = (await tenant.post_lead(second.id, address)).json()["id"]

    assert (await tenant.delete_lead(a)).status_code == 204
    listed = (await tenant.http.get(f"{API}/suppressions", headers=tenant.auth)).json()["data"]
    assert [(x["email"], x["emailHash"]) for x in listed] == [(address, None)]  # b uses it
    assert (await tenant.delete_lead(b)).status_code == 204
    listed = (await tenant.http.get(f"{API}/suppressions", headers=tenant.auth)).json()["data"]
    assert [x["email"] for x in listed] == [None] and listed[0]["emailHash"]
    assert await leftovers(db, address, a, b) == []


async def test_erasure_of_an_address_covers_every_campaign_and_unmatched_replies(
    tenant: Tenant, db
):
    address = _address()
    # An opt-out from the address before any lead has it: an unmatched reply, and the
    # address suppressed.
    inbound = await tenant.http.post(
        f"{API}/inbound",
        headers={**tenant.auth, **RFC822},
        content=message(sender=address, body="Please remove me from your list."),
    )
    assert inbound.status_code == 202, inbound.text
    reply = await _reply_done(db, tenant.ws.id, address)
    assert reply.lead_id is None
    first, second = await tenant.campaign(db), await tenant.campaign(db)
    ids = [(await tenant.post_lead(c.id, address)).json()["id"] for c in (first, second)]
    kept = (await tenant.post_lead(first.id, _address())).json()["id"]  # someone else

    resp = await tenant.erase({"email": f"  {address.upper()} "})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {
        "status": "erased",
        "counts": {"leads": 2, "replies": 1, "suppressionsHashed": 1},
    }
    assert await leftovers(db, address, *ids, reply.id) == []
    assert await reload(db, Lead, kept) is not None
    listed = (await tenant.http.get(f"{API}/suppressions", headers=tenant.auth)).json()["data"]
    assert [x["emailHash"] for x in listed] == [hashlib.sha256(address.encode()).hexdigest()]

    # Again: nothing left to erase.
    again = await tenant.erase({"email": address})
    assert again.json() == {
        "status": "erased",
        "counts": {"leads": 0, "replies": 0, "suppressionsHashed": 0},
    }


async def test_bad_input_and_missing_scope_are_the_envelope(tenant: Tenant, db):
    for body, status in (
        ({"email": "not an address"}, 422),
        ({}, 400),
        ({"email": 5}, 400),
        ({"email": "a@example.com", "extra": 1}, 400),
        ({"email": "x" * 400 + "@example.com"}, 400),
    ):
        resp = await tenant.erase(body)
        assert resp.status_code == status, (body, resp.text)
        assert set(resp.json()) >= {"error", "code"}
    assert (await tenant.erase({"email": "not an address"})).json()["code"] == "invalid_email"

    reader = {"Authorization": f"Bearer {await make_key(db, tenant.ws.id, ['leads:read'])}"}
    camp = await tenant.campaign(db)
    lead_id = (await tenant.post_lead(camp.id, _address())).json()["id"]
    for resp in (
        await tenant.delete_lead(lead_id, headers=reader),
        await tenant.erase({"email": "a@example.com"}, headers=reader),
    ):
        assert resp.status_code == 403
        assert resp.json()["code"] == "missing_scope"
    assert await reload(db, Lead, lead_id) is not None

    # Another workspace's lead is not found, like an unknown one.
    other = await make_workspace(db)
    stranger = {"Authorization": f"Bearer {await make_key(db, other.id)}"}
    for resp in (
        await tenant.delete_lead(lead_id, headers=stranger),
        await tenant.delete_lead("lead_unknown"),
    ):
        assert resp.status_code == 404
        assert resp.json()["code"] == "not_found"
    assert await reload(db, Lead, lead_id) is not None


async def test_a_slow_erasure_answers_202_and_finishes_by_itself(tenant: Tenant, db, monkeypatch):
    monkeypatch.setattr(erasure_routes, "ERASE_WAIT", 0.0)  # never wait
    camp = await tenant.campaign(db)
    address = _address()
    lead_id = (await tenant.post_lead(camp.id, address)).json()["id"]
    await _first_sent(db, lead_id)

    resp = await tenant.delete_lead(lead_id)
    assert resp.status_code == 202, resp.text
    assert resp.json() == {"status": "erasing", "counts": None}

    async def erased() -> bool:
        return await reload(db, Lead, lead_id) is None

    await eventually(erased)
    assert (await tenant.delete_lead(lead_id)).status_code == 404
    assert await leftovers(db, address, lead_id) == []

    other = (await tenant.post_lead(camp.id, address)).json()["id"]
    resp = await tenant.erase({"email": address})
    assert resp.status_code == 202, resp.text
    assert resp.json() == {"status": "erasing", "counts": None}

    async def gone() -> bool:
        return await reload(db, Lead, other) is None

    await eventually(gone)


async def test_delete_erases_replies_with_their_drafts_and_answers(tenant: Tenant, db):
    camp = await tenant.campaign(db)
    address = _address()
    lead_id = (await tenant.post_lead(camp.id, address, firstName="Sam")).json()["id"]
    send = await _first_sent(db, lead_id)
    inbound = await tenant.http.post(
        f"{API}/inbound",
        headers={**tenant.auth, **RFC822},
        content=message(
            sender=address,
            body="Sounds interesting, can you tell me more about pricing?",
            in_reply_to=send.message_id,
        ),
    )
    assert inbound.status_code == 202, inbound.text
    reply = await _reply_done(db, tenant.ws.id, address)
    drafted = await tenant.http.post(f"{API}/replies/{reply.id}/draft", headers=tenant.auth)
    assert drafted.status_code == 201, drafted.text
    draft_id = drafted.json()["id"]
    answered = await tenant.http.post(
        f"{API}/replies/{reply.id}/send", headers=tenant.auth, json={"draftId": draft_id}
    )
    assert answered.status_code == 200, answered.text  # an answer: a send of kind reply

    assert (await tenant.delete_lead(lead_id)).status_code == 204
    assert await leftovers(db, address, lead_id, reply.id, draft_id) == []

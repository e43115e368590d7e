"""GET / POST / DELETE /suppressions: scopes, normalising, per-row results, filters,
pagination, the 1,000-entry bound, and workspace isolation."""

from __future__ import annotations

import pytest
from sqlmodel import col, delete, select

from outreach.db import Database
from outreach.models import OutboxItem
from outreach.suppressions import service
from outreach.suppressions.status import SuppressionSource
from tests.helpers import make_campaign, make_key, make_lead, make_workspace
from tests.suppressions.conftest import API, Tenant


async def test_scopes(tenant: Tenant, db: Database) -> None:
    http = tenant.stack.http
    read = {"Authorization": f"Bearer {await make_key(db, tenant.ws.id, ['suppressions:read'])}"}
    write = {"Authorization": f"Bearer {await make_key(db, tenant.ws.id, ['suppressions:write'])}"}
    r = await http.post(f"{API}/suppressions", headers=read, json={"emails": ["a@acme.com"]})
    assert r.status_code == 403 and r.json()["requiredScope"] == "suppressions:write"
    r = await http.post(f"{API}/suppressions", headers=write, json={"emails": ["a@acme.com"]})
    assert r.status_code == 200, r.text
    assert (await http.get(f"{API}/suppressions", headers=write)).status_code == 403
    r = await http.get(f"{API}/suppressions", headers=read)
    assert r.status_code == 200 and [x["email"] for x in r.json()["data"]] == ["a@acme.com"]


async def test_add_reports_each_row(tenant: Tenant) -> None:
    r = await tenant.suppress(
        emails=["Ann@Acme.com", "not-an-address", "ann@acme.com", "bob@beta.io"],
        domains=["@Corp.COM", "xn--bcher-kva.de", "bad_domain.com", "corp.com"],
        reason="asked us at a conference",
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["counts"] == {"added": 4, "existing": 2, "invalid": 2}
    results = body["results"]
    assert [x["index"] for x in results] == list(range(8))
    assert [x["status"] for x in results] == [
        "added", "invalid", "existing", "added", "added", "added", "invalid", "existing"
    ]  # fmt: skip
    assert results[0]["value"] == "ann@acme.com" and results[2]["id"] == results[0]["id"]
    assert results[4]["value"] == "corp.com" and results[7]["id"] == results[4]["id"]
    assert results[5]["value"] == "bücher.de"  # IDNA-decoded, as addresses are stored
    assert results[1]["reason"] and "id" not in results[1]
    assert "reason" not in results[0]
    assert results[6]["reason"]

    # Again: everything already there is `existing`, nothing is added twice.
    again = await tenant.suppress(emails=["ANN@acme.com"], domains=["corp.com"])
    assert again.json()["counts"] == {"added": 0, "existing": 2, "invalid": 0}

    listed = (await tenant.list()).json()["data"]
    assert len(listed) == 4
    entry = next(x for x in listed if x["domain"] == "corp.com")
    assert entry["email"] is None and entry["source"] == "manual"
    assert entry["reason"] == "asked us at a conference" and entry["leadId"] is None
    assert entry["id"].startswith("sup_") and entry["createdAt"].endswith("Z")


async def test_bad_input(tenant: Tenant) -> None:
    r = await tenant.suppress(
        emails=[f"u{i}@acme.com" for i in range(600)], domains=[f"d{i}.com" for i in range(401)]
    )
    assert r.status_code == 400 and r.json()["code"] == "too_many_entries", r.text
    r = await tenant.suppress(emails=[f"u{i}@acme.com" for i in range(1001)])
    assert r.status_code == 400
    assert (await tenant.suppress()).status_code == 400
    assert (await tenant.suppress(emails="a@acme.com")).status_code == 400
    assert (await tenant.suppress(emails=["a@acme.com"], source="bounce")).status_code == 400
    assert (await tenant.suppress(emails=["a@acme.com"], reason="x" * 201)).status_code == 400
    assert (await tenant.suppress(emails=["a@acme.com"], color="red")).status_code == 400
    assert (await tenant.list()).json()["data"] == []
    # Exactly 1,000 is taken.
    r = await tenant.suppress(emails=[f"u{i}@acme.com" for i in range(1000)], source="import")
    assert r.status_code == 200 and r.json()["counts"]["added"] == 1000


async def test_filters_and_pagination(tenant: Tenant, db: Database) -> None:
    await tenant.suppress(emails=["a@acme.com", "b@beta.io"], domains=["acme.com"])
    await tenant.suppress(emails=["c@gamma.io"], source="import")
    async with db.session() as s:  # written by the engine (a bounce)
        await service.suppress(
            s, tenant.ws.id, "d@delta.io", "bounced", None, SuppressionSource.BOUNCE
        )
        await s.commit()

    def emails(r):  # type: ignore[no-untyped-def]
        assert r.status_code == 200, r.text
        return sorted(x["email"] or x["domain"] for x in r.json()["data"])

    # `email`: the entries that suppress this address (its own and its domain's)
    assert emails(await tenant.list(email="A@ACME.com")) == ["a@acme.com", "acme.com"]
    assert emails(await tenant.list(email="z@acme.com")) == ["acme.com"]
    assert emails(await tenant.list(domain="@ACME.com")) == ["acme.com"]
    assert emails(await tenant.list(source="import")) == ["c@gamma.io"]
    assert emails(await tenant.list(source="bounce")) == ["d@delta.io"]
    assert (await tenant.list(source="nope")).status_code == 400
    assert (await tenant.list(email="nope")).status_code == 400

    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await tenant.list(**params)).json()
        assert len(page["data"]) <= 2
        seen += [x["id"] for x in page["data"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 5
    assert (await tenant.list(cursor="forged")).status_code == 400


async def test_delete_and_isolation(tenant: Tenant, db: Database) -> None:
    http = tenant.stack.http
    entry = (await tenant.suppress(domains=["acme.com"])).json()["results"][0]["id"]
    other = await make_workspace(db, name="Other")
    other_auth = {"Authorization": f"Bearer {await make_key(db, other.id)}"}
    # Another workspace neither sees nor deletes it: 404, as for an id that never existed.
    r = await http.delete(f"{API}/suppressions/{entry}", headers=other_auth)
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    listed = await http.get(f"{API}/suppressions", headers=other_auth)
    assert listed.json()["data"] == []
    r = await http.delete(f"{API}/suppressions/{entry}", headers=tenant.auth)
    assert r.status_code == 204 and r.content == b""
    assert (
        await http.delete(f"{API}/suppressions/{entry}", headers=tenant.auth)
    ).status_code == 404
    assert (await tenant.list()).json()["data"] == []
    # The same value can be added again once removed.
    again = await tenant.suppress(domains=["acme.com"])
    assert again.json()["counts"]["added"] == 1


async def test_an_opt_out_replaces_an_earlier_entry(tenant: Tenant, db: Database) -> None:
    """The person's own unsubscribe outlives the workspace deleting its entry."""
    await tenant.suppress(emails=["ann@acme.com", "bob@acme.com"], reason="cold list")
    async with db.session() as s:
        for email, source in (
            ("ann@acme.com", SuppressionSource.UNSUBSCRIBE_LINK),
            ("bob@acme.com", SuppressionSource.BOUNCE),
        ):
            reason = "unsubscribed" if source != SuppressionSource.BOUNCE else "bounced"
            await service.suppress(s, tenant.ws.id, email, reason, None, source)
        await s.commit()
    listed = {x["email"]: x for x in (await tenant.list()).json()["data"]}
    assert (listed["ann@acme.com"]["reason"], listed["ann@acme.com"]["source"]) == (
        "unsubscribed",
        "unsubscribe_link",
    )
    assert (listed["bob@acme.com"]["reason"], listed["bob@acme.com"]["source"]) == (
        "cold list",
        "manual",
    )


async def test_the_work_of_a_domain_entry_is_bounded(
    tenant: Tenant, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Open leads are read in batches (keyset), at most MAX_STOPPED get a signal per
    request; finished leads and other domains are left alone. (No workflows here: nothing
    is delivered inline, the rows are what the outbox would deliver.)"""
    from api.routes import suppressions as route

    monkeypatch.setattr(service, "STOP_BATCH", 2)
    monkeypatch.setattr(service, "MAX_STOPPED", 5)
    monkeypatch.setattr(route, "INLINE_SIGNALS", 0)
    camp = await make_campaign(db, tenant.ws.id)
    covered = [
        await make_lead(db, camp, f"p{i}@big.io", status="active" if i % 4 else "paused")
        for i in range(7)
    ]
    await make_lead(db, camp, "done@big.io", status="completed")
    await make_lead(db, camp, "p1@other.io", status="active")
    r = await tenant.suppress(domains=["big.io"])
    assert r.status_code == 200 and r.json()["counts"]["added"] == 1
    async with db.session() as s:
        rows = (
            await s.exec(select(OutboxItem).where(OutboxItem.workspace_id == tenant.ws.id))
        ).all()
        assert len(rows) == 5
        assert {x.lead_id for x in rows} <= {lead.id for lead in covered}
        assert {x.signal for x in rows} == {"unsubscribe"}
        assert {x.arg for x in rows} == {"suppression list: big.io (manual)"}
        await s.exec(delete(OutboxItem).where(col(OutboxItem.workspace_id) == tenant.ws.id))
        await s.commit()

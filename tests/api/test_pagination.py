"""Keyset pagination stays stable while rows are inserted between pages: no duplicates,
no skipped rows that existed when page 1 was read, order (createdAt, id) newest first,
ties on createdAt broken by id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from outreach.db import Database
from outreach.ids import new_id
from outreach.models import Campaign, Lead
from tests.api.conftest import BASE, Tenant
from tests.helpers import make_campaign

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def insert_leads(db: Database, campaign: Campaign, stamps: list[datetime]) -> list[str]:
    async with db.session() as s:
        rows = [
            Lead(
                id=new_id("lead"),
                workspace_id=campaign.workspace_id,
                campaign_id=campaign.id,
                email=f"{new_id('lead')[5:15]}@example.com",
                created_at=at,
                updated_at=at,
            )
            for at in stamps
        ]
        s.add_all(rows)
        await s.commit()
        return [r.id for r in rows]


async def read_all(
    api: httpx.AsyncClient, tenant: Tenant, first_cursor: str | None, limit: int
) -> list[dict]:
    items, cursor = [], first_cursor
    while cursor:
        r = await api.get(
            f"{BASE}/leads", headers=tenant.headers, params={"limit": limit, "cursor": cursor}
        )
        assert r.status_code == 200, r.text
        items += r.json()["data"]
        cursor = r.json()["nextCursor"]
    return items


def order_key(item: dict) -> tuple[str, str]:
    return (item["createdAt"], item["id"])


@pytest.mark.parametrize("limit", [1, 3, 4])
async def test_pages_stay_stable_while_rows_are_inserted(
    api: httpx.AsyncClient, db: Database, tenant: Tenant, limit: int
) -> None:
    camp = await make_campaign(db, tenant.id)
    # 8 rows one minute apart, plus 3 sharing one instant (ties broken by id).
    stamps = [T0 + timedelta(minutes=i) for i in range(8)] + [T0 + timedelta(minutes=3)] * 2
    existing = set(await insert_leads(db, camp, stamps))

    r = await api.get(f"{BASE}/leads", headers=tenant.headers, params={"limit": limit})
    page1 = r.json()["data"]
    assert len(page1) == limit and r.json()["nextCursor"]
    last = page1[-1]

    # Between pages: newer rows, and rows that fall into the pages not read yet.
    newer = await insert_leads(db, camp, [T0 + timedelta(hours=1), T0 + timedelta(hours=2)])
    older = await insert_leads(
        db, camp, [T0 - timedelta(minutes=5), T0 + timedelta(minutes=2, seconds=30)]
    )
    rest = await read_all(api, tenant, r.json()["nextCursor"], limit)

    seen = [x["id"] for x in page1 + rest]
    assert len(seen) == len(set(seen)), "a row was served twice"
    assert existing <= set(seen), "a row that existed at page 1 was skipped"
    assert not set(newer) & {x["id"] for x in rest}, "a newer row showed up on a later page"
    assert set(older) <= {x["id"] for x in rest}  # older rows land in their place
    everything = page1 + rest
    assert everything == sorted(everything, key=order_key, reverse=True)
    assert all(order_key(x) < order_key(last) for x in rest)


async def test_equal_timestamps_are_ordered_by_id_across_pages(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    camp = await make_campaign(db, tenant.id)
    ids = await insert_leads(db, camp, [T0] * 7)
    got = await read_all_from_start(api, tenant, limit=2)
    assert [x["id"] for x in got] == sorted(ids, reverse=True)
    assert {x["createdAt"] for x in got} == {"2026-03-01T12:00:00.000Z"}


async def read_all_from_start(api: httpx.AsyncClient, tenant: Tenant, limit: int) -> list[dict]:
    r = await api.get(f"{BASE}/leads", headers=tenant.headers, params={"limit": limit})
    return r.json()["data"] + await read_all(api, tenant, r.json()["nextCursor"], limit)


async def test_a_cursor_is_bound_to_its_position_not_its_filters(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    c1, c2 = await make_campaign(db, tenant.id), await make_campaign(db, tenant.id)
    a = await insert_leads(db, c1, [T0 + timedelta(minutes=i) for i in range(4)])
    await insert_leads(db, c2, [T0 + timedelta(minutes=i, seconds=30) for i in range(4)])
    r = await api.get(
        f"{BASE}/leads", headers=tenant.headers, params={"limit": 2, "campaignId": c1.id}
    )
    assert [x["id"] for x in r.json()["data"]] == [a[3], a[2]]
    r = await api.get(
        f"{BASE}/leads",
        headers=tenant.headers,
        params={"limit": 2, "campaignId": c1.id, "cursor": r.json()["nextCursor"]},
    )
    assert [x["id"] for x in r.json()["data"]] == [a[1], a[0]]
    assert r.json()["nextCursor"] is None


async def test_the_last_page_has_no_cursor(
    api: httpx.AsyncClient, db: Database, tenant: Tenant
) -> None:
    camp = await make_campaign(db, tenant.id)
    await insert_leads(db, camp, [T0, T0 + timedelta(seconds=1)])
    r = await api.get(f"{BASE}/leads", headers=tenant.headers, params={"limit": 2})
    assert len(r.json()["data"]) == 2 and r.json()["nextCursor"] is None
    empty = await api.get(
        f"{BASE}/leads", headers=tenant.headers, params={"campaignId": "camp_none"}
    )
    assert empty.json() == {"data": [], "nextCursor": None}

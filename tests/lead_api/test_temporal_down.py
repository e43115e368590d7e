"""When the workflow engine is unreachable the API answers 503 in the envelope, keeps what
the request wrote, and a retry of the same request finishes the job."""

from __future__ import annotations

import httpx
from sqlmodel import select

from api.deps import AppState
from api.main import create_app
from outreach.models import Event, Lead
from outreach.temporal import lead_workflow_id
from tests.conftest import settings_for
from tests.helpers import (
    eventually,
    free_port,
    make_campaign,
    make_key,
    make_workspace,
    running_worker,
)


async def test_lead_saved_while_temporal_is_down_starts_on_retry(ts_env, settings, db, smtp):
    st = settings_for(settings, smtp)
    down = st.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    camp = await make_campaign(db, ws.id)
    body = {"campaignId": camp.id, "email": "retry@example.com"}
    auth = {"Authorization": f"Bearer {key}"}

    app = create_app(down)
    app.state.outreach = AppState(down)  # no client: it must connect, and cannot
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        resp = await http.post("/api/v1/outreach/leads", headers=auth, json=body)
    await app.state.outreach.close()
    assert resp.status_code == 503
    assert resp.json()["code"] == "temporal_unavailable" and resp.headers["x-request-id"]
    async with db.session() as s:
        (lead,) = (await s.exec(select(Lead).where(Lead.campaign_id == camp.id))).all()

    app = create_app(st, ts_env.client)
    app.state.outreach = AppState(st, ts_env.client)
    transport = httpx.ASGITransport(app=app)
    async with (
        running_worker(ts_env.client, st, db),
        httpx.AsyncClient(transport=transport, base_url="http://t") as http,
    ):
        again = await http.post("/api/v1/outreach/leads", headers=auth, json=body)
        assert again.status_code == 200 and again.json()["id"] == lead.id
        handle = ts_env.client.get_workflow_handle(lead_workflow_id(lead.id))
        assert (await handle.describe()).id == lead_workflow_id(lead.id)
        await smtp.wait_for(1)

        async def created_published() -> bool:
            async with db.session() as s:
                event = (
                    await s.exec(select(Event).where(Event.dedupe_key == f"lead.created:{lead.id}"))
                ).one()
            return event.published_at is not None

        # lead.created, recorded when the first attempt saved the lead, goes out too.
        await eventually(created_published)
    await app.state.outreach.close()

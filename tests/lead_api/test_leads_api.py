"""POST /leads and the lead endpoints, end to end through the API, a worker, Temporal
(time-skipping) and a real SMTP server."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import select

from outreach import search_attributes as sa
from outreach.models import Event, Lead, Suppression
from outreach.temporal import lead_workflow_id
from tests.helpers import eventually, reload, sends_of

API = "/api/v1/outreach"
TWO_STEPS = [("email", "P0D", "Hi {{firstName}}", "one"), ("email", "P2D", None, "two")]


async def test_create_sends_step_one_at_once_and_is_idempotent(stack, db, ts_env):
    camp = await stack.campaign(db, TWO_STEPS)
    first = await stack.post_lead(
        camp.id,
        "Founder@Example.com",
        firstName="Sam",
        lastName="Altman",
        company="Example Inc",
        role="Founder",
        linkedinUrl="https://linkedin.com/in/sam",
    )
    assert first.status_code == 201, first.text
    lead = first.json()
    assert lead["email"] == "founder@example.com" and lead["status"] == "queued"
    assert lead["id"].startswith("lead_") and lead["createdAt"].endswith("Z")
    await eventually(lambda: len(stack.smtp.messages) == 1)

    again = await stack.post_lead(camp.id, "  founder@EXAMPLE.com ", firstName="Other")
    assert again.status_code == 200
    assert again.json()["id"] == lead["id"] and again.json()["firstName"] == "Sam"
    async with db.session() as s:
        rows = (await s.exec(select(Lead).where(Lead.campaign_id == camp.id))).all()
        created = (
            await s.exec(
                select(Event).where(Event.type == "lead.created", Event.workspace_id == stack.ws.id)
            )
        ).all()
    assert len(rows) == 1 and len(created) == 1
    handle = ts_env.client.get_workflow_handle(lead_workflow_id(lead["id"]))
    desc = await handle.describe()
    assert desc.typed_search_attributes.get(sa.CAMPAIGN_ID) == camp.id
    assert desc.typed_search_attributes.get(sa.WORKSPACE_ID) == stack.ws.id
    # The memo carries the address so the Temporal UI shows whose workflow it is.
    assert (await desc.memo())["email"] == "founder@example.com"
    await eventually(lambda: _status(db, lead["id"], "active"))

    # The row is written by the send activity; the workflow learns it when the activity's
    # result comes back: a moment later.
    async def progressed() -> dict | None:
        progress = await handle.query("progress")
        return progress if progress["status"] == "active" else None

    progress = await eventually(progressed)
    assert progress == {
        "status": "active",
        "currentStep": 1,
        "nextStep": 2,
        "stepsTotal": 2,
        "nextSendAt": progress["nextSendAt"],
        "waitingFor": "delay",
    }
    assert len(stack.smtp.messages) == 1  # still one: the retry started nothing


async def test_status_agrees_in_row_search_attribute_and_list(stack, db, ts_env):
    camp = await stack.campaign(db, TWO_STEPS)
    lead = (await stack.post_lead(camp.id, "agree@example.com")).json()
    handle = ts_env.client.get_workflow_handle(lead_workflow_id(lead["id"]))
    await eventually(lambda: _status(db, lead["id"], "active"))
    for action, status in (("pause", "paused"), ("resume", "active"), ("stop", "stopped")):
        resp = await stack.http.post(f"{API}/leads/{lead['id']}/{action}", headers=stack.auth)
        assert resp.status_code == 200 and resp.json()["status"] == status, resp.text
        await eventually(lambda s=status: _sa_is(handle, s))
        listed = await stack.http.get(
            f"{API}/leads", headers=stack.auth, params={"campaignId": camp.id, "status": status}
        )
        assert [x["id"] for x in listed.json()["data"]] == [lead["id"]]
    again = await stack.http.post(f"{API}/leads/{lead['id']}/pause", headers=stack.auth)
    assert again.status_code == 422 and again.json()["code"] == "lead_finished"


async def test_suppressed_address_is_created_unsubscribed_and_never_mailed(stack, db):
    async with db.session() as s:
        from outreach.ids import new_id

        s.add(
            Suppression(
                id=new_id("sup"),
                workspace_id=stack.ws.id,
                email="no@example.com",
                reason="unsubscribed",
            )
        )
        await s.commit()
    camp = await stack.campaign(db, TWO_STEPS)
    resp = await stack.post_lead(camp.id, "No@Example.com")
    assert resp.status_code == 201 and resp.json()["status"] == "unsubscribed"
    async with db.session() as s:
        created = (
            await s.exec(
                select(Event).where(Event.type == "lead.created", Event.workspace_id == stack.ws.id)
            )
        ).all()
    assert len(created) == 1
    await eventually(lambda: _published(db, created[0].id))
    assert stack.smtp.messages == [] and await sends_of(db, resp.json()["id"]) == []


async def test_unsubscribe_link_one_click(stack, db, ts_env, caplog):
    camp = await stack.campaign(db, TWO_STEPS)
    lead = (await stack.post_lead(camp.id, "bye@example.com")).json()
    await eventually(lambda: len(stack.smtp.messages) == 1)
    caplog.set_level(logging.INFO, logger="outreach.access")
    url = stack.smtp.messages[0].message["List-Unsubscribe"].strip("<>")
    path = url.replace("https://outreach.test", "")

    page = await stack.http.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and '<form method="post"' in page.text
    assert "bye@example.com" in page.text
    # RFC 8058: a POST with this body, answered 200 and never redirected.
    resp = await stack.http.post(
        path,
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert resp.status_code == 200
    await eventually(lambda: _status(db, lead["id"], "unsubscribed"))
    await ts_env.sleep(timedelta(days=3))
    assert len(stack.smtp.messages) == 1  # step 2 never went out
    async with db.session() as s:
        events = (
            await s.exec(
                select(Event).where(
                    Event.type == "lead.unsubscribed", Event.workspace_id == stack.ws.id
                )
            )
        ).all()
    assert len(events) == 1
    # Clicking again is harmless.
    assert (await stack.http.post(path)).status_code == 200
    # The token is a capability: it never reaches the log.
    token = path.rsplit("/", 1)[1]
    assert not [r for r in caplog.records if token in r.getMessage()]
    assert any("/u/<token>" in r.getMessage() for r in caplog.records)

    # The address is suppressed in every campaign of the workspace.
    other = await stack.campaign(db, TWO_STEPS)
    later = await stack.post_lead(other.id, "bye@example.com")
    assert later.status_code == 201 and later.json()["status"] == "unsubscribed"


async def test_forged_unsubscribe_token_is_refused(stack, db):
    camp = await stack.campaign(db, TWO_STEPS)
    lead = (await stack.post_lead(camp.id, "keep@example.com")).json()
    import base64

    forged = base64.urlsafe_b64encode(lead["id"].encode()).decode().rstrip("=") + ".AAAA"
    for path in (f"/u/{forged}", "/u/garbage", "/u/a.b.c"):
        resp = await stack.http.post(path)
        assert resp.status_code == 404 and resp.json()["code"] == "not_found"
    async with db.session() as s:
        assert (
            await s.exec(select(Suppression).where(Suppression.workspace_id == stack.ws.id))
        ).first() is None


async def test_channel_steps_queue_touches_and_mark_them_sent(stack, db):
    camp = await stack.campaign(
        db,
        [
            ("linkedin", "P0D", None, "Hi {{firstName|there}}, loved your post."),
            ("email", "P3D", "Following up", "email body"),
        ],
    )
    lead = (await stack.post_lead(camp.id, "touch@example.com", firstName="Ana")).json()

    async def queued():
        resp = await stack.http.get(
            f"{API}/channel-touches", headers=stack.auth, params={"status": "queued"}
        )
        return resp.json()["data"]

    (touch,) = await eventually(queued)
    assert touch["leadId"] == lead["id"] and touch["channel"] == "linkedin"
    assert touch["text"] == "Hi Ana, loved your post." and touch["step"] == 1
    await eventually(lambda: _status(db, lead["id"], "active"))  # the sequence moved on
    resp = await stack.http.post(f"{API}/channel-touches/{touch['id']}/sent", headers=stack.auth)
    assert resp.status_code == 200 and resp.json()["status"] == "sent", resp.text
    assert resp.json()["sentAt"]
    assert await queued() == []
    async with db.session() as s:
        kinds = [
            e.type
            for e in (
                await s.exec(
                    select(Event)
                    .where(Event.workspace_id == stack.ws.id)
                    .order_by(Event.created_at)
                )
            ).all()
        ]
    assert kinds.count("channel_touch.queued") == 1 and kinds.count("channel_touch.sent") == 1
    assert stack.smtp.messages == []  # the email step waits its three days


async def test_send_next_through_the_api(stack, db):
    camp = await stack.campaign(db, TWO_STEPS)
    lead = (await stack.post_lead(camp.id, "now@example.com")).json()
    await eventually(lambda: _status(db, lead["id"], "active"))
    resp = await stack.http.post(f"{API}/leads/{lead['id']}/send-next", headers=stack.auth)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["outcome"] == "sent" and body["send"]["step"] == 2 and body["send"]["forced"]
    assert body["lead"]["status"] == "completed"
    assert len(stack.smtp.messages) == 2
    done = await stack.http.post(f"{API}/leads/{lead['id']}/send-next", headers=stack.auth)
    assert done.status_code == 422


async def test_lead_detail_has_sends_and_live_position(stack, db):
    camp = await stack.campaign(db, TWO_STEPS)
    lead = (await stack.post_lead(camp.id, "detail@example.com")).json()
    await eventually(lambda: _status(db, lead["id"], "active"))
    resp = await stack.http.get(f"{API}/leads/{lead['id']}", headers=stack.auth)
    body = resp.json()
    assert resp.status_code == 200
    assert body["position"]["currentStep"] == 1 and body["position"]["nextStep"] == 2
    assert body["position"]["stepsTotal"] == 2 and body["position"]["waitingFor"] == "delay"
    assert body["position"]["nextSendAt"].endswith("Z")
    assert [s["status"] for s in body["sends"]] == ["sent"] and body["replies"] == []


async def test_campaign_pause_reaches_running_leads(stack, db, ts_env):
    camp = await stack.campaign(db, TWO_STEPS)
    lead = (await stack.post_lead(camp.id, "held@example.com")).json()
    await eventually(lambda: _status(db, lead["id"], "active"))
    resp = await stack.http.patch(
        f"{API}/campaigns/{camp.id}", headers=stack.auth, json={"status": "paused"}
    )
    assert resp.status_code == 200 and resp.json()["status"] == "paused"
    await ts_env.sleep(timedelta(days=2, hours=1))  # step 2 was due after two days
    assert len(stack.smtp.messages) == 1
    resp = await stack.http.patch(
        f"{API}/campaigns/{camp.id}", headers=stack.auth, json={"status": "active"}
    )
    assert resp.status_code == 200
    await eventually(lambda: len(stack.smtp.messages) == 2)


async def _status(db, lead_id: str, status: str) -> bool:
    return (await reload(db, Lead, lead_id)).status == status


async def _sa_is(handle, status: str) -> bool:
    return (await handle.describe()).typed_search_attributes.get(sa.LEAD_STATUS) == status


async def _published(db, event_id: str) -> bool:
    return (await reload(db, Event, event_id)).published_at is not None

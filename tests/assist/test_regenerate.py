"""`POST /channel-touches/{id}/regenerate`: a queued LinkedIn / Twitter touch rewritten with
the step's next spintax wording (no model), or by the model; a sent touch is final."""

from __future__ import annotations

from sqlmodel import func, select

from outreach.models import ChannelTouch, RateLimitHit
from tests.assist.conftest import FakeModel
from tests.assist.test_drafts import BASE
from tests.helpers import eventually, make_campaign, make_key, make_lead, make_workspace, start_lead
from tests.replies.conftest import Flow
from tests.replies.helpers import api, auth

SPUN = (
    "{Hi|Hello|Hey|Good morning} {{firstName|there}}, "
    "{saw your post|loved your talk|read your note}."
)
GREETINGS = ("Hi", "Hello", "Hey", "Good morning")


async def queued_touch(flow: Flow, body: str) -> tuple[str, ChannelTouch]:
    ws = await make_workspace(flow.db)
    key = await make_key(flow.db, ws.id)
    campaign = await make_campaign(
        flow.db, ws.id, [("linkedin", "P0D", None, body), ("email", "P5D", "Hello", "Hi")]
    )
    lead = await make_lead(flow.db, campaign)
    await start_lead(flow.client, flow.settings, flow.db, lead)

    async def touch() -> ChannelTouch | None:
        async with flow.db.session() as s:
            return (
                await s.exec(select(ChannelTouch).where(ChannelTouch.lead_id == lead.id))
            ).first()

    return key, await eventually(touch, within=20)


async def test_spintax_gives_the_touch_its_next_wording(flow: Flow) -> None:
    key, touch = await queued_touch(flow, SPUN)
    assert touch.text.startswith(GREETINGS) and "Sam" in touch.text
    async with api(flow.settings, flow.client) as http:
        r = await http.post(f"{BASE}/channel-touches/{touch.id}/regenerate", headers=auth(key))
        assert r.status_code == 200, r.text
        first = r.json()["text"]
        assert first != touch.text and first.startswith(GREETINGS) and "Sam" in first
        assert r.headers["X-RateLimit-Limit"] == "10" and r.headers["X-RateLimit-Remaining"] == "9"
        again = await http.post(f"{BASE}/channel-touches/{touch.id}/regenerate", headers=auth(key))
        assert again.status_code == 200 and again.json()["text"] != first
        sent = await http.post(f"{BASE}/channel-touches/{touch.id}/sent", headers=auth(key))
        assert sent.status_code == 200

        async def marked() -> bool:
            async with flow.db.session() as s:
                row = await s.get(ChannelTouch, touch.id)
                return row is not None and row.status == "sent"

        await eventually(marked, within=20)  # the lead's workflow applies it
        final = await http.post(f"{BASE}/channel-touches/{touch.id}/regenerate", headers=auth(key))
        assert final.status_code == 422 and final.json()["code"] == "touch_sent"
        assert "X-RateLimit-Remaining" not in final.headers  # refused before any slot


async def hits_of(flow: Flow, workspace_id: str) -> int:
    async with flow.db.session() as s:
        return (
            await s.exec(
                select(func.count())
                .select_from(RateLimitHit)
                .where(RateLimitHit.workspace_id == workspace_id)
            )
        ).one()


async def test_no_spintax_and_no_model_is_422_and_costs_nothing(flow: Flow) -> None:
    key, touch = await queued_touch(flow, "Hi {{firstName}}, sent you a note.")
    async with api(flow.settings, flow.client) as http:
        r = await http.post(f"{BASE}/channel-touches/{touch.id}/regenerate", headers=auth(key))
    assert r.status_code == 422 and r.json()["code"] == "nothing_to_regenerate"
    assert await hits_of(flow, touch.workspace_id) == 0


async def test_a_model_outage_is_said_and_the_next_call_tries_again(
    flow: Flow, model: FakeModel
) -> None:
    model.answers = ["HTTP 500"]
    key, touch = await queued_touch(flow, "Hi {{firstName}}, sent you a note.")
    async with api(flow.settings, flow.client) as http:
        r = await http.post(f"{BASE}/channel-touches/{touch.id}/regenerate", headers=auth(key))
        assert r.status_code == 422, r.text
        assert "model failed (model answered HTTP 500)" in r.json()["error"]
        assert await hits_of(flow, touch.workspace_id) == 0  # given back
        model.answers = ['{"text": "Sam, keen to compare notes?"}']
        again = await http.post(f"{BASE}/channel-touches/{touch.id}/regenerate", headers=auth(key))
    assert again.status_code == 200, again.text
    assert again.json()["text"] == "Sam, keen to compare notes?"


async def test_the_model_rewrites_the_touch(flow: Flow, model: FakeModel) -> None:
    model.answers = ['{"text": "Sam, your launch post was great - keen to compare notes?"}']
    key, touch = await queued_touch(flow, "Hi {{firstName}}, sent you a note.")
    async with api(flow.settings, flow.client) as http:
        r = await http.post(f"{BASE}/channel-touches/{touch.id}/regenerate", headers=auth(key))
    assert r.status_code == 200, r.text
    assert r.json()["text"] == "Sam, your launch post was great - keen to compare notes?"
    assert "Hi Sam, sent you a note." in model.requests[-1]["body"]["messages"][1]["content"]

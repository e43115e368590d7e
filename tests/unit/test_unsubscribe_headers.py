"""The unsubscribe page cannot be framed (clickjacking a one-click POST), sniffed, or leak
its token (a capability) through the Referer; and the page still works under its CSP."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from api.routes.unsubscribe import UNSUBSCRIBE_PURPOSE
from outreach.config import Settings
from outreach.db import Database
from outreach.security import sign_token
from tests.helpers import make_campaign, make_lead, make_workspace
from tests.replies.helpers import api

HTML = {"Accept": "text/html"}


@pytest.fixture
async def http(settings: Settings, ts_env: WorkflowEnvironment) -> AsyncIterator[httpx.AsyncClient]:
    async with api(settings, ts_env.client) as client:
        yield client


async def token_for(settings: Settings, db: Database) -> str:
    ws = await make_workspace(db)
    lead = await make_lead(db, await make_campaign(db, ws.id))
    return sign_token(settings.signing_key(), UNSUBSCRIBE_PURPOSE, lead.id)


def directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_hardened(r: httpx.Response) -> dict[str, list[str]]:
    csp = directives(r.headers["content-security-policy"])
    assert csp["frame-ancestors"] == ["'none'"], csp
    assert csp["default-src"] == ["'none'"], csp
    assert "'unsafe-inline'" not in " ".join(sum(csp.values(), []))
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"  # for browsers without CSP level 2
    return csp


async def test_every_unsubscribe_answer_carries_the_protections(
    http: httpx.AsyncClient, settings: Settings, db: Database
) -> None:
    token = await token_for(settings, db)
    answers = [
        await http.get(f"/u/{token}", headers=HTML),  # the confirmation page
        await http.get(f"/u/{token}"),
        await http.get("/u/not-a-token", headers=HTML),  # 404 page
        await http.get("/u/not-a-token"),  # 404 JSON
        await http.post(f"/u/{token}", headers=HTML),  # unsubscribed page
        await http.post(f"/u/{token}"),  # RFC 8058 one-click (JSON)
        await http.get(f"/u/{token}", headers=HTML),  # "you are unsubscribed"
    ]
    assert [r.status_code for r in answers] == [200, 200, 404, 404, 200, 200, 200]
    for r in answers:
        assert_hardened(r)


async def test_the_page_works_under_its_policy(
    http: httpx.AsyncClient, settings: Settings, db: Database
) -> None:
    """What a browser enforcing the CSP would allow: the inline style by its hash, the
    form posting back to the same origin; nothing else loads."""
    token = await token_for(settings, db)
    r = await http.get(f"/u/{token}", headers=HTML)
    csp = assert_hardened(r)
    styles = re.findall(r"<style>(.*?)</style>", r.text, re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp["style-src"]
    assert csp["form-action"] == ["'self'"]
    assert "<script" not in r.text and " style=" not in r.text
    (action,) = re.findall(r'<form method="post" action="([^"]+)"', r.text)
    assert action == f"/u/{token}"
    done = await http.post(action, headers=HTML)
    assert done.status_code == 200 and "You are unsubscribed" in done.text

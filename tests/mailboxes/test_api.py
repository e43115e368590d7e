"""`/mailboxes` as a sending account, over the API: the SMTP settings (password write-only
and sealed), identity, limits and ramp as they read back; `verify` logging in to a real
SMTP server (STARTTLS with a certificate made here, AUTH) and a real Dovecot with good and
bad passwords; pause / resume; the SSRF guard on the SMTP host; campaigns choosing
mailboxes."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from temporalio.testing import WorkflowEnvironment

from outreach.config import Settings
from outreach.db import Database
from outreach.ids import new_id
from outreach.mailboxes.capacity import today
from outreach.mailboxes.store import sent_today
from outreach.models import Campaign, Lead, Mailbox, Send, utcnow
from outreach.sends.status import SendStatus
from tests.conftest import settings_for
from tests.helpers import (
    make_campaign,
    make_key,
    make_lead,
    make_workspace,
    reload,
    running_worker,
)
from tests.mailboxes.helpers import make_sending_mailbox
from tests.replies.conftest import Dovecot
from tests.replies.helpers import api, auth
from tests.smtp_servers import SmtpServer, smtp_server

pytestmark = pytest.mark.integration

BASE = "/api/v1/outreach"
MAILBOXES = f"{BASE}/mailboxes"
SMTP_PASSWORD = "smtp-right-4c9e"


def sending_body(dovecot: Dovecot, user: str, password: str, srv: SmtpServer) -> dict:
    return {
        "host": dovecot.host,
        "port": dovecot.port,
        "security": "none",
        "username": user,
        "password": password,
        "email": "Anita@Acme.example",
        "fromName": "Anita Founder",
        "replyTo": "anita+replies@acme.example",
        "signature": "-- \nAnita, Acme",
        "timezone": "Europe/Paris",
        "dailyLimit": 40,
        "minGapSeconds": 120,
        "warmup": {"startPerDay": 5, "increasePerDay": 3},
        "smtp": {
            "host": srv.hostname,
            "port": srv.port,
            "tls": "starttls",
            "username": "anita",
            "password": SMTP_PASSWORD,
        },
    }


def with_ca(settings: Settings, srv: SmtpServer) -> Settings:
    return settings_for(settings, smtp_ca_file=Path(srv.ca_file) if srv.ca_file else None)


async def test_a_sending_mailbox_reads_back_verifies_and_pauses(
    dev_env: WorkflowEnvironment, settings: Settings, db: Database, dovecot: Dovecot
) -> None:
    client = dev_env.client
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    user, password = dovecot.add_user()
    async with smtp_server(tls="starttls", username="anita", password=SMTP_PASSWORD) as srv:
        cfg = with_ca(settings, srv)
        async with running_worker(client, cfg, db), api(cfg, client) as http:
            r = await http.post(
                MAILBOXES, json=sending_body(dovecot, user, password, srv), headers=auth(key)
            )
            assert r.status_code == 201, r.text
            assert SMTP_PASSWORD not in r.text and password not in r.text
            created = r.json()
            mbx = created["id"]
            assert created["smtp"] == {
                "host": "localhost",
                "port": srv.port,
                "tls": "starttls",
                "username": "anita",
                "hasPassword": True,
            }
            assert (created["email"], created["fromName"], created["replyTo"]) == (
                "anita@acme.example",
                "Anita Founder",
                "anita+replies@acme.example",
            )
            assert (created["dailyLimit"], created["minGapSeconds"], created["timezone"]) == (
                40,
                120,
                "Europe/Paris",
            )
            # Day one of the ramp: 5 of the 40.
            assert created["warmup"]["startPerDay"] == 5 and created["warmup"]["startedOn"]
            assert (created["limitToday"], created["sentToday"]) == (5, 0)
            assert (created["status"], created["statusReason"]) == ("active", None)
            row = await reload(db, Mailbox, mbx)
            assert row.smtp_password and SMTP_PASSWORD not in row.smtp_password  # sealed

            # verify: both logins as they are.
            r = await http.post(f"{MAILBOXES}/{mbx}/verify", headers=auth(key))
            assert r.status_code == 200, r.text
            checks = r.json()
            assert checks["smtp"]["ok"] is True and checks["smtp"]["message"].startswith("235")
            assert checks["imap"]["ok"] is True, checks
            assert srv.messages == []  # a check sends nothing

            # A wrong SMTP password: the server's words, IMAP still fine.
            r = await http.patch(
                f"{MAILBOXES}/{mbx}", json={"smtp": {"password": "wrong"}}, headers=auth(key)
            )
            assert r.status_code == 200, r.text
            checks = (await http.post(f"{MAILBOXES}/{mbx}/verify", headers=auth(key))).json()
            assert checks["smtp"]["ok"] is False and "535" in checks["smtp"]["message"]
            assert checks["imap"]["ok"] is True
            # And a wrong IMAP password, the SMTP one put right.
            r = await http.patch(
                f"{MAILBOXES}/{mbx}",
                json={"password": password + "x", "smtp": {"password": SMTP_PASSWORD}},
                headers=auth(key),
            )
            assert r.status_code == 200, r.text
            checks = (await http.post(f"{MAILBOXES}/{mbx}/verify", headers=auth(key))).json()
            assert checks["smtp"]["ok"] is True
            assert checks["imap"]["ok"] is False and "login refused" in checks["imap"]["message"]
            assert password not in str(checks)

            # Pause and resume.
            r = await http.post(f"{MAILBOXES}/{mbx}/pause", headers=auth(key))
            assert (r.status_code, r.json()["status"], r.json()["statusReason"]) == (
                200,
                "paused",
                "paused by request",
            )
            got = (await http.get(f"{MAILBOXES}/{mbx}", headers=auth(key))).json()
            assert got["status"] == "paused"
            r = await http.post(f"{MAILBOXES}/{mbx}/resume", headers=auth(key))
            assert (r.status_code, r.json()["status"], r.json()["statusReason"]) == (
                200,
                "active",
                None,
            )

            # Reading its replies switched off: it still sends, and says so.
            r = await http.patch(f"{MAILBOXES}/{mbx}", json={"enabled": False}, headers=auth(key))
            assert (r.status_code, r.json()["enabled"], r.json()["status"]) == (
                200,
                False,
                "active",
            )

            # Another workspace sees none of it.
            other = await make_key(db, (await make_workspace(db)).id)
            for path in ("verify", "pause", "resume"):
                r = await http.post(f"{MAILBOXES}/{mbx}/{path}", headers=auth(other))
                assert r.status_code == 404, path
            assert (await http.delete(f"{MAILBOXES}/{mbx}", headers=auth(key))).status_code == 204


@pytest.mark.parametrize(
    "smtp, code",
    [
        ({"host": "10.0.0.5", "tls": "starttls"}, "mailbox_host_refused"),
        ({"host": "169.254.169.254", "tls": "tls"}, "mailbox_host_refused"),
        ({"host": "smtp.example.com", "tls": "none"}, "insecure_connection"),
        ({"host": "smtp.example.com:587"}, "invalid_host"),
    ],
)
async def test_an_smtp_host_goes_through_the_guard(
    settings: Settings, db: Database, smtp: dict, code: str
) -> None:
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    body = {
        "host": "8.8.8.8",  # a public address: the IMAP side passes (nothing connects)
        "username": "u",
        "password": "p",
        "email": "a@acme.example",
        "smtp": {"username": "u", "password": "p", **smtp},
    }
    # Production rules (no private targets); no Temporal: refused before any schedule.
    cfg = settings_for(settings, webhook_allow_private_targets=False)
    async with api(cfg, None) as http:  # type: ignore[arg-type]
        r = await http.post(MAILBOXES, json=body, headers=auth(key))
        assert (r.status_code, r.json()["code"]) == (422, code), r.text
        assert (await http.get(MAILBOXES, headers=auth(key))).json()["data"] == []


async def test_campaigns_choose_sending_mailboxes(
    dev_env: WorkflowEnvironment, settings: Settings, db: Database, dovecot: Dovecot
) -> None:
    client = dev_env.client
    ws = await make_workspace(db)
    key = await make_key(db, ws.id)
    user, password = dovecot.add_user()
    async with smtp_server(tls="starttls", username="anita", password=SMTP_PASSWORD) as srv:
        cfg = with_ca(settings, srv)
        async with running_worker(client, cfg, db), api(cfg, client) as http:
            sender = (
                await http.post(
                    MAILBOXES, json=sending_body(dovecot, user, password, srv), headers=auth(key)
                )
            ).json()["id"]
            reader_only = await http.post(
                MAILBOXES,
                json={
                    "host": dovecot.host,
                    "port": dovecot.port,
                    "security": "none",
                    "username": user,
                    "password": password,
                    "folder": "Archive",
                },
                headers=auth(key),
            )
            assert reader_only.status_code == 201, reader_only.text
            imap_only = reader_only.json()["id"]
            assert reader_only.json()["smtp"] is None

            async def create(**fields: object) -> tuple[int, dict]:
                r = await http.post(
                    f"{BASE}/campaigns", json={"name": "Q4", **fields}, headers=auth(key)
                )
                return r.status_code, r.json()

            status, body = await create(mailboxIds=["mbx_nope"])
            assert (status, body["code"]) == (422, "unknown_mailbox")
            status, body = await create(mailboxIds=[imap_only])
            assert (status, body["code"]) == (422, "mailbox_cannot_send")
            status, body = await create(mailboxIds=[sender], rotation="round_robin")
            assert status == 201, body
            assert (body["mailboxIds"], body["rotation"]) == ([sender], "round_robin")
            camp = body["id"]

            # Deleting the mailbox takes it out of the campaign (its leads use the others).
            assert (
                await http.delete(f"{MAILBOXES}/{sender}", headers=auth(key))
            ).status_code == 204
            assert (await reload(db, Campaign, camp)).mailbox_ids == []
            got = (await http.get(f"{BASE}/campaigns/{camp}", headers=auth(key))).json()
            assert got["mailboxIds"] == []
            await http.delete(f"{MAILBOXES}/{imap_only}", headers=auth(key))


async def test_sent_today_counts_each_mailbox_in_its_own_day(
    settings: Settings, db: Database
) -> None:
    """What `sentToday` shows: sends that left (not claimed ones) since midnight in the
    mailbox's zone, for a page of mailboxes in different zones."""
    ws = await make_workspace(db)
    camp = await make_campaign(db, ws.id, [("email", "P0D", "Hi", "Hello")])
    with smtp_server() as srv:
        paris = await make_sending_mailbox(db, settings, ws.id, srv, timezone="Europe/Paris")
        tokyo = await make_sending_mailbox(db, settings, ws.id, srv, timezone="Asia/Tokyo")
        idle = await make_sending_mailbox(db, settings, ws.id, srv)
    now = utcnow()
    starts = {
        m.id: datetime.combine(today(m.timezone), time(0), tzinfo=ZoneInfo(m.timezone))
        for m in (paris, tokyo)
    }
    async with db.session() as s:
        for m, sent_at in [
            (paris, now),
            (paris, starts[paris.id] + timedelta(minutes=1)),
            (paris, starts[paris.id] - timedelta(minutes=1)),  # its yesterday
            (tokyo, now),
            (tokyo, starts[tokyo.id] - timedelta(minutes=1)),
        ]:
            lead = await make_lead(db, camp)
            s.add(_send(lead, m, sent_at, sent=True))
        s.add(_send(await make_lead(db, camp), tokyo, now, sent=False))  # claimed, not sent
        await s.commit()
        counts = await sent_today(s, [paris, tokyo, idle])
    assert counts == {paris.id: 2, tokyo.id: 1, idle.id: 0}


def _send(lead: Lead, mailbox: Mailbox, at: datetime, *, sent: bool) -> Send:
    return Send(
        id=new_id("send"),
        workspace_id=lead.workspace_id,
        campaign_id=lead.campaign_id,
        lead_id=lead.id,
        step_position=1,
        to_email=lead.email,
        status=SendStatus.SENT if sent else SendStatus.CLAIMED,
        sent_at=at if sent else None,
        mailbox_id=mailbox.id,
        created_at=at,
        updated_at=at,
    )

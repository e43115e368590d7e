"""IMAP mailboxes polled for replies: `/mailboxes`. The password is write-only (never
returned; `hasPassword` says one is set). Each mailbox has a Temporal schedule
(`mailbox-<mailboxId>`) that syncs it every minute; disabling a mailbox pauses it.

The host goes through the SSRF guard (`outreach.netguard`) when it is saved and again at
every sync: loopback, private, link-local, metadata and other non-public addresses are
refused (422 `mailbox_host_refused`), except loopback and private ones when
OUTREACH_WEBHOOK_ALLOW_PRIVATE_TARGETS allows them (dev, tests)."""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import Field
from sqlmodel import select
from temporalio.service import RPCError, RPCStatusCode

from api import schemas as s
from api.deps import Principal, SessionDep, StateDep, get_owned, require
from api.docs import scoped
from api.errors import APIError, unprocessable
from api.pagination import Page, page_params
from outreach import mail, netguard
from outreach.campaigns.service import notify_running_leads
from outreach.encryption.fields import seal_mailbox_password
from outreach.ids import new_id
from outreach.inbound.imap import verify_imap
from outreach.inbound.schedules import (
    create_mailbox_schedule,
    delete_mailbox_schedule,
    set_mailbox_schedule_paused,
    trigger_mailbox_sync,
)
from outreach.inbound.sync import imap_config
from outreach.mailboxes import sending
from outreach.mailboxes import service as mailbox_service
from outreach.mailboxes import store as mailbox_store
from outreach.mailboxes.schemas import (
    DEFAULT_PORTS,
    MailboxCreate,
    MailboxOut,
    MailboxUpdate,
    SendingIn,
    mailbox_out,
)
from outreach.models import Campaign, Mailbox, utcnow
from outreach.scopes import Scope

log = logging.getLogger("outreach.api.mailboxes")
router = APIRouter(tags=["mailboxes"])

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Changing any of these points the mailbox at another UID space: the sync starts afresh.
LOCATION_FIELDS = ("host", "port", "security", "username", "folder")
# The sending settings, applied by outreach.mailboxes.service.
SENDING_FIELDS = frozenset(SendingIn.model_fields) | {"smtp"}


class MailboxList(s.Out):
    data: list[MailboxOut]
    next_cursor: str | None


class SyncTriggered(s.Out):
    id: str
    status: Literal["triggered"]


class ProtocolCheck(s.Out):
    ok: bool
    message: str = Field(description="the server's words, or the network error")


class VerifyResult(s.Out):
    smtp: ProtocolCheck | None = Field(description="null: the mailbox has no SMTP settings")
    imap: ProtocolCheck


async def _out(session: SessionDep, rows: list[Mailbox]) -> list[MailboxOut]:
    counts = await mailbox_store.sent_today(session, rows)
    return [mailbox_out(m, sent_today=counts.get(m.id, 0)) for m in rows]


# -- validation ----------------------------------------------------------------------------


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_host(value: str) -> str:
    host = value.strip().lower().rstrip(".")
    if _ip(host) is not None:
        return host.strip("[]")
    labels = host.split(".")
    if not host or len(host) > 253 or not all(_LABEL.match(x) for x in labels):
        raise unprocessable(
            "host must be a server name or an IP address (no scheme, port or path: "
            "give the port in `port`).",
            "invalid_host",
        )
    return host


def is_local(host: str) -> bool:
    ip = _ip(host)
    if ip is None:
        return host == "localhost" or host.endswith(".localhost")
    return ip.is_loopback or ip.is_private or ip.is_link_local


def check_text(name: str, value: str) -> str:
    if _CONTROL.search(value):
        raise unprocessable(
            f"{name} must not contain control characters (line breaks, NUL).", f"invalid_{name}"
        )
    return value


def check_security(security: str, host: str) -> None:
    if security == "none" and not is_local(host):
        raise unprocessable(
            "security 'none' would send the password in clear text over the internet; use "
            "'tls' or 'starttls' (plain connections are allowed only to this machine or a "
            "private network).",
            "insecure_connection",
        )


async def check_reachable(state: StateDep, host: str, port: int) -> None:
    """The host as the sync will see it: every address it is or resolves to must pass the
    SSRF guard. (Checked again at every connection.)"""
    try:
        await netguard.checked_addresses(
            host, port, allow_private=state.settings.webhook_allow_private_targets
        )
    except netguard.TargetRefused as exc:
        raise unprocessable(f"host refused: {exc}.", "mailbox_host_refused") from exc
    except netguard.Unresolvable as exc:
        raise unprocessable(f"host: {exc}.", "mailbox_host_unresolvable") from exc


async def _duplicate(session: SessionDep, m: Mailbox) -> bool:
    found = (
        await session.exec(
            select(Mailbox.id).where(
                Mailbox.workspace_id == m.workspace_id,
                Mailbox.host == m.host,
                Mailbox.username == m.username,
                Mailbox.folder == m.folder,
                Mailbox.id != m.id,
            )
        )
    ).first()
    return found is not None


def _unavailable(exc: Exception, what: str) -> APIError:
    log.warning("mailbox schedule: %s failed: %s", what, exc)
    return APIError(
        503,
        "temporal_unavailable",
        f"The sync schedule could not be {what}; retry the same request.",
    )


# -- routes --------------------------------------------------------------------------------


@router.get(
    "/mailboxes",
    response_model=MailboxList,
    **scoped("mailboxes:read", summary="List IMAP mailboxes"),
)
async def list_mailboxes(
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.MAILBOXES_READ)],
    page: Annotated[Page, Depends(page_params)],
) -> dict:
    stmt = select(Mailbox).where(Mailbox.workspace_id == principal.workspace_id)
    rows = list((await session.exec(page.apply(stmt, Mailbox))).all())
    shown = {m.id: out for m, out in zip(rows, await _out(session, rows), strict=True)}
    return page.result(rows, lambda m: shown[m.id])


@router.get(
    "/mailboxes/{mailbox_id}",
    response_model=MailboxOut,
    **scoped("mailboxes:read", 404, summary="Get a mailbox and its sync state"),
)
async def get_mailbox(
    mailbox_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.MAILBOXES_READ)],
) -> MailboxOut:
    return (await _out(session, [await get_owned(session, Mailbox, mailbox_id, principal)]))[0]


@router.post(
    "/mailboxes",
    status_code=201,
    response_model=MailboxOut,
    **scoped("mailboxes:write", 422, 503, summary="Add an IMAP mailbox to poll"),
)
async def create_mailbox(
    body: MailboxCreate,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.MAILBOXES_WRITE)],
) -> MailboxOut:
    host = check_host(body.host)
    check_security(body.security, host)
    port = body.port or DEFAULT_PORTS[body.security]
    await check_reachable(state, host, port)
    now = utcnow()
    mailbox_id = new_id("mbx")
    password = seal_mailbox_password(
        state.settings.keyring(), mailbox_id, check_text("password", body.password)
    )
    mailbox = Mailbox(
        id=mailbox_id,
        workspace_id=principal.workspace_id,
        host=host,
        port=port,
        security=body.security,
        username=check_text("username", body.username),
        password=password,
        folder=check_text("folder", body.folder.strip() or "INBOX"),
        enabled=body.enabled,
        sync_existing=body.sync_existing,
        created_at=now,
        updated_at=now,
    )
    await _apply_sending(state, mailbox, body)
    if await _duplicate(session, mailbox):
        raise unprocessable(
            "This workspace already polls that folder of that account.", "mailbox_exists"
        )
    session.add(mailbox)
    await session.commit()
    # The row first, so the schedule's first run (at once) finds it. Without a schedule
    # the mailbox would never be polled: undo the insert and ask for a retry.
    try:
        client = await state.temporal()
        await create_mailbox_schedule(client, state.settings, mailbox)
    except (RPCError, APIError) as exc:
        await session.delete(mailbox)
        await session.commit()
        raise _unavailable(exc, "created") from exc
    return (await _out(session, [mailbox]))[0]


@router.patch(
    "/mailboxes/{mailbox_id}",
    response_model=MailboxOut,
    **scoped("mailboxes:write", 404, 422, 503, summary="Change a mailbox"),
)
async def update_mailbox(
    mailbox_id: str,
    body: MailboxUpdate,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.MAILBOXES_WRITE)],
) -> MailboxOut:
    """Partial update. A new host, port, security, username or folder starts the sync
    afresh (the UID position belongs to the old one; Message-IDs still keep mail from being
    ingested twice). `enabled: false` pauses the sync schedule."""
    mailbox = await get_owned(session, Mailbox, mailbox_id, principal)
    given = body.model_fields_set
    for name in given:
        if getattr(body, name) is None:
            raise APIError(400, "invalid_request", f"Invalid request: '{name}' cannot be null.")
    await _apply_sending(state, mailbox, body)
    changes = body.model_dump(exclude_unset=True, exclude=set(SENDING_FIELDS))
    if "host" in changes:
        changes["host"] = check_host(changes["host"])
    for name in ("username", "password", "folder"):
        if name in changes:
            changes[name] = check_text(name, changes[name])
    if "password" in changes:
        changes["password"] = seal_mailbox_password(
            state.settings.keyring(), mailbox.id, changes["password"]
        )
    check_security(changes.get("security", mailbox.security), changes.get("host", mailbox.host))
    if "host" in changes or "port" in changes:
        await check_reachable(
            state, changes.get("host", mailbox.host), changes.get("port", mailbox.port)
        )
    moved = any(k in changes and changes[k] != getattr(mailbox, k) for k in LOCATION_FIELDS)
    for name, value in changes.items():
        setattr(mailbox, name, value)
    if await _duplicate(session, mailbox):
        raise unprocessable(
            "This workspace already polls that folder of that account.", "mailbox_exists"
        )
    if moved:
        mailbox.uidvalidity, mailbox.last_uid = None, 0
    if moved or "password" in changes:
        mailbox.last_error = None
    mailbox.updated_at = utcnow()
    session.add(mailbox)
    await session.commit()
    if "enabled" in changes:
        # The row is the truth (a disabled mailbox is never read); the schedule follows.
        client = await state.temporal()
        try:
            await set_mailbox_schedule_paused(client, mailbox.id, not mailbox.enabled)
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise _unavailable(exc, "updated") from exc
            try:
                await create_mailbox_schedule(client, state.settings, mailbox)
            except RPCError as exc2:
                raise _unavailable(exc2, "updated") from exc2
    return (await _out(session, [mailbox]))[0]


@router.delete(
    "/mailboxes/{mailbox_id}",
    status_code=204,
    **scoped("mailboxes:write", 404, 503, summary="Stop polling a mailbox"),
)
async def delete_mailbox(
    mailbox_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.MAILBOXES_WRITE)],
) -> Response:
    """Deletes the mailbox and its schedule. Replies already received stay. Campaigns that
    sent from it stop using it: its leads not started yet move to the campaign's other
    mailboxes; those started continue from another of them (the thread's headers stay)."""
    mailbox = await get_owned(session, Mailbox, mailbox_id, principal)
    client = await state.temporal()
    try:
        await delete_mailbox_schedule(client, mailbox.id)
    except RPCError as exc:
        raise _unavailable(exc, "deleted") from exc
    using = await mailbox_service.campaigns_using(session, mailbox)
    for campaign_id in using:
        campaign = await session.get(Campaign, campaign_id)
        if campaign is not None:
            campaign.mailbox_ids = [m for m in campaign.mailbox_ids if m != mailbox.id]
            campaign.updated_at = utcnow()
            session.add(campaign)
    await session.delete(mailbox)
    await session.commit()
    await _wake_leads(state, using)
    return Response(status_code=204)


@router.post(
    "/mailboxes/{mailbox_id}/sync",
    status_code=202,
    response_model=SyncTriggered,
    **scoped("mailboxes:write", 404, 422, 503, summary="Sync a mailbox now"),
)
async def sync_now(
    mailbox_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.MAILBOXES_WRITE)],
) -> SyncTriggered:
    """Starts a sync at once (nothing happens if one is already running). Its result shows
    in `lastSyncAt` / `lastError`."""
    mailbox = await get_owned(session, Mailbox, mailbox_id, principal)
    if not mailbox.enabled:
        raise unprocessable("The mailbox is disabled; enable it first.", "mailbox_disabled")
    client = await state.temporal()
    try:
        await trigger_mailbox_sync(client, mailbox.id)
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise _unavailable(exc, "triggered") from exc
        try:
            await create_mailbox_schedule(client, state.settings, mailbox)  # runs at once
        except RPCError as exc2:
            raise _unavailable(exc2, "triggered") from exc2
    return SyncTriggered(id=mailbox.id, status="triggered")


@router.post(
    "/mailboxes/{mailbox_id}/verify",
    response_model=VerifyResult,
    **scoped("mailboxes:write", 404, summary="Check the mailbox's SMTP and IMAP logins"),
)
async def verify_mailbox(
    mailbox_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.MAILBOXES_WRITE)],
) -> VerifyResult:
    """Logs in to SMTP (when set) and IMAP now and answers per protocol: `ok`, and the
    server's words (or the network error). Changes nothing."""
    mailbox = await get_owned(session, Mailbox, mailbox_id, principal)
    settings = state.settings
    smtp = None
    if mailbox.smtp_host:
        ok, message = await mail.verify_smtp(sending.smtp_target(settings, mailbox), settings)
        smtp = ProtocolCheck(ok=ok, message=message)
    ok, message = await verify_imap(
        imap_config(mailbox, settings.keyring()),
        allow_private=settings.webhook_allow_private_targets,
    )
    return VerifyResult(smtp=smtp, imap=ProtocolCheck(ok=ok, message=message))


@router.post(
    "/mailboxes/{mailbox_id}/pause",
    response_model=MailboxOut,
    **scoped("mailboxes:write", 404, summary="Stop sending from a mailbox"),
)
async def pause_mailbox(
    mailbox_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require(Scope.MAILBOXES_WRITE)],
) -> MailboxOut:
    """No new email leaves from it; its leads wait (`waitingFor: mailbox_paused`) and
    continue on resume. Leads not started yet move to the campaign's other mailboxes.
    Replies are still read."""
    mailbox = await get_owned(session, Mailbox, mailbox_id, principal)
    mailbox_service.pause(mailbox)
    mailbox.updated_at = utcnow()
    session.add(mailbox)
    await session.commit()
    return (await _out(session, [mailbox]))[0]


@router.post(
    "/mailboxes/{mailbox_id}/resume",
    response_model=MailboxOut,
    **scoped("mailboxes:write", 404, 503, summary="Send from a mailbox again"),
)
async def resume_mailbox(
    mailbox_id: str,
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, require(Scope.MAILBOXES_WRITE)],
) -> MailboxOut:
    """Back to `active` (also after `error`, once its login is fixed); the leads waiting
    for it continue at once."""
    mailbox = await get_owned(session, Mailbox, mailbox_id, principal)
    stopped = mailbox_service.resume(mailbox)
    mailbox.updated_at = utcnow()
    session.add(mailbox)
    await session.commit()
    if stopped:
        await _wake_leads(state, await mailbox_service.campaigns_using(session, mailbox))
    return (await _out(session, [mailbox]))[0]


async def _wake_leads(state: StateDep, campaign_ids: list[str]) -> None:
    """The campaigns' running leads look again (those waiting for the mailbox go on)."""
    if not campaign_ids:
        return
    try:
        client = await state.temporal()
        for campaign_id in campaign_ids:
            await notify_running_leads(client, state.settings, campaign_id)
    except RPCError as exc:
        # The change is saved; waiting leads look again within hours by themselves.
        log.warning("mailbox: waking the leads of %s failed: %s", campaign_ids, exc)


async def _apply_sending(state: StateDep, m: Mailbox, body: MailboxCreate | MailboxUpdate) -> None:
    """The sending settings given (RuleBroken → 422). An SMTP host is checked like the
    IMAP host: a name or IP, no clear text over the internet, through the SSRF guard."""
    if not (set(body.model_fields_set) & SENDING_FIELDS):
        return
    changed = mailbox_service.apply_sending(m, body, state.settings.keyring(), check_host)
    if changed and m.smtp_host:
        check_security(m.smtp_tls or "starttls", m.smtp_host)
        await check_reachable(state, m.smtp_host, m.smtp_port or 587)

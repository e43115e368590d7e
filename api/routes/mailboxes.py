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
from outreach import netguard
from outreach.encryption.fields import seal_mailbox_password
from outreach.ids import new_id
from outreach.inbound.schedules import (
    create_mailbox_schedule,
    delete_mailbox_schedule,
    set_mailbox_schedule_paused,
    trigger_mailbox_sync,
)
from outreach.inbound.status import MailboxStatus
from outreach.models import Mailbox, utcnow
from outreach.scopes import Scope

log = logging.getLogger("outreach.api.mailboxes")
router = APIRouter(tags=["mailboxes"])

Security = Literal["tls", "starttls", "none"]
DEFAULT_PORTS = {"tls": 993, "starttls": 143, "none": 143}
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Changing any of these points the mailbox at another UID space: the sync starts afresh.
LOCATION_FIELDS = ("host", "port", "security", "username", "folder")


class MailboxCreate(s.In):
    host: str = Field(min_length=1, max_length=255, description="IMAP server name or IP")
    port: int | None = Field(None, ge=1, le=65535, description="default 993 for tls, 143 otherwise")
    security: Security = Field(
        "tls",
        description="tls (implicit TLS), starttls, or none "
        "(only for a server on this machine or a private network)",
    )
    username: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=500, description="write-only")
    folder: str = Field("INBOX", min_length=1, max_length=200)
    enabled: bool = True
    sync_existing: bool = Field(
        False,
        description="also ingest the mail already in the "
        "folder (default: only mail arriving after it is added)",
    )


class MailboxUpdate(s.In):
    host: str | None = Field(None, min_length=1, max_length=255)
    port: int | None = Field(None, ge=1, le=65535)
    security: Security | None = None
    username: str | None = Field(None, min_length=1, max_length=320)
    password: str | None = Field(None, min_length=1, max_length=500)
    folder: str | None = Field(None, min_length=1, max_length=200)
    enabled: bool | None = None
    sync_existing: bool | None = None


class MailboxOut(s.Out):
    id: str
    status: MailboxStatus = Field(
        description="paused: disabled; error: the last sync failed (`lastError` says why); "
        "active otherwise"
    )
    host: str
    port: int
    security: str
    username: str
    has_password: bool
    folder: str
    enabled: bool
    sync_existing: bool
    uid_validity: int | None
    last_uid: int
    last_sync_at: s.Timestamp | None
    last_error: str | None
    created_at: s.Timestamp
    updated_at: s.Timestamp


class MailboxList(s.Out):
    data: list[MailboxOut]
    next_cursor: str | None


class SyncTriggered(s.Out):
    id: str
    status: Literal["triggered"]


def mailbox_out(m: Mailbox) -> MailboxOut:
    return MailboxOut(
        id=m.id,
        status=mailbox_status(m),
        host=m.host,
        port=m.port,
        security=m.security,
        username=m.username,
        has_password=bool(m.password),
        folder=m.folder,
        enabled=m.enabled,
        sync_existing=m.sync_existing,
        uid_validity=m.uidvalidity,
        last_uid=m.last_uid,
        last_sync_at=m.last_sync_at,
        last_error=m.last_error,
        created_at=m.created_at,
        updated_at=m.updated_at,
    )


def mailbox_status(m: Mailbox) -> MailboxStatus:
    if not m.enabled:
        return MailboxStatus.PAUSED
    return MailboxStatus.ERROR if m.last_error else MailboxStatus.ACTIVE


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
    return page.result(rows, mailbox_out)


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
    return mailbox_out(await get_owned(session, Mailbox, mailbox_id, principal))


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
    return mailbox_out(mailbox)


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
    changes = body.model_dump(exclude_unset=True)
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
    return mailbox_out(mailbox)


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
    """Deletes the mailbox and its schedule. Replies already received stay."""
    mailbox = await get_owned(session, Mailbox, mailbox_id, principal)
    client = await state.temporal()
    try:
        await delete_mailbox_schedule(client, mailbox.id)
    except RPCError as exc:
        raise _unavailable(exc, "deleted") from exc
    await session.delete(mailbox)
    await session.commit()
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

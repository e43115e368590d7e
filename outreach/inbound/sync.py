"""One sync of one IMAP mailbox: new messages become `Reply` rows, each exactly once.

Bookkeeping (on the `mailbox` row):
- `uidvalidity` + `last_uid`: the position. A message is stored (and its workflow started)
  before `last_uid` moves past it, so a crash at any point re-reads at most the message in
  hand, and the Message-ID finds it stored: nothing is ingested twice.
- First sync: starts after the messages already in the folder, unless `sync_existing`.
- UIDVALIDITY changed (the folder was recreated or the server rebuilt it): every UID is
  new, so start over from UID 1; the Message-IDs keep already stored mail from coming back.
  Unless `sync_existing`, mail that arrived before the mailbox was added (a day's margin,
  IMAP dates have no hours) is never read, in any sync.
- At most `limit` messages per run (`more` tells the workflow to run again).

No message can stop the sync: parsing runs in a thread and raises nothing but
`MalformedMessage` (such a message is skipped and counted); a message whose structure is too
hostile to read is stored from its headers (`unreadable`); one the database refuses is
skipped and logged. Any other failure is written to `last_error` (in our words, never a
server's) before it propagates, so a stuck mailbox says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from sqlmodel import col, update
from temporalio.service import RPCError

from outreach.db import Database
from outreach.encryption.crypto import DecryptError, Keyring
from outreach.encryption.fields import mailbox_password
from outreach.inbound.contracts import SyncOutcome
from outreach.inbound.imap import Fetched, ImapConfig, ImapError, ImapFolder
from outreach.inbound.message import RAW_CAP, MalformedMessage, clip, parse_message
from outreach.inbound.status import ReplyStatus, SyncStatus
from outreach.inbound.store import ingest
from outreach.models import Mailbox, Reply, utcnow
from outreach.netguard import TargetRefused, Unresolvable, checked_addresses
from outreach.workpool import run_cpu, run_imap

log = logging.getLogger("outreach.inbound.sync")

MAX_PER_RUN = 200
BATCH = 20

OnStored = Callable[[Reply], Awaitable[object]]


def imap_config(mailbox: Mailbox, keyring: Keyring) -> ImapConfig:
    """The connection settings, the password opened (only here: for the login)."""
    return ImapConfig(
        host=mailbox.host,
        port=mailbox.port,
        security=mailbox.security,
        username=mailbox.username,
        password=mailbox_password(keyring, mailbox),
        folder=mailbox.folder,
    )


# At most this many syncs of one workspace run at once in a worker: a tenant with many
# slow mailboxes waits for its own, and leaves the IMAP threads to everyone else.
SYNCS_PER_WORKSPACE = 2
_slots: dict[str, asyncio.Semaphore] = {}


async def sync_mailbox(
    db: Database,
    mailbox_id: str,
    on_stored: OnStored,
    *,
    limit: int = MAX_PER_RUN,
    batch: int = BATCH,
    heartbeat: Callable[[int], None] | None = None,
) -> SyncOutcome:
    async with db.session() as s:
        mailbox = await s.get(Mailbox, mailbox_id)
    if mailbox is None:
        return SyncOutcome(SyncStatus.MISSING)
    if not mailbox.enabled:
        return SyncOutcome(SyncStatus.DISABLED)
    slot = _slots.setdefault(mailbox.workspace_id, asyncio.Semaphore(SYNCS_PER_WORKSPACE))
    while True:  # waiting for the workspace's turn is progress too: keep heartbeating
        try:
            await asyncio.wait_for(slot.acquire(), timeout=30)
            break
        except TimeoutError:
            if heartbeat is not None:
                heartbeat(mailbox.last_uid)
    try:
        return await _sync_open(db, mailbox, on_stored, limit, batch, heartbeat)
    finally:
        slot.release()


async def _sync_open(
    db: Database,
    mailbox: Mailbox,
    on_stored: OnStored,
    limit: int,
    batch: int,
    heartbeat: Callable[[int], None] | None,
) -> SyncOutcome:
    mailbox_id = mailbox.id
    try:
        config = imap_config(mailbox, db.settings.keyring())
    except DecryptError as exc:
        log.error("mailbox %s: %s", mailbox_id, exc)
        error = "the stored password cannot be decrypted: set it again"
        await _finish(db, mailbox_id, error)
        return SyncOutcome(SyncStatus.ERROR, error=error)
    try:
        # The guard again at every connection (DNS may have changed since the mailbox was
        # saved), and the connection goes to an address it passed.
        addresses = await checked_addresses(
            mailbox.host,
            mailbox.port,
            allow_private=db.settings.webhook_allow_private_targets,
        )
        folder = await run_imap(ImapFolder.open, config, addresses)
    except (ImapError, TargetRefused, Unresolvable) as exc:
        error = str(exc) if isinstance(exc, ImapError) else f"host refused: {exc}"
        if isinstance(exc, Unresolvable):
            error = f"connect failed: {exc}"
        await _finish(db, mailbox_id, error)
        return SyncOutcome(SyncStatus.ERROR, error=error)
    out = SyncOutcome(SyncStatus.OK, uidvalidity=folder.uidvalidity, last_uid=mailbox.last_uid)
    try:
        await _sync(db, mailbox, folder, on_stored, limit, batch, heartbeat, out)
    except ImapError as exc:
        await _finish(db, mailbox_id, str(exc))
        return SyncOutcome(SyncStatus.ERROR, error=str(exc), uidvalidity=folder.uidvalidity)
    except Exception as exc:
        # Database trouble or a bug: the activity is retried, and the mailbox says it is
        # stuck meanwhile (the exception's own text may hold anything: not shown).
        error = (
            f"sync failed after UID {out.last_uid}: {_what_failed(exc)}; "
            "the next sync retries from there"
        )
        try:
            await _finish(db, mailbox_id, error)
        except Exception:  # noqa: BLE001 - the database itself is away: nothing to write to
            log.warning("mailbox %s: could not record the failure", mailbox_id)
        raise
    finally:
        await run_imap(folder.close)
    await _finish(db, mailbox_id, None)
    return out


def _what_failed(exc: BaseException) -> str:
    if isinstance(exc, RPCError):
        return "the workflow engine is unreachable"
    if isinstance(exc, OperationalError | InterfaceError):
        return "the database is unreachable"
    return f"internal error ({type(exc).__name__})"


async def _sync(
    db: Database,
    mailbox: Mailbox,
    folder: ImapFolder,
    on_stored: OnStored,
    limit: int,
    batch: int,
    heartbeat: Callable[[int], None] | None,
    out: SyncOutcome,
) -> None:
    last_uid = mailbox.last_uid
    if mailbox.uidvalidity != folder.uidvalidity:
        if mailbox.uidvalidity is None and not mailbox.sync_existing:
            last_uid = folder.uidnext - 1 if folder.uidnext else await run_imap(folder.max_uid)
        else:
            if mailbox.uidvalidity is not None:
                log.info(
                    "mailbox %s: UIDVALIDITY changed (%s -> %s), starting over",
                    mailbox.id,
                    mailbox.uidvalidity,
                    folder.uidvalidity,
                )
            last_uid = 0
        await _save_position(db, mailbox.id, folder.uidvalidity, max(0, last_uid), reset=True)
    since = None if mailbox.sync_existing else (mailbox.created_at - timedelta(days=1)).date()
    uids = await run_imap(folder.search_after, last_uid, since)
    out.more = len(uids) > limit
    uids = uids[:limit]
    for start in range(0, len(uids), batch):
        chunk = uids[start : start + batch]
        fetched = {f.uid: f for f in await run_imap(folder.fetch, chunk, RAW_CAP)}
        for uid in chunk:
            if uid in fetched:  # else expunged since the search
                await _ingest_one(db, mailbox, fetched[uid], on_stored, out)
            await _save_position(db, mailbox.id, folder.uidvalidity, uid)
            last_uid = out.last_uid = uid
            if heartbeat is not None:
                heartbeat(uid)
    out.last_uid = last_uid


async def _ingest_one(
    db: Database, mailbox: Mailbox, fetched: Fetched, on_stored: OnStored, out: SyncOutcome
) -> None:
    try:
        # CPU-bound on big or odd messages: off the worker's event loop.
        parsed = await run_cpu(parse_message, fetched.raw, full_size=fetched.size)
    except MalformedMessage as exc:
        log.info("mailbox %s: UID %s skipped: %s", mailbox.id, fetched.uid, exc)
        out.skipped += 1
        return
    if parsed.unreadable:
        log.warning(
            "mailbox %s: UID %s stored from its headers only: %s",
            mailbox.id,
            fetched.uid,
            parsed.unreadable,
        )
        out.unreadable += 1
    now = utcnow()
    arrived = fetched.internaldate
    if arrived is None or arrived > now + timedelta(days=1):
        arrived = now
    try:
        async with db.session() as s:
            result = await ingest(
                s,
                mailbox.workspace_id,
                parsed,
                source="imap",
                mailbox_id=mailbox.id,
                received_at=arrived,
            )
            await s.commit()
    except DataError as exc:
        # The database refuses a value of this message: it never will take it, so it is
        # skipped rather than retried forever (the reason only: no message content).
        reason = str(getattr(exc, "orig", None) or type(exc).__name__).splitlines()[0][:200]
        log.warning(
            "mailbox %s: UID %s skipped, refused by the database: %s",
            mailbox.id,
            fetched.uid,
            reason,
        )
        out.skipped += 1
        return
    if result.reply is None:
        out.ignored += 1
        return
    if result.created:
        out.stored += 1
    else:
        out.duplicates += 1
    if result.reply.status != ReplyStatus.DONE:
        # A crash may have come between storing and starting: starting is idempotent.
        await on_stored(result.reply)


async def _save_position(
    db: Database, mailbox_id: str, uidvalidity: int, uid: int, *, reset: bool = False
) -> None:
    stmt = update(Mailbox).where(col(Mailbox.id) == mailbox_id)
    if not reset:
        stmt = stmt.where(col(Mailbox.uidvalidity) == uidvalidity, col(Mailbox.last_uid) < uid)
    async with db.session() as s:
        await s.exec(stmt.values(uidvalidity=uidvalidity, last_uid=uid))
        await s.commit()


async def _finish(db: Database, mailbox_id: str, error: str | None) -> None:
    async with db.session() as s:
        await s.exec(
            update(Mailbox)
            .where(col(Mailbox.id) == mailbox_id)
            .values(last_sync_at=utcnow(), last_error=clip(error, 500))
        )
        await s.commit()

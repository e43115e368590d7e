"""The database side of sending mailboxes: the mailbox a lead's step leaves from, and the
send slot it takes on it.

A slot is taken with one compare-and-set on the mailbox row (`slot_version`), so workers
racing for one mailbox never hand out the same capacity twice; the loser reads the row
again and takes the next slot. Rows are locked in one order everywhere: the lead (held by
the step activity), then its campaign (the rotation cursor), then the mailbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from outreach import schedule
from outreach.inbound.status import MailboxStatus
from outreach.mailboxes import capacity, rotation
from outreach.mailboxes.status import Rotation
from outreach.models import Campaign, Lead, Mailbox, Send
from outreach.sends.status import SendKind, SendStatus

CAS_ATTEMPTS = 20
# A lead whose mailbox cannot send looks again this often (a resume wakes it sooner).
UNAVAILABLE_RECHECK = timedelta(hours=6)

Jitter = Callable[[int], int]


@dataclass
class Pick:
    """Where a step leaves from: `mailbox` (None: the default relay), now or, when
    `wait_until` is set, at that reserved slot; or nowhere yet (`unavailable` says why)."""

    mailbox: Mailbox | None = None
    wait_until: datetime | None = None
    unavailable: str | None = None


def can_send(m: Mailbox) -> bool:
    return m.send_status == MailboxStatus.ACTIVE and bool(m.smtp_host)


def _not_sending(m: Mailbox) -> str:
    if not m.smtp_host:
        return f"mailbox {m.email or m.id} has no SMTP settings"
    return f"mailbox {m.email or m.id} is {m.send_status}: {m.status_reason or 'no reason given'}"


async def pick_mailbox(
    s: AsyncSession,
    lead: Lead,
    campaign: Campaign,
    position: int,
    now: datetime,
    *,
    forced: bool = False,
    jitter: Jitter | None = None,
) -> Pick:
    """The mailbox for the lead's step `position` and its slot. The caller holds the lead's
    row and commits (a reservation is kept on the lead: `mailbox_id`, `slot_at`,
    `slot_position`).

    A lead keeps the mailbox of its first email (the thread holds). One not started yet is
    handed to another of the campaign's mailboxes when its own was removed from the
    campaign or stopped sending. A forced step (send-next) goes at once, outside the gap
    and the limit."""
    ids = list(campaign.mailbox_ids or [])
    pinned = await _mailbox(s, lead.workspace_id, lead.mailbox_id) if lead.mailbox_id else None
    started = pinned is not None and lead.last_sent_at is not None and lead.current_step > 0
    if pinned is not None and (started or (pinned.id in ids and can_send(pinned))):
        if not can_send(pinned):
            return Pick(unavailable=_not_sending(pinned))
        if forced:
            return Pick(pinned)
        return await _slot_on(s, lead, campaign, pinned, position, now, jitter)
    if pinned is not None or lead.mailbox_id is not None:
        release(lead)  # not started: its mailbox left the campaign or stopped sending
        lead.mailbox_id = None
    if not ids:
        return Pick(None)  # no mailboxes: the default relay
    return await _choose(s, lead, campaign, ids, position, now, forced, jitter)


def release(lead: Lead) -> None:
    lead.slot_at = lead.slot_position = None


async def _mailbox(s: AsyncSession, workspace_id: str, mailbox_id: str) -> Mailbox | None:
    m = await s.get(Mailbox, mailbox_id, populate_existing=True)
    return m if m is not None and m.workspace_id == workspace_id else None


async def _choose(
    s: AsyncSession,
    lead: Lead,
    campaign: Campaign,
    ids: list[str],
    position: int,
    now: datetime,
    forced: bool,
    jitter: Jitter | None,
) -> Pick:
    cursor = await _turn(s, campaign)
    for _ in range(CAS_ATTEMPTS):
        rows = (
            await s.exec(
                select(Mailbox)
                .where(Mailbox.workspace_id == lead.workspace_id, col(Mailbox.id).in_(ids))
                .execution_options(populate_existing=True)
            )
        ).all()
        able = [m for m in rows if can_send(m)]
        if not able:
            why = "; ".join(_not_sending(m) for m in rows) or "its mailboxes were deleted"
            return Pick(unavailable=f"no mailbox of the campaign can send: {why}")
        window, tz = _window(campaign)
        slots = {
            m.id: capacity.next_slot(
                capacity.policy_of(m), capacity.slots_of(m), now, window=window, window_timezone=tz
            )
            for m in able
        }
        candidates = [
            rotation.Candidate(
                m.id,
                slot.at,
                due=slot.at - now <= capacity.DUE_TOLERANCE,
            )
            for m in able
            if (slot := slots[m.id]) is not None
        ]
        chosen = rotation.choose(candidates, ids, Rotation(campaign.rotation), cursor)
        if chosen is None:
            return Pick(unavailable="the campaign's mailboxes have no capacity left")
        mailbox = next(m for m in able if m.id == chosen[0].mailbox_id)
        await _set_turn(s, campaign, chosen[1])
        lead.mailbox_id = mailbox.id
        if forced:
            return Pick(mailbox)
        taken = await _take(s, mailbox, campaign, now, jitter, once=True)
        if taken is not None:
            return _reserved(lead, mailbox, position, taken, now)
    raise SlotContention("too many workers raced for the campaign's mailboxes")


async def _turn(s: AsyncSession, campaign: Campaign) -> int:
    """The campaign's rotation cursor, its row locked (a write that changes nothing) until
    the caller commits, so two picks never read the same turn."""
    await s.exec(
        update(Campaign)
        .where(col(Campaign.id) == campaign.id)
        .values(rotation_cursor=col(Campaign.rotation_cursor))
        .execution_options(synchronize_session=False)
    )
    return int(
        (await s.exec(select(Campaign.rotation_cursor).where(Campaign.id == campaign.id))).one()
    )


async def _set_turn(s: AsyncSession, campaign: Campaign, cursor: int) -> None:
    """The turn after the mailbox just chosen (not merely one on: `even` may have chosen a
    mailbox other than the cursor's)."""
    await s.exec(
        update(Campaign)
        .where(col(Campaign.id) == campaign.id)
        .values(rotation_cursor=cursor)
        .execution_options(synchronize_session=False)
    )


async def _slot_on(
    s: AsyncSession,
    lead: Lead,
    campaign: Campaign,
    mailbox: Mailbox,
    position: int,
    now: datetime,
    jitter: Jitter | None,
) -> Pick:
    if lead.slot_position == position and lead.slot_at is not None:
        return _reserved(lead, mailbox, position, lead.slot_at, now)  # taken earlier
    taken = await _take(s, mailbox, campaign, now, jitter)
    if taken is None:
        return Pick(unavailable=f"mailbox {mailbox.email or mailbox.id} has no capacity left")
    return _reserved(lead, mailbox, position, taken, now)


def _reserved(lead: Lead, mailbox: Mailbox, position: int, at: datetime, now: datetime) -> Pick:
    lead.mailbox_id, lead.slot_position, lead.slot_at = mailbox.id, position, at
    if at - now > capacity.DUE_TOLERANCE:
        return Pick(mailbox, wait_until=at)
    return Pick(mailbox)


async def _take(
    s: AsyncSession,
    mailbox: Mailbox,
    campaign: Campaign,
    now: datetime,
    jitter: Jitter | None,
    *,
    once: bool = False,
) -> datetime | None:
    """Take the mailbox's next slot (compare-and-set); its time, or None when the mailbox
    has no capacity. `once`: give up after one lost race (the caller chooses again)."""
    window, tz = _window(campaign)
    for _ in range(1 if once else CAS_ATTEMPTS):
        slot = capacity.next_slot(
            capacity.policy_of(mailbox),
            capacity.slots_of(mailbox),
            now,
            window=window,
            window_timezone=tz,
            jitter=jitter,
        )
        if slot is None:
            return None
        won = await s.exec(
            update(Mailbox)
            .where(col(Mailbox.id) == mailbox.id, col(Mailbox.slot_version) == mailbox.slot_version)
            .values(
                next_free_at=slot.next_free_at,
                slot_day=slot.day,
                slot_count=slot.count,
                slot_version=mailbox.slot_version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if won.rowcount == 1:
            mailbox.next_free_at, mailbox.slot_day = slot.next_free_at, slot.day
            mailbox.slot_count, mailbox.slot_version = slot.count, mailbox.slot_version + 1
            return slot.at
        await s.refresh(mailbox)  # another worker took one: read the row again
    if once:
        return None
    raise SlotContention(f"too many workers raced for mailbox {mailbox.id}")


class SlotContention(Exception):
    """The compare-and-set kept losing (retryable: the activity runs again)."""


def _window(campaign: Campaign) -> tuple[schedule.SendWindow | None, str]:
    window = schedule.SendWindow.from_dict(campaign.send_window) if campaign.send_window else None
    return window, campaign.timezone


# -- health and figures ----------------------------------------------------------------------


async def recent_bounces(s: AsyncSession, mailbox_id: str, window: int) -> tuple[int, int]:
    """(hard bounces, sends) among the mailbox's last `window` step sends that reached
    the server's answer."""
    recent = (
        select(Send.status)
        .where(
            Send.mailbox_id == mailbox_id,
            Send.kind == SendKind.STEP,
            col(Send.status).in_((SendStatus.SENT, SendStatus.BOUNCED, SendStatus.UNKNOWN)),
        )
        .order_by(col(Send.created_at).desc())
        .limit(window)
    )
    statuses = list((await s.exec(recent)).all())
    return sum(1 for x in statuses if x == SendStatus.BOUNCED), len(statuses)


def stop_sending(m: Mailbox, status: MailboxStatus, reason: str, error: str | None = None) -> bool:
    """Put the mailbox in `paused` or `error` with its reason; False when it already was
    (nothing to report)."""
    if m.send_status == status:
        return False
    m.send_status, m.status_reason = status, reason[:300]
    if error is not None:
        m.send_error = error[:1000]
    return True


async def sent_today(s: AsyncSession, mailboxes: list[Mailbox]) -> dict[str, int]:
    """Emails sent from each mailbox since the start of its current day (its zone): one
    grouped query per distinct day start (a page of mailboxes shares a zone or a few)."""
    out = {m.id: 0 for m in mailboxes}
    by_start: dict[datetime, list[str]] = {}
    for m in mailboxes:
        if m.smtp_host:
            zone = schedule.zone(m.timezone)
            start = datetime.combine(capacity.today(m.timezone), time(0), tzinfo=zone)
            by_start.setdefault(start, []).append(m.id)
    for start, ids in by_start.items():
        rows = (
            await s.exec(
                select(Send.mailbox_id, func.count())
                .where(
                    col(Send.mailbox_id).in_(ids),
                    col(Send.created_at) >= start,
                    col(Send.sent_at).is_not(None),
                )
                .group_by(col(Send.mailbox_id))
            )
        ).all()
        for mailbox_id, n in rows:
            out[str(mailbox_id)] = int(n)
    return out

"""`GET /campaigns/{id}/stats`: the campaign's counters (outreach/campaigns/counters.py)
arranged per step, per sending address and per day. Pure: the route reads, this arranges."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from outreach.campaigns.counters import Counter
from outreach.campaigns.schemas import (
    CampaignStatsOut,
    DayStats,
    Figures,
    MailboxStats,
    StepStats,
)
from outreach.leads.status import LeadStatus
from outreach.models import Step

MAX_DAYS = 366  # the longest range one call lists
DEFAULT_DAYS = 30  # the range when none is given: the last 30 days up to today (UTC)
FIGURES = ("sent", "bounced", "failed", "replied", "unsubscribed")


class RangeError(ValueError):
    pass


def day_range(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The days asked for: both given, one given (the other DEFAULT_DAYS away), or the last
    DEFAULT_DAYS up to today. RangeError when backwards or longer than MAX_DAYS."""
    span = timedelta(days=DEFAULT_DAYS - 1)
    if end is None:
        end = start + span if start is not None else today
    if start is None:
        start = end - span
    if start > end:
        raise RangeError("`from` is after `to`")
    if (end - start).days + 1 > MAX_DAYS:
        raise RangeError(f"a range lists at most {MAX_DAYS} days")
    return start, end


def _rate(part: int, sent: int) -> float | None:
    return round(part / sent, 4) if sent else None


def figures(items: Iterable[Counter]) -> dict[str, object]:
    """Sums of the figure metrics, replies by label, and the rates over `sent`."""
    totals = dict.fromkeys(FIGURES, 0)
    labels: dict[str, int] = {}
    for c in items:
        if c.metric in totals:
            totals[c.metric] += c.n
        elif c.metric.startswith("replied."):
            label = c.metric.removeprefix("replied.")
            labels[label] = labels.get(label, 0) + c.n
    sent = totals["sent"]
    return {
        **totals,
        "replied_by_label": dict(sorted(labels.items())),
        "reply_rate": _rate(totals["replied"], sent),
        "bounce_rate": _rate(totals["bounced"], sent),
        "unsubscribe_rate": _rate(totals["unsubscribed"], sent),
    }


def build(
    campaign_id: str,
    steps: list[Step],
    counts: list[Counter],
    per_day: dict[str, dict[str, int]],
    start: date,
    end: date,
) -> CampaignStatsOut:
    by_step: dict[int, list[Counter]] = {}
    by_sender: dict[str, list[Counter]] = {}
    leads: dict[str, int] = {status.value: 0 for status in LeadStatus}
    leads["total"] = 0
    for c in counts:
        if c.metric == "leads":
            leads["total"] += c.n
        elif c.metric.startswith("leads."):
            status = c.metric.removeprefix("leads.")
            leads[status] = leads.get(status, 0) + c.n
        else:
            by_step.setdefault(c.step, []).append(c)
            if c.sender:
                by_sender.setdefault(c.sender, []).append(c)
    known = {s.position: s for s in steps}
    step_rows = [
        StepStats(
            position=pos,
            step_id=known[pos].id if pos in known else None,
            channel=known[pos].channel if pos in known else None,
            **figures(by_step.get(pos, [])),
        )
        for pos in sorted(set(known) | {p for p in by_step if p > 0})
    ]
    answers = sum(c.n for c in counts if c.metric == "answer.sent")
    days = []
    day = start
    while day <= end:
        got = per_day.get(day.isoformat(), {})
        days.append(
            DayStats(
                day=day.isoformat(),
                leads=got.get("leads", 0),
                **{m: got.get(m, 0) for m in FIGURES},
            )
        )
        day += timedelta(days=1)
    return CampaignStatsOut(
        campaign_id=campaign_id,
        totals=Figures(**figures(counts)),
        answers_sent=answers,
        leads=leads,
        steps=step_rows,
        mailboxes=[
            MailboxStats(
                email=email,
                answers_sent=sum(c.n for c in items if c.metric == "answer.sent"),
                **figures(items),
            )
            for email, items in sorted(by_sender.items())
        ],
        days=days,
        range={"from": start.isoformat(), "to": end.isoformat()},
    )

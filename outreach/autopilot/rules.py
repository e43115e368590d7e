"""The autopilot's pure rules, shared by the API, the activities and the tests: settings
validation, which local day a moment is, the day's quota, the schedule's calendar."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio.client import ScheduleCalendarSpec, ScheduleRange

from outreach import schedule
from outreach.discovery import rules as discovery_rules

MAX_NEW_LEADS_PER_DAY = 500
_DAY_NUMBER = {d: (i + 1) % 7 for i, d in enumerate(schedule.DAYS)}  # Temporal: 0 = Sunday


class SettingsError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def normalise(raw: dict[str, Any]) -> dict[str, Any]:
    """The settings as stored and shown (camelCase, days as mon..sun in week order);
    SettingsError with a code when one is wrong."""
    time_text = raw.get("time", "")
    try:
        schedule.parse_hhmm(time_text)
    except ValueError as exc:
        raise SettingsError(f"autopilot.time: {exc}", "invalid_autopilot_time") from None
    days = raw.get("days") or []
    if not days:
        raise SettingsError(
            "autopilot.days must list at least one of mon..sun", "invalid_autopilot_days"
        )
    wanted = set()
    for d in days:
        if d.lower() not in schedule.DAYS:
            raise SettingsError(
                f"autopilot.days: '{d}' is not one of {', '.join(schedule.DAYS)}",
                "invalid_autopilot_days",
            )
        wanted.add(d.lower())
    per_day = raw.get("newLeadsPerDay", 0)
    if not 1 <= per_day <= MAX_NEW_LEADS_PER_DAY:
        raise SettingsError(
            f"autopilot.newLeadsPerDay must be 1..{MAX_NEW_LEADS_PER_DAY}",
            "invalid_autopilot_quota",
        )
    discovery = raw.get("discovery") or {}
    icp = (discovery.get("icp") or "").strip() or None
    domains: list[str] = []
    for d in discovery.get("domains") or []:
        # Discovery's own reading of a seed (`acme.com`, `https://acme.com/about`); the
        # address it names is checked by the SSRF guard at every fetch.
        try:
            site = discovery_rules.site_of(d, allow_private=True)
        except discovery_rules.InvalidDomain as exc:
            raise SettingsError(
                f"autopilot.discovery.domains: {exc}", "invalid_autopilot_domain"
            ) from None
        if site not in domains:
            domains.append(site)
    if raw.get("enabled") and not (icp or domains):
        raise SettingsError(
            "An enabled autopilot needs discovery.icp or discovery.domains: "
            "where would it find leads?",
            "autopilot_discovery_missing",
        )
    return {
        "enabled": bool(raw.get("enabled")),
        "time": time_text,
        "days": [d for d in schedule.DAYS if d in wanted],
        "newLeadsPerDay": per_day,
        "discovery": {"icp": icp, "domains": domains},
        "enrich": bool(raw.get("enrich")),
        "draftReplies": bool(raw.get("draftReplies")),
    }


def local_day(at: datetime, timezone: str) -> str:
    """The campaign-local date (YYYY-MM-DD) of a moment."""
    return at.astimezone(schedule.zone(timezone)).date().isoformat()


def quota_left(per_day: int, used: int) -> int:
    """Leads a run may still create today: the day's quota less what the day's other runs
    created (or, while they run, hold)."""
    return max(0, per_day - max(0, used))


def calendar(settings: dict[str, Any]) -> ScheduleCalendarSpec:
    """`time` on `days` (read in the schedule's time zone, the campaign's)."""
    t = schedule.parse_hhmm(settings["time"])
    return ScheduleCalendarSpec(
        hour=[ScheduleRange(t.hour)],
        minute=[ScheduleRange(t.minute)],
        second=[ScheduleRange(0)],
        day_of_week=[ScheduleRange(_DAY_NUMBER[d]) for d in settings["days"]],
        comment=f"autopilot at {settings['time']} on {','.join(settings['days'])}",
    )


def should_run(settings: dict[str, Any] | None, campaign_status: str) -> bool:
    """Whether the schedule runs (else it is paused): enabled, on an active campaign."""
    return bool(settings and settings.get("enabled")) and campaign_status == "active"

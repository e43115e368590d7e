"""Send-window and delay arithmetic. Pure and deterministic: workflows and tests import it.

All instants are aware UTC datetimes; local wall-clock rules use IANA zones (zoneinfo +
the tzdata package), so DST changes move the window with the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import isodate

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_DELAY = timedelta(days=366)
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class SendWindow:
    days: tuple[str, ...]
    start: time
    end: time  # exclusive; 24:00 is written "24:00" and stored as time.max

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> SendWindow | None:
        if raw is None:
            return None
        return cls(
            days=tuple(raw["days"]),
            start=parse_hhmm(raw["start"]),
            end=parse_hhmm(raw["end"], allow_24=True),
        )


def parse_hhmm(text: str, allow_24: bool = False) -> time:
    if allow_24 and text == "24:00":
        return time.max
    m = _HHMM.match(text)
    if not m:
        raise ValueError(f"'{text}' is not a time of day in HH:MM (24-hour) form")
    return time(int(m.group(1)), int(m.group(2)))


def zone(name: str) -> ZoneInfo:
    try:
        if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"'{name}' is not an IANA time zone (e.g. America/New_York)") from exc


def validate_window(raw: dict[str, Any]) -> dict[str, Any]:
    """Normalise a window dict; ValueError with a readable reason when it is wrong."""
    days = raw.get("days")
    if not isinstance(days, list) or not days:
        raise ValueError("sendWindow.days must be a non-empty list of mon..sun")
    norm_days = []
    for d in days:
        if not isinstance(d, str) or d.lower()[:3] not in DAYS:
            raise ValueError(f"sendWindow.days: '{d}' is not one of {', '.join(DAYS)}")
        if d.lower()[:3] not in norm_days:
            norm_days.append(d.lower()[:3])
    start, end = raw.get("start"), raw.get("end")
    if not isinstance(start, str) or not isinstance(end, str):
        raise ValueError("sendWindow.start and sendWindow.end are required, as HH:MM")
    if parse_hhmm(start) >= parse_hhmm(end, allow_24=True):
        raise ValueError("sendWindow.start must be before sendWindow.end")
    return {"days": sorted(norm_days, key=DAYS.index), "start": start, "end": end}


def parse_delay(text: str) -> isodate.Duration | timedelta:
    """An ISO 8601 duration ("P3D", "PT4H", "P1W", "P1M"); ValueError when invalid."""
    if not isinstance(text, str) or not text.startswith("P") or len(text) > 40:
        raise ValueError(f"'{text}' is not an ISO 8601 duration such as P3D or PT4H")
    try:
        value = isodate.parse_duration(text)
    except (isodate.ISO8601Error, ValueError) as exc:
        raise ValueError(f"'{text}' is not an ISO 8601 duration such as P3D or PT4H") from exc
    probe = datetime(2000, 1, 1, tzinfo=UTC)
    span = (probe + value) - probe
    if span < timedelta(0):
        raise ValueError(f"delay '{text}' is negative")
    if span > MAX_DELAY:
        raise ValueError(f"delay '{text}' is longer than a year")
    return value


def add_delay(base: datetime, delay: str, tz_name: str = "UTC") -> datetime:
    """`base` + an ISO 8601 duration. Years, months, weeks and days count on the calendar of
    the zone (P1D after 10:00 is 10:00 the next day, across a DST change too); hours,
    minutes and seconds count as elapsed time."""
    parse_delay(delay)  # validates
    date_part, _, time_part = delay.partition("T")
    calendar = isodate.parse_duration(date_part) if date_part != "P" else timedelta(0)
    elapsed = isodate.parse_duration("PT" + time_part) if time_part else timedelta(0)
    if isinstance(calendar, isodate.Duration):
        years, months, days = int(calendar.years), int(calendar.months), calendar.tdelta
    else:
        years, months, days = 0, 0, calendar
    tz = zone(tz_name)
    wall = base.astimezone(tz).replace(tzinfo=None)
    if years or months:
        wall = wall + isodate.Duration(years=years, months=months)
    wall = wall + days
    out: datetime = (wall.replace(tzinfo=tz).astimezone(UTC) + elapsed).astimezone(UTC)
    return out


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    if at == time.max:  # "24:00": midnight at the start of the next day
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    # A wall time skipped by a DST jump (02:30 on spring-forward day) resolves to the
    # instant it would have been with the old offset, i.e. just after the jump.
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def next_send_time(earliest: datetime, tz_name: str, window: SendWindow | None) -> datetime:
    """The first instant at or after `earliest` inside the sending window."""
    earliest = earliest.astimezone(UTC)
    if window is None:
        return earliest
    tz = zone(tz_name)
    local_day = earliest.astimezone(tz).date()
    for offset in range(-1, 9):
        day = local_day + timedelta(days=offset)
        if DAYS[day.weekday()] not in window.days:
            continue
        start, end = _local(day, window.start, tz), _local(day, window.end, tz)
        if earliest < end:
            return max(start, earliest)
    raise ValueError("send window has no days")  # validate_window prevents this


def window_close(instant: datetime, tz_name: str, window: SendWindow | None) -> datetime | None:
    """When the window that `instant` is in closes (None: no window, or not inside one)."""
    if window is None:
        return None
    tz = zone(tz_name)
    day = instant.astimezone(tz).date()
    for offset in (0, -1):  # a window ending at 24:00 belongs to the day before midnight
        d = day + timedelta(days=offset)
        if DAYS[d.weekday()] in window.days:
            start, end = _local(d, window.start, tz), _local(d, window.end, tz)
            if start <= instant < end:
                return end
    return None


def local_day(instant: datetime, tz_name: str) -> str:
    """The calendar day (YYYY-MM-DD) of `instant` in a zone: the daily cap's bucket."""
    return instant.astimezone(zone(tz_name)).date().isoformat()


def start_of_next_day(instant: datetime, tz_name: str) -> datetime:
    tz = zone(tz_name)
    day = instant.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)

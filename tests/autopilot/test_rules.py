"""The autopilot's pure rules: the campaign-local day, the quota arithmetic, the calendar."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from outreach.autopilot import rules


def test_the_day_is_the_campaigns_local_date() -> None:
    at = datetime(2026, 12, 3, 22, 30, tzinfo=UTC)
    assert rules.local_day(at, "UTC") == "2026-12-03"
    assert rules.local_day(at, "Pacific/Auckland") == "2026-12-04"  # already tomorrow there
    assert rules.local_day(at, "America/Los_Angeles") == "2026-12-03"


@pytest.mark.parametrize(
    ("per_day", "used", "left"), [(10, 0, 10), (10, 4, 6), (10, 10, 0), (10, 12, 0), (3, -1, 3)]
)
def test_the_quota_left_is_never_negative(per_day: int, used: int, left: int) -> None:
    assert rules.quota_left(per_day, used) == left


def test_the_calendar_is_the_time_on_the_days_with_sunday_as_zero() -> None:
    cal = rules.calendar({"time": "18:05", "days": ["mon", "sat", "sun"]})
    assert [r.start for r in cal.hour] == [18] and [r.start for r in cal.minute] == [5]
    assert [r.start for r in cal.second] == [0]
    assert sorted(r.start for r in cal.day_of_week) == [0, 1, 6]


def test_it_runs_only_enabled_on_an_active_campaign() -> None:
    assert rules.should_run({"enabled": True}, "active")
    assert not rules.should_run({"enabled": True}, "paused")
    assert not rules.should_run({"enabled": False}, "active")
    assert not rules.should_run(None, "active")

"""The sliding-window decision, on a controlled clock: the boundaries of each window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from outreach.ratelimit.limits import (
    CONTRACT,
    Limits,
    RateAction,
    Window,
    check_overrides,
    decide,
    limits_for,
)

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_contract_table_word_for_word() -> None:
    assert {
        RateAction.DISCOVERY: Limits(3, 15, 50),
        RateAction.LEAD_ENRICHMENT: Limits(30, 200, 1000),
        RateAction.REPLY_DRAFT: Limits(10, 60, 200),
        RateAction.TOUCH_REGENERATE: Limits(10, 60, 200),
        RateAction.AUTOPILOT_RUN: Limits(2, 10, 50),
    } == CONTRACT


def test_minute_window_boundary() -> None:
    limits = Limits(2, 10, 50)
    hits = [T0, T0 + timedelta(seconds=10)]
    refused = decide(limits, hits, T0 + timedelta(seconds=59))
    assert not refused.allowed
    assert (refused.window, refused.limit, refused.remaining) == (Window.MINUTE, 2, 0)
    assert refused.retry_after == 1  # the first hit leaves the window at T0 + 60 s
    # Exactly one minute after the first hit it no longer counts: (now - 1 min, now].
    assert decide(limits, hits, T0 + timedelta(seconds=60)).allowed


def test_retry_after_is_when_the_oldest_needed_hit_ages_out() -> None:
    limits = Limits(3, 15, 50)
    hits = [T0, T0 + timedelta(seconds=20), T0 + timedelta(seconds=40)]
    v = decide(limits, hits, T0 + timedelta(seconds=45))
    assert (v.allowed, v.window, v.retry_after) == (False, Window.MINUTE, 15)
    assert v.headers() == {
        "Retry-After": "15",
        "X-RateLimit-Limit": "3",
        "X-RateLimit-Window": "minute",
        "X-RateLimit-Remaining": "0",
    }


def test_hour_window_refuses_after_the_minute_frees() -> None:
    limits = Limits(2, 3, 50)
    hits = [T0, T0 + timedelta(minutes=5), T0 + timedelta(minutes=10)]
    v = decide(limits, hits, T0 + timedelta(minutes=30))
    assert (v.allowed, v.window, v.limit) == (False, Window.HOUR, 3)
    assert v.retry_after == 30 * 60  # T0 + 1 h
    assert decide(limits, hits, T0 + timedelta(hours=1)).allowed


def test_day_window_and_the_window_that_frees_last_is_named() -> None:
    limits = Limits(2, 10, 3)
    hits = [T0, T0 + timedelta(hours=5), T0 + timedelta(hours=23, minutes=59, seconds=30)]
    now = T0 + timedelta(hours=23, minutes=59, seconds=45)
    v = decide(limits, hits, now)
    # Both the day (frees at T0 + 24 h) refuses; the minute has one hit: it would admit.
    assert (v.allowed, v.window, v.limit, v.retry_after) == (False, Window.DAY, 3, 15)
    assert decide(limits, hits, T0 + timedelta(days=1)).allowed


def test_admitted_headers_name_the_tightest_window() -> None:
    limits = Limits(10, 60, 200)
    # 55 calls over the last hour, none in the last minute: the hour has 4 left after this.
    hits = [T0 + timedelta(minutes=i) for i in range(55)]
    v = decide(limits, hits, T0 + timedelta(minutes=56))
    assert v.allowed
    assert (v.window, v.limit, v.remaining) == (Window.HOUR, 60, 4)
    assert "Retry-After" not in v.headers()
    fresh = decide(limits, [], T0)
    assert (fresh.window, fresh.limit, fresh.remaining) == (Window.MINUTE, 10, 9)


def test_zero_limit_refuses_for_a_whole_window() -> None:
    v = decide(Limits(0, 10, 10), [], T0)
    assert (v.allowed, v.window, v.retry_after) == (False, Window.MINUTE, 60)


def test_plan_overrides() -> None:
    overrides = {"business": {"reply_draft": [20, 120, 400]}}
    assert limits_for(RateAction.REPLY_DRAFT, "business", overrides) == Limits(20, 120, 400)
    assert limits_for(RateAction.REPLY_DRAFT, "pro", overrides) == CONTRACT[RateAction.REPLY_DRAFT]
    assert limits_for(RateAction.DISCOVERY, "business", overrides) == Limits(3, 15, 50)
    check_overrides(overrides)
    with pytest.raises(ValueError, match="unknown action"):
        check_overrides({"pro": {"replies": [1, 2, 3]}})
    with pytest.raises(ValueError, match="three whole numbers"):
        check_overrides({"pro": {"reply_draft": [1, 2]}})


def test_when_two_windows_refuse_the_one_that_frees_last_is_named() -> None:
    limits = Limits(2, 3, 50)
    # Three calls in the last hour, the last two in the last minute: both windows refuse.
    hits = [T0, T0 + timedelta(minutes=50), T0 + timedelta(minutes=50, seconds=30)]
    v = decide(limits, hits, T0 + timedelta(minutes=50, seconds=40))
    # The minute frees at 50:60 (20 s), the hour only at 60:00 (9 min 20 s): wait for that.
    assert (v.allowed, v.window, v.limit, v.retry_after) == (False, Window.HOUR, 3, 560)


def test_overrides_refuse_booleans() -> None:
    with pytest.raises(ValueError, match="three whole numbers"):
        check_overrides({"pro": {"reply_draft": [True, 2, 3]}})

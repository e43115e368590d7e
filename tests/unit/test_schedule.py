"""Send-window and delay arithmetic (pure functions)."""

from datetime import UTC, datetime

import pytest

from outreach.schedule import (
    SendWindow,
    add_delay,
    local_day,
    next_send_time,
    parse_delay,
    start_of_next_day,
    validate_window,
)

NY = "America/New_York"
WEEKDAYS = SendWindow.from_dict(
    {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}
)


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (utc(2026, 12, 2, 15, 0), utc(2026, 12, 2, 15, 0)),  # Wed 10:00 EST: open
        (utc(2026, 12, 2, 13, 59), utc(2026, 12, 2, 14, 0)),  # Wed 08:59 EST -> 09:00
        (utc(2026, 12, 2, 22, 0), utc(2026, 12, 3, 14, 0)),  # Wed 17:00 (end is exclusive)
        (utc(2026, 12, 4, 21, 59), utc(2026, 12, 4, 21, 59)),  # Fri 16:59 still open
        (utc(2026, 12, 5, 15, 0), utc(2026, 12, 7, 14, 0)),  # Saturday -> Monday 09:00
        (utc(2026, 12, 3, 3, 0), utc(2026, 12, 3, 14, 0)),  # Wed 22:00 EST -> Thu 09:00
    ],
)
def test_next_send_time_in_new_york(instant, expected):
    assert next_send_time(instant, NY, WEEKDAYS) == expected


def test_no_window_means_any_time():
    t = utc(2026, 12, 5, 3, 0)
    assert next_send_time(t, NY, None) == t


def test_window_follows_dst():
    # Monday after spring-forward (2027-03-14): 09:00 EDT is 13:00 UTC.
    assert next_send_time(utc(2027, 3, 13, 12, 0), NY, WEEKDAYS) == utc(2027, 3, 15, 13, 0)
    # Monday after fall-back (2027-11-07): 09:00 EST is 14:00 UTC.
    assert next_send_time(utc(2027, 11, 6, 12, 0), NY, WEEKDAYS) == utc(2027, 11, 8, 14, 0)


def test_calendar_days_keep_the_wall_clock_across_dst():
    fri_10_est = utc(2027, 3, 12, 15, 0)
    assert add_delay(fri_10_est, "P3D", NY) == utc(2027, 3, 15, 14, 0)  # Mon 10:00 EDT
    assert add_delay(fri_10_est, "PT72H", NY) == utc(2027, 3, 15, 15, 0)  # elapsed hours
    assert add_delay(fri_10_est, "P1W", NY) == utc(2027, 3, 19, 14, 0)
    assert add_delay(fri_10_est, "P1M", NY) == utc(2027, 4, 12, 14, 0)
    assert add_delay(fri_10_est, "P1DT2H", NY) == utc(2027, 3, 13, 17, 0)
    assert add_delay(fri_10_est, "P0D", NY) == fri_10_est


@pytest.mark.parametrize("bad", ["3D", "P", "P-1D", "PXD", "P2Y", "", "P1D;DROP", "T1H"])
def test_invalid_delays(bad):
    with pytest.raises(ValueError):
        parse_delay(bad)


def test_window_validation():
    assert validate_window(
        {"days": ["Mon", "tuesday", "mon"], "start": "09:00", "end": "24:00"}
    ) == {"days": ["mon", "tue"], "start": "09:00", "end": "24:00"}
    for bad in (
        {"days": [], "start": "09:00", "end": "17:00"},
        {"days": ["mon"], "start": "17:00", "end": "09:00"},
        {"days": ["mon"], "start": "9am", "end": "17:00"},
        {"days": ["funday"], "start": "09:00", "end": "17:00"},
    ):
        with pytest.raises(ValueError):
            validate_window(bad)


def test_daily_cap_buckets_follow_the_campaign_zone():
    late_evening_ny = utc(2026, 12, 3, 4, 30)  # Dec 2 23:30 in New York
    assert local_day(late_evening_ny, NY) == "2026-12-02"
    assert local_day(late_evening_ny, "UTC") == "2026-12-03"
    assert start_of_next_day(late_evening_ny, NY) == utc(2026, 12, 3, 5, 0)


def test_window_close():
    from outreach.schedule import window_close

    wed_10 = utc(2026, 12, 2, 15, 0)  # Wed 10:00 EST
    assert window_close(wed_10, NY, WEEKDAYS) == utc(2026, 12, 2, 22, 0)
    assert window_close(utc(2026, 12, 5, 15, 0), NY, WEEKDAYS) is None  # Saturday
    assert window_close(wed_10, NY, None) is None

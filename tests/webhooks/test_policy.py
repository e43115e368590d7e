"""What each answer of a receiver means, and the retry schedule (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from outreach.webhooks import policy
from outreach.webhooks.policy import DELIVERED, FAILED, RETRY, RETRYING

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, DELIVERED),
        (201, DELIVERED),
        (202, DELIVERED),
        (204, DELIVERED),
        (299, DELIVERED),
        (408, RETRY),
        (429, RETRY),
        (500, RETRY),
        (502, RETRY),
        (503, RETRY),
        (504, RETRY),
        (599, RETRY),
        (100, FAILED),
        (301, FAILED),
        (302, FAILED),
        (304, FAILED),
        (307, FAILED),
        (308, FAILED),
        (400, FAILED),
        (401, FAILED),
        (403, FAILED),
        (404, FAILED),
        (405, FAILED),
        (409, FAILED),
        (410, FAILED),
        (413, FAILED),
        (422, FAILED),
        (600, FAILED),
    ],
)
def test_each_status_code_has_its_documented_outcome(status: int, outcome: str) -> None:
    assert policy.judge_status(status) == outcome


def test_redirects_are_reported_with_their_target_and_not_followed() -> None:
    outcome, error, _ = policy.judge_response(301, {"location": "https://elsewhere.test/"}, NOW)
    assert outcome == FAILED
    assert error == "HTTP 301: redirect to https://elsewhere.test/ not followed"


def test_410_explains_that_the_endpoint_is_disabled() -> None:
    outcome, error, _ = policy.judge_response(410, {}, NOW)
    assert outcome == FAILED and "disabled" in (error or "")


@pytest.mark.parametrize(
    ("status", "header", "seconds"),
    [
        (429, "120", 120),
        (503, "7200", 7200),
        (429, "Fri, 01 May 2026 13:00:00 GMT", 3600),
        (429, "Fri, 01 May 2026 11:00:00 GMT", 0),  # in the past
        (429, "soon", None),
        (429, "", None),
        (500, "3600", None),  # only 429 and 503 carry a meaningful Retry-After
    ],
)
def test_retry_after_is_read_on_429_and_503(status: int, header: str, seconds: int | None):
    _, _, retry_after = policy.judge_response(status, {"retry-after": header}, NOW)
    assert retry_after == seconds


def test_the_schedule_is_5_minutes_30_minutes_2_hours_then_failed() -> None:
    assert policy.after_attempt(RETRY, 1) == (RETRYING, timedelta(minutes=5))
    assert policy.after_attempt(RETRY, 2) == (RETRYING, timedelta(minutes=30))
    assert policy.after_attempt(RETRY, 3) == (RETRYING, timedelta(hours=2))
    assert policy.after_attempt(RETRY, 4) == (FAILED, None)
    assert policy.after_attempt(DELIVERED, 2) == (DELIVERED, None)
    assert policy.after_attempt(FAILED, 1) == (FAILED, None)


def test_retry_after_only_ever_lengthens_the_wait_and_is_capped_at_a_day() -> None:
    assert policy.next_delay(1, 60) == timedelta(minutes=5)
    assert policy.next_delay(1, 3600) == timedelta(hours=1)
    assert policy.next_delay(3, 3 * 86400) == timedelta(hours=24)
    assert policy.next_delay(4, 3600) is None

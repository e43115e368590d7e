"""Sending-mailbox decisions without a database: slots (limit, ramp, gap, window, the
mailbox's day), rotation and the bounce-rate rule, and how the lead planner waits for a
reserved slot."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from outreach import schedule
from outreach.campaigns.status import CampaignStatus
from outreach.contracts import LeadState, Plan, StepPlan, StepResult
from outreach.leads import planner
from outreach.leads.planner import WaitReason, WaitUntil
from outreach.leads.status import LeadStatus
from outreach.mailboxes.capacity import Policy, Ramp, Slots, limit_on, next_slot
from outreach.mailboxes.health import BounceRule, over_bounce_threshold
from outreach.mailboxes.rotation import Candidate, choose
from outreach.mailboxes.status import Rotation
from outreach.sends.status import StepOutcome

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def take(policy: Policy, n: int, now: datetime = T0, **kw: object) -> list[datetime]:
    """Hand out n slots in a row, as the store does (each after the previous)."""
    slots, out = Slots(), []
    for _ in range(n):
        slot = next_slot(policy, slots, now, **kw)  # type: ignore[arg-type]
        assert slot is not None
        out.append(slot.at)
        slots = Slots(slot.next_free_at, slot.day, slot.count)
    return out


def test_slots_keep_the_minimum_gap_and_the_daily_limit() -> None:
    got = take(Policy(daily_limit=3, min_gap_seconds=120), 5)
    assert got[:3] == [T0, T0 + timedelta(minutes=2), T0 + timedelta(minutes=4)]
    # the 4th and 5th go the next day, from midnight (the mailbox's zone)
    assert got[3] == datetime(2026, 3, 3, tzinfo=UTC)
    assert got[4] == got[3] + timedelta(minutes=2)


def test_jitter_only_lengthens_the_gap_and_by_at_most_a_fifth() -> None:
    got = take(Policy(daily_limit=100, min_gap_seconds=100), 20, jitter=lambda n: n)
    gaps = {(b - a).total_seconds() for a, b in zip(got, got[1:], strict=False)}
    assert gaps == {120.0}


def test_the_day_is_the_mailboxs_own() -> None:
    # 23:30 UTC is already the next day in Tokyo: the limit counts from Tokyo's midnight.
    policy = Policy(daily_limit=1, min_gap_seconds=0, timezone="Asia/Tokyo")
    late = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)  # 23:30 in Tokyo
    first, second = take(policy, 2, now=late)
    assert first == late
    assert second == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # Tokyo midnight


def test_slots_stay_inside_the_campaigns_window() -> None:
    window = schedule.SendWindow.from_dict({"days": ["mon"], "start": "09:00", "end": "09:05"})
    got = take(Policy(daily_limit=50, min_gap_seconds=120), 4, window=window)
    assert got[:3] == [T0, T0 + timedelta(minutes=2), T0 + timedelta(minutes=4)]
    assert got[3] == T0 + timedelta(days=7)  # next Monday 09:00


def test_the_ramp_grows_day_by_day_up_to_the_limit() -> None:
    policy = Policy(10, 0, ramp=Ramp(start=2, increase=3), ramp_from=date(2026, 3, 2))
    assert [limit_on(policy, date(2026, 3, d)) for d in range(2, 7)] == [2, 5, 8, 10, 10]
    per_day: dict[str, int] = {}
    for at in take(policy, 2 + 5 + 8 + 1):
        per_day[at.date().isoformat()] = per_day.get(at.date().isoformat(), 0) + 1
    assert per_day == {"2026-03-02": 2, "2026-03-03": 5, "2026-03-04": 8, "2026-03-05": 1}


def test_a_mailbox_with_no_capacity_gives_no_slot() -> None:
    assert next_slot(Policy(daily_limit=0, min_gap_seconds=0), Slots(), T0) is None


def test_even_rotation_takes_the_earliest_free_slot_and_round_robin_the_order() -> None:
    order = ["a", "b", "c"]
    cands = [Candidate("a", T0 + timedelta(minutes=5)), Candidate("b", T0), Candidate("c", T0)]
    assert choose(cands, order, Rotation.EVEN, 0) == (cands[1], 2)
    assert choose(cands, order, Rotation.EVEN, 2) == (cands[2], 0)  # a tie: after the cursor
    assert choose(cands, order, Rotation.ROUND_ROBIN, 0) == (cands[0], 1)
    only_c = [Candidate("c", T0)]  # a and b cannot send
    assert choose(only_c, order, Rotation.ROUND_ROBIN, 0) == (only_c[0], 0)
    assert choose([], order, Rotation.EVEN, 0) is None


def test_even_rotation_uses_the_mailboxes_free_now_in_turn() -> None:
    order = ["a", "b", "c"]
    # All free now (slots within the tolerance): the turn decides, whatever the instants.
    cands = [
        Candidate("a", T0, due=True),
        Candidate("b", T0 + timedelta(seconds=1), due=True),
        Candidate("c", T0 - timedelta(seconds=1), due=True),
    ]
    picked, cursor = [], 0
    for _ in range(6):
        chosen, cursor = choose(cands, order, Rotation.EVEN, cursor)
        picked.append(chosen.mailbox_id)
    assert picked == ["a", "b", "c", "a", "b", "c"]
    # One free now beats an earlier-listed one whose slot is later.
    later = [Candidate("a", T0 + timedelta(minutes=2)), Candidate("b", T0, due=True)]
    assert choose(later, order, Rotation.EVEN, 0)[0].mailbox_id == "b"


def test_the_bounce_rule_needs_a_share_of_the_full_window() -> None:
    rule = BounceRule(threshold=0.05, window=50)
    assert not over_bounce_threshold(1, 1, rule)  # one early bounce never pauses
    assert not over_bounce_threshold(2, 10, rule)  # 2 of 50 = 4 %
    assert over_bounce_threshold(3, 10, rule)  # 3 of 50 = 6 %
    assert not over_bounce_threshold(5, 200, BounceRule(0.05, 200))  # 2.5 %
    assert over_bounce_threshold(3, 50, rule)


def _plan() -> Plan:
    return Plan(
        lead_status=LeadStatus.QUEUED,
        campaign_status=CampaignStatus.ACTIVE,
        timezone="UTC",
        window=None,
        steps=[StepPlan(position=1, delay="P0D", channel="email")],
    )


def test_a_lead_given_a_later_slot_sleeps_until_it_to_the_second() -> None:
    state = LeadState(base_at=T0)
    slot = T0 + timedelta(minutes=17, seconds=3)
    result = StepResult(
        StepOutcome.MAILBOX_SLOT, lead_status=LeadStatus.QUEUED, position=1, retry_at=slot
    )
    after = planner.after_step(state, _plan().steps[0], result, T0)
    decision, _ = planner.next_move(
        after.state, _plan(), planner.Asks(), T0, jitter_seconds=300, rand=lambda a, b: b
    )
    assert decision == WaitUntil(slot, WaitReason.MAILBOX_SLOT)  # no jitter added


def test_a_lead_whose_mailbox_is_paused_waits_with_that_reason_until_woken() -> None:
    state = LeadState(base_at=T0)
    later = T0 + timedelta(hours=6)
    result = StepResult(
        StepOutcome.MAILBOX_UNAVAILABLE, lead_status=LeadStatus.QUEUED, position=1, retry_at=later
    )
    after = planner.after_step(state, _plan().steps[0], result, T0)
    decision, _ = planner.next_move(after.state, _plan(), planner.Asks(), T0)
    assert isinstance(decision, WaitUntil) and decision.reason == WaitReason.MAILBOX_PAUSED
    # a campaign change (a resume wakes the campaign's leads) re-decides at once
    reloaded = planner.forget_send_time(after.state)
    decision, _ = planner.next_move(reloaded, _plan(), planner.Asks(), T0)
    assert isinstance(decision, planner.Perform)

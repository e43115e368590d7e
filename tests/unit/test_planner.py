"""The lead planner without Temporal, a database or SMTP: the same scenarios the
time-skipping workflow tests run, decided by `outreach.leads.planner` alone.

`simulate` plays the workflow's part: it asks the planner, moves a clock to the end of each
wait (or to the next event a scenario injects), and answers each performed step the way
the step activity would (sent; or the daily cap spent)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from outreach.contracts import LeadState, Plan, StepPlan, StepResult
from outreach.leads import planner
from outreach.leads.planner import (
    Asks,
    ContinueAsNew,
    Ending,
    Finish,
    Perform,
    ReloadPlan,
    Replan,
    SetPaused,
    Settle,
    WaitForCampaign,
    WaitForResume,
    WaitUntil,
)
from outreach.leads.status import LeadStatus, can_end, stronger
from outreach.sends.status import StepOutcome

NY = ZoneInfo("America/New_York")
WEEKDAYS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}


def plan(*delays: str, tz: str = "UTC", window: dict | None = None, **kw: object) -> Plan:
    channels = kw.pop("channels", None) or ["email"] * len(delays)
    return Plan(
        lead_status=LeadStatus(kw.pop("lead_status", LeadStatus.QUEUED)),
        campaign_status=kw.pop("campaign_status", "active"),  # type: ignore[arg-type]
        timezone=tz,
        window=window,
        steps=[
            StepPlan(position=i, channel=c, delay=d)
            for i, (c, d) in enumerate(zip(channels, delays, strict=True), start=1)
        ],
    )


def sent(step: StepPlan, status: LeadStatus, last: int) -> StepResult:
    done = step.position >= last
    return StepResult(
        StepOutcome.SENT,
        lead_status=LeadStatus.COMPLETED if done else LeadStatus.ACTIVE,
        position=step.position,
        completed=done,
    )


@dataclass
class Sim:
    """A lead followed through the planner; `events` are (instant, what arrives)."""

    plan: Plan
    start: datetime
    jitter: int = 0
    cap: int | None = None  # sends per local day of the plan's zone, across `shared`
    shared: dict[str, int] = field(default_factory=dict)
    events: list[tuple[datetime, Callable[[Sim], None]]] = field(default_factory=list)
    seed: int = 7
    # what happened
    sends: list[tuple[int, datetime, bool]] = field(default_factory=list)  # (step, at, forced)
    decisions: list[object] = field(default_factory=list)
    status: str | None = None
    # what the workflow keeps
    asks: Asks = field(default_factory=Asks)
    state: LeadState = field(default_factory=LeadState)

    def run(self, limit: int = 200) -> Sim:
        rng = random.Random(self.seed)
        now = self.start
        self.state = replace(self.state, base_at=now)
        events = sorted(self.events, key=lambda e: e[0])
        for _ in range(limit):
            while events and events[0][0] <= now:
                events.pop(0)[1](self)
            decision, self.state = planner.next_move(
                self.state, self.plan, self.asks, now, jitter_seconds=self.jitter, rand=rng.randint
            )
            self.decisions.append(decision)
            match decision:
                case Finish(ending=ending):
                    self.status = ending.status
                    return self
                case Settle(status=status):
                    self.status = status
                    return self
                case ContinueAsNew():
                    self.asks = replace(self.asks, continue_as_new=False)
                case SetPaused(paused=paused):
                    self.state = replace(planner.forget_send_time(self.state), paused=paused)
                case ReloadPlan():
                    self.asks = replace(self.asks, plan_changed=False, replan=False)
                    self.state = planner.forget_send_time(self.state)
                case Replan():
                    self.asks = replace(self.asks, replan=False)
                    self.state = planner.forget_send_time(self.state)
                case WaitForResume() | WaitForCampaign():
                    recheck = decision.recheck if isinstance(decision, WaitForCampaign) else None
                    if not events and recheck is None:
                        self.status = "waiting"
                        return self
                    nxt = events[0][0] if events else now + recheck  # type: ignore[operator]
                    if recheck is not None and now + recheck < nxt:
                        nxt = now + recheck
                    now = nxt
                    if isinstance(decision, WaitForCampaign):
                        self.asks = replace(self.asks, plan_changed=True)
                case WaitUntil(at=at):
                    now = min(at, events[0][0]) if events else at
                case Perform(step=step, forced=forced):
                    result = self._perform(step, forced, now)
                    if forced:
                        self.asks = replace(self.asks, forced=False)
                    after = planner.after_step(self.state, step, result, now)
                    self.state = after.state
                    if after.show:
                        self.state = replace(self.state, status=LeadStatus(after.show))
                    if after.over:
                        self.status = after.show
                        return self
        raise AssertionError("the lead did not settle")

    def _perform(self, step: StepPlan, forced: bool, now: datetime) -> StepResult:
        if self.cap is not None and not forced:
            from outreach import schedule

            day = schedule.local_day(now, self.plan.timezone)
            if self.shared.get(day, 0) >= self.cap:
                return StepResult(
                    StepOutcome.CAP_REACHED,
                    lead_status=self.state.status,
                    position=step.position,
                    retry_at=schedule.start_of_next_day(now, self.plan.timezone),
                )
            self.shared[day] = self.shared.get(day, 0) + 1
        self.sends.append((step.position, now, forced))
        return sent(step, self.state.status, len(self.plan.steps))

    def at(self, instant: datetime, what: Callable[[Sim], None]) -> Sim:
        self.events.append((instant, what))
        return self


def ask(**kw: object) -> Callable[[Sim], None]:
    def apply(sim: Sim) -> None:
        if "ending" in kw:
            sim.asks = replace(sim.asks, ending=planner.strongest(sim.asks.ending, kw["ending"]))  # type: ignore[arg-type]
        rest = {k: v for k, v in kw.items() if k != "ending"}
        sim.asks = replace(sim.asks, **rest)  # type: ignore[arg-type]

    return apply


def edit(**plan_kw: object) -> Callable[[Sim], None]:
    def apply(sim: Sim) -> None:
        sim.plan = replace(sim.plan, **plan_kw)  # type: ignore[arg-type]
        sim.asks = replace(sim.asks, plan_changed=True)

    return apply


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY).astimezone(UTC)


# -- timing ----------------------------------------------------------------------------------


def test_four_steps_over_ten_days_inside_a_new_york_weekday_window() -> None:
    friday = ny(2026, 12, 4, 16, 30)
    sim = Sim(plan("P0D", "PT1H", "P2D", "P5DT9H", tz="America/New_York", window=WEEKDAYS), friday)
    sim.run()
    assert sim.status == LeadStatus.COMPLETED
    assert [at for _, at, _ in sim.sends] == [
        friday,
        ny(2026, 12, 7, 9, 0),  # Fri 17:30 is closed -> Mon 09:00
        ny(2026, 12, 9, 9, 0),  # + 2 days
        ny(2026, 12, 15, 9, 0),  # + 5d9h = Mon 18:00, closed -> Tue 09:00
    ]
    assert WaitUntil(ny(2026, 12, 7, 9, 0), "window") in sim.decisions
    assert WaitUntil(ny(2026, 12, 9, 9, 0), "delay") in sim.decisions


def test_the_dst_week_keeps_the_local_window_and_the_wall_clock() -> None:
    start = utc(2027, 3, 12, 21, 0)  # Friday 16:00 EST, two days before DST starts
    sim = Sim(plan("P0D", "P1D", "P1D", tz="America/New_York", window=WEEKDAYS), start).run()
    assert [at for _, at, _ in sim.sends] == [
        start,
        utc(2027, 3, 15, 13, 0),  # Monday 09:00 EDT is 13:00 UTC, not 14:00
        utc(2027, 3, 16, 13, 0),  # P1D keeps the wall-clock time
    ]


def test_calendar_days_and_elapsed_hours_across_the_dst_change() -> None:
    start = ny(2027, 3, 13, 10, 0)  # Saturday 10:00 EST
    sim = Sim(plan("P0D", "P1D", "PT24H", tz="America/New_York"), start).run()
    assert [at for _, at, _ in sim.sends] == [
        start,
        ny(2027, 3, 14, 10, 0),  # a calendar day: 10:00 EDT (23 hours later)
        ny(2027, 3, 15, 10, 0),  # 24 elapsed hours
    ]
    assert sim.sends[1][1] - sim.sends[0][1] == timedelta(hours=23)


def test_the_lead_time_zone_is_the_plans_zone() -> None:
    # A lead in Tokyo: the window opens 09:00 Tokyo time.
    start = utc(2026, 12, 7, 3, 0)  # Monday 12:00 in Tokyo, inside the window
    sim = Sim(plan("P0D", "P1D", tz="Asia/Tokyo", window=WEEKDAYS), start).run()
    assert [at for _, at, _ in sim.sends] == [start, utc(2026, 12, 8, 3, 0)]


def test_a_daily_cap_of_two_spreads_five_leads_over_three_days() -> None:
    monday = ny(2026, 12, 7, 10, 0)
    shared: dict[str, int] = {}
    sims = [
        Sim(plan("P0D", tz="America/New_York", window=WEEKDAYS), monday, cap=2, shared=shared).run()
        for _ in range(5)
    ]
    days = sorted(s.sends[0][1].astimezone(NY).date().day for s in sims)
    assert days == [7, 7, 8, 8, 9]
    later = [s.sends[0][1] for s in sims if s.sends[0][1].astimezone(NY).day != 7]
    assert all(at.astimezone(NY).hour == 9 and at.minute == 0 for at in later)  # window opens
    assert all(
        isinstance(s.decisions[1], WaitUntil) and s.decisions[1].reason == "daily_cap"
        for s in sims[2:]
    )


def test_leads_held_by_the_cap_spread_out_after_midnight() -> None:
    start = utc(2026, 12, 7, 12, 0)
    shared: dict[str, int] = {}
    sims = [
        Sim(plan("P0D"), start, jitter=600, cap=1, shared=shared, seed=i).run() for i in range(4)
    ]
    ats = sorted(s.sends[0][1] for s in sims)
    assert len({a.date() for a in ats}) == 4  # one a day
    offsets = [a - a.replace(hour=0, minute=0, second=0, microsecond=0) for a in ats[1:]]
    assert all(timedelta(0) <= o <= timedelta(seconds=600) for o in offsets)
    assert any(o > timedelta(seconds=5) for o in offsets)


def test_jitter_stays_inside_the_window() -> None:
    # Resumed at 16:59:30: the window closes at 17:00, so the spread is at most 29 s.
    start = ny(2026, 12, 7, 9, 0)
    p = plan("P0D", "P1D", tz="America/New_York", window=WEEKDAYS)
    state = LeadState(position=1, base_at=start - timedelta(days=3), status=LeadStatus.ACTIVE)
    now = ny(2026, 12, 7, 16, 59, 30)
    for seed in range(20):
        rng = random.Random(seed)
        decision, _ = planner.next_move(
            state, p, Asks(), now, jitter_seconds=3600, rand=rng.randint
        )
        assert isinstance(decision, (Perform, WaitUntil))
        if isinstance(decision, WaitUntil):
            assert decision.at < ny(2026, 12, 7, 17, 0)


def test_a_decided_send_time_is_kept_on_later_turns() -> None:
    p = plan("P0D", "P2D")
    base = utc(2026, 12, 7, 10, 0)
    state = LeadState(position=1, base_at=base, status=LeadStatus.ACTIVE)
    first, state = planner.next_move(
        state, p, Asks(), base, jitter_seconds=300, rand=lambda a, b: b
    )
    again, state = planner.next_move(
        state, p, Asks(), base + timedelta(hours=1), jitter_seconds=300, rand=lambda a, b: a
    )
    assert first == again == WaitUntil(base + timedelta(days=2), "delay")


def test_touch_steps_ignore_the_sending_window() -> None:
    saturday = ny(2026, 12, 5, 11, 0)
    p = plan("P0D", tz="America/New_York", window=WEEKDAYS, channels=["linkedin"])
    sim = Sim(p, saturday).run()
    assert sim.sends == [(1, saturday, False)]


# -- what the lead is asked ------------------------------------------------------------------


def test_pause_holds_the_sequence_and_resume_continues_where_it_was() -> None:
    start = utc(2026, 12, 7, 10, 0)
    resumed_at = start + timedelta(days=7)
    sim = (
        Sim(plan("P0D", "P2D", "P3D"), start)
        .at(start + timedelta(hours=1), ask(want_paused=True))
        .at(resumed_at, ask(want_paused=False))
        .run()
    )
    assert SetPaused(True) in sim.decisions and WaitForResume() in sim.decisions
    assert [at for _, at, _ in sim.sends] == [start, resumed_at, resumed_at + timedelta(days=3)]
    assert sim.status == LeadStatus.COMPLETED


@pytest.mark.parametrize(
    "ending",
    [
        Ending(LeadStatus.REPLIED, "interested", "reply_1"),
        Ending(LeadStatus.UNSUBSCRIBED, "link"),
        Ending(LeadStatus.BOUNCED, "dsn"),
        Ending(LeadStatus.STOPPED, "api"),
    ],
)
def test_each_ending_stops_the_sequence(ending: Ending) -> None:
    start = utc(2026, 12, 7, 10, 0)
    sim = Sim(plan("P0D", "P2D", "P3D"), start).at(start + timedelta(days=1), ask(ending=ending))
    sim.run()
    assert len(sim.sends) == 1 and sim.status == ending.status
    assert sim.decisions[-1] == Finish(ending)


def test_the_stronger_ending_wins_whatever_the_order() -> None:
    order = [LeadStatus.COMPLETED, LeadStatus.STOPPED, LeadStatus.REPLIED, LeadStatus.BOUNCED]
    order.append(LeadStatus.UNSUBSCRIBED)
    for i, weak in enumerate(order):
        for strong in order[i + 1 :]:
            assert planner.strongest(Ending(weak), Ending(strong)).status == strong
            assert planner.strongest(Ending(strong), Ending(weak)).status == strong
            assert stronger(strong, weak) and not stronger(weak, strong)
    # What the row lets replace what: a late reply is recorded, nothing replaces an unsubscribe.
    assert can_end(LeadStatus.COMPLETED, LeadStatus.REPLIED)
    assert not can_end(LeadStatus.UNSUBSCRIBED, LeadStatus.REPLIED)
    assert not can_end(LeadStatus.REPLIED, LeadStatus.STOPPED)


def test_an_ending_beats_every_other_request() -> None:
    state = LeadState(position=1, base_at=utc(2026, 12, 7), status=LeadStatus.ACTIVE, paused=True)
    asks = Asks(
        ending=Ending(LeadStatus.REPLIED),
        want_paused=False,
        plan_changed=True,
        forced=True,
        continue_as_new=True,
    )
    decision, _ = planner.next_move(state, plan("P0D", "P1D"), asks, utc(2026, 12, 8))
    assert decision == Finish(Ending(LeadStatus.REPLIED))


def test_send_next_skips_the_delay_the_window_and_the_cap() -> None:
    start = ny(2026, 12, 5, 11, 0)  # Saturday: the window is closed
    p = plan("P0D", "P3D", tz="America/New_York", window=WEEKDAYS)
    state = LeadState(position=1, base_at=start, status=LeadStatus.ACTIVE)
    decision, after = planner.next_move(state, p, Asks(forced=True), start)
    assert decision == Perform(p.steps[1], forced=True)
    assert after.planned_at is None  # the forced step does not decide a send time


def test_send_next_performs_even_while_the_campaign_is_paused_but_not_archived() -> None:
    state = LeadState(position=0, base_at=utc(2026, 12, 7), status=LeadStatus.QUEUED)
    paused = plan("P1D", campaign_status="paused")
    assert planner.next_move(state, paused, Asks(forced=True), utc(2026, 12, 7))[0] == Perform(
        paused.steps[0], forced=True
    )
    archived = replace(paused, campaign_status="archived")
    decision, _ = planner.next_move(state, archived, Asks(forced=True), utc(2026, 12, 7))
    assert decision == Finish(Ending(LeadStatus.STOPPED, "campaign_archived"))


def test_send_next_is_refused_when_paused_ended_or_nothing_is_left() -> None:
    p = plan("P0D", "P1D")
    active = LeadState(position=1, status=LeadStatus.ACTIVE)
    refuse = planner.send_next_refusal
    assert refuse(active, p, ended=False, want_paused=None, in_flight=None, waiting=0) is None
    assert "paused" in refuse(active, p, ended=False, want_paused=True, in_flight=None, waiting=0)  # type: ignore[operator]
    paused = replace(active, paused=True)
    assert "paused" in refuse(paused, p, ended=False, want_paused=None, in_flight=None, waiting=0)  # type: ignore[operator]
    assert "no next step" in refuse(  # type: ignore[operator]
        replace(active, status=LeadStatus.REPLIED),
        p,
        ended=False,
        want_paused=None,
        in_flight=None,
        waiting=0,
    )
    # Step 2 in flight (or already asked for) counts as sent: nothing is left.
    assert "no step left" in refuse(
        active, p, ended=False, want_paused=None, in_flight=2, waiting=0
    )  # type: ignore[operator]
    assert "no step left" in refuse(
        active, p, ended=False, want_paused=None, in_flight=None, waiting=1
    )  # type: ignore[operator]


def test_a_campaign_edit_reaches_the_lead_before_the_step() -> None:
    start = utc(2026, 12, 7, 10, 0)
    sim = Sim(plan("P0D", "P2D", "P3D"), start)
    # A day in, step 2's delay becomes P5D: it is sent 5 days after step 1, not 2.
    sim.at(start + timedelta(days=1), edit(steps=plan("P0D", "P5D", "P3D").steps)).run()
    assert ReloadPlan() in sim.decisions
    assert [at for _, at, _ in sim.sends] == [
        start,
        start + timedelta(days=5),
        start + timedelta(days=8),
    ]


def test_a_paused_campaign_holds_the_lead_and_is_re_read_every_six_hours() -> None:
    start = utc(2026, 12, 7, 10, 0)
    sim = Sim(plan("P0D", "P2D"), start)
    sim.at(start + timedelta(hours=1), edit(campaign_status="paused"))
    sim.at(start + timedelta(days=4), edit(campaign_status="active")).run()
    waits = [d for d in sim.decisions if isinstance(d, WaitForCampaign)]
    assert waits and all(w.recheck == timedelta(hours=6) for w in waits)
    assert sim.sends[1][1] == start + timedelta(days=4)  # at once when the campaign resumed


def test_an_out_of_office_hold_moves_the_next_step_to_the_return_date() -> None:
    start = utc(2026, 12, 7, 10, 0)
    back = utc(2026, 12, 19, 5, 0)

    def hold(sim: Sim) -> None:
        sim.state = replace(sim.state, hold_until=back)
        sim.asks = replace(sim.asks, replan=True)

    sim = Sim(plan("P0D", "P3D", "P3D"), start).at(start + timedelta(hours=2), hold).run()
    assert Replan() in sim.decisions
    assert [at for _, at, _ in sim.sends] == [start, back, back + timedelta(days=3)]
    hold_wait = next(d for d in sim.decisions if isinstance(d, WaitUntil) and d.at == back)
    assert hold_wait.reason == "hold"


def test_a_lead_created_suppressed_settles_without_sending() -> None:
    sim = Sim(plan("P0D", lead_status=LeadStatus.UNSUBSCRIBED), utc(2026, 12, 7)).run()
    assert sim.sends == [] and sim.decisions == [Settle(LeadStatus.UNSUBSCRIBED)]


def test_a_long_history_continues_as_new_before_anything_else_but_an_ending() -> None:
    state = LeadState(position=1, base_at=utc(2026, 12, 7), status=LeadStatus.ACTIVE)
    decision, _ = planner.next_move(
        state, plan("P0D", "P1D"), Asks(continue_as_new=True, want_paused=True), utc(2026, 12, 7)
    )
    assert decision == ContinueAsNew()


def test_after_the_last_step_the_lead_is_completed() -> None:
    state = LeadState(position=2, base_at=utc(2026, 12, 7), status=LeadStatus.ACTIVE)
    decision, _ = planner.next_move(state, plan("P0D", "P1D"), Asks(), utc(2026, 12, 8))
    assert decision == Finish(Ending(LeadStatus.COMPLETED))


def test_what_a_performed_step_means() -> None:
    now = utc(2026, 12, 7, 10, 0)
    step = StepPlan(position=2, channel="email", delay="P1D")
    held = LeadState(
        position=1,
        status=LeadStatus.ACTIVE,
        hold_until=now,
        cap_retry_at=now,
        planned_position=2,
        planned_at=now,
    )
    done = planner.after_step(held, step, StepResult(StepOutcome.SENT, LeadStatus.ACTIVE, 2), now)
    assert done.state.position == 2 and done.state.base_at == now and not done.over
    assert done.state.hold_until is done.state.cap_retry_at is done.state.planned_at is None
    capped = planner.after_step(
        held,
        step,
        StepResult(StepOutcome.CAP_REACHED, LeadStatus.ACTIVE, 2, retry_at=now + timedelta(days=1)),
        now,
    )
    assert capped.state.position == 1 and capped.state.cap_retry_at == now + timedelta(days=1)
    assert capped.show is None
    bounced = planner.after_step(
        held, step, StepResult(StepOutcome.BOUNCED, LeadStatus.BOUNCED, 2), now
    )
    assert bounced.over and bounced.show == LeadStatus.BOUNCED
    last = planner.after_step(
        held, step, StepResult(StepOutcome.SENT, LeadStatus.COMPLETED, 2, completed=True), now
    )
    assert last.over and last.show == LeadStatus.COMPLETED


def test_a_send_next_asked_while_paused_waits_for_the_resume() -> None:
    state = LeadState(position=1, base_at=utc(2026, 12, 7), status=LeadStatus.PAUSED, paused=True)
    decision, _ = planner.next_move(state, plan("P0D", "P1D"), Asks(forced=True), utc(2026, 12, 8))
    assert decision == WaitForResume()


def test_an_ending_that_arrives_during_the_last_send_is_applied_next() -> None:
    """The last step went out (the lead is completed in the row) while a reply arrived:
    the next turn applies the reply, the stronger ending."""
    now = utc(2026, 12, 7, 10, 0)
    step = StepPlan(position=1, channel="email", delay="P0D")
    result = StepResult(StepOutcome.SENT, LeadStatus.COMPLETED, 1, completed=True)
    after = planner.after_step(LeadState(base_at=now), step, result, now)
    assert after.over
    reply = Ending(LeadStatus.REPLIED, "interested", "reply_1")
    decision, _ = planner.next_move(after.state, plan("P0D"), Asks(ending=reply), now)
    assert decision == Finish(reply)


def test_auto_enrichment_comes_once_before_the_first_step_and_never_for_send_next() -> None:
    enriching = replace(plan("P0D"), auto_enrich=True)
    fresh = LeadState()
    assert planner.enrich_first(fresh, enriching, forced=False)
    assert not planner.enrich_first(fresh, enriching, forced=True)  # "send now" means now
    asked = replace(fresh, enrichment_asked=True)
    assert not planner.enrich_first(asked, enriching, forced=False)
    assert not planner.enrich_first(replace(fresh, position=1), enriching, forced=False)
    assert not planner.enrich_first(fresh, plan("P0D"), forced=False)

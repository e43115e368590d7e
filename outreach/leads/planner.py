"""The lead planner: given where a lead stands, its plan, the clock and what it has been
asked, say what happens next. Pure (no Temporal, no database, no SMTP): `LeadWorkflow`
asks it at every turn and does what it says, and the unit tests ask it directly.

What happens next, in order of precedence:

1. an ending that arrived (reply, bounce, unsubscribe, stop) is applied;
2. a run whose history grew long continues as new;
3. a lead the row already shows ended (created suppressed) settles;
4. an archived campaign stops the lead;
5. a pause or resume that arrived is applied;
6. a campaign edit re-reads the plan; an out-of-office hold re-decides the send time;
7. a paused lead waits for its resume;
8. after the last step the lead is completed;
9. a paused (or draft) campaign holds the lead, re-read every few hours;
10. a send-next request performs the next step now;
11. otherwise the next step waits for its send time (its delay after the previous step,
    moved into the sending window, not before a hold or a spent daily cap, spread by jitter
    when many leads wake together) and is performed when that time has come.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from outreach import schedule
from outreach.campaigns.status import CampaignStatus, Channel
from outreach.contracts import LeadState, Plan, StepPlan, StepResult
from outreach.leads.status import LeadStatus, is_terminal, stronger
from outreach.sends.status import StepOutcome

CAMPAIGN_RECHECK = timedelta(hours=6)  # a paused campaign is re-read at least this often
OVERDUE_TOLERANCE = timedelta(seconds=60)  # later than planned by more: spread by jitter

Random = Callable[[int, int], int]  # randint(a, b), inclusive (workflow.random().randint)


class WaitReason:
    """What a waiting lead waits for (the `waitingFor` of its progress)."""

    DELAY = "delay"
    WINDOW = "window"
    DAILY_CAP = "daily_cap"
    HOLD = "hold"
    CAMPAIGN_PAUSED = "campaign_paused"
    LEAD_PAUSED = "lead_paused"
    SENDING = "sending"
    MAILBOX_SLOT = "mailbox_slot"  # the send slot reserved on the lead's mailbox
    MAILBOX_PAUSED = "mailbox_paused"  # its mailbox is paused or in error (a resume wakes it)
    ENRICHMENT = "enrichment"  # the campaign's autoEnrich, before the first step


@dataclass(frozen=True)
class Ending:
    status: LeadStatus
    reason: str | None = None
    reply_id: str | None = None


def strongest(current: Ending | None, new: Ending) -> Ending:
    """Of two endings asked for, the one that wins (an unsubscribe beats a reply...)."""
    return new if current is None or stronger(new.status, current.status) else current


@dataclass(frozen=True)
class Asks:
    """What has reached the lead and is not applied yet."""

    ending: Ending | None = None
    want_paused: bool | None = None  # the last pause (True) or resume (False) received
    plan_changed: bool = False  # the campaign (or the lead's zone) changed: re-read it
    replan: bool = False  # an out-of-office hold arrived: decide the send time again
    forced: bool = False  # a send-next request waits for its step
    continue_as_new: bool = False  # the run's history is long and no handler is running


# -- what happens next ---------------------------------------------------------------------


@dataclass(frozen=True)
class Finish:
    """Apply the ending and end the sequence."""

    ending: Ending


@dataclass(frozen=True)
class ContinueAsNew:
    pass


@dataclass(frozen=True)
class Settle:
    """The row already shows the lead ended (it was created suppressed): nothing to send."""

    status: str


@dataclass(frozen=True)
class SetPaused:
    paused: bool


@dataclass(frozen=True)
class ReloadPlan:
    pass


@dataclass(frozen=True)
class Replan:
    """Forget the decided send time; it is decided again on the next turn."""


@dataclass(frozen=True)
class WaitForResume:
    reason: str = WaitReason.LEAD_PAUSED


@dataclass(frozen=True)
class WaitForCampaign:
    recheck: timedelta = CAMPAIGN_RECHECK
    reason: str = WaitReason.CAMPAIGN_PAUSED


@dataclass(frozen=True)
class WaitUntil:
    at: datetime
    reason: str


@dataclass(frozen=True)
class Perform:
    step: StepPlan
    forced: bool = False


Decision = (
    Finish
    | ContinueAsNew
    | Settle
    | SetPaused
    | ReloadPlan
    | Replan
    | WaitForResume
    | WaitForCampaign
    | WaitUntil
    | Perform
)


def next_move(
    state: LeadState,
    plan: Plan,
    asks: Asks,
    now: datetime,
    *,
    jitter_seconds: int = 0,
    rand: Random | None = None,
) -> tuple[Decision, LeadState]:
    """What the lead does now, and its state with the send time decided (when one was)."""
    if asks.ending is not None:
        return Finish(asks.ending), state
    if asks.continue_as_new:
        return ContinueAsNew(), state
    if is_terminal(plan.lead_status):
        return Settle(plan.lead_status), state
    if plan.campaign_status == CampaignStatus.ARCHIVED:
        return Finish(Ending(LeadStatus.STOPPED, "campaign_archived")), state
    if asks.want_paused is not None and asks.want_paused != state.paused:
        return SetPaused(asks.want_paused), state
    if asks.plan_changed:
        return ReloadPlan(), state
    if asks.replan:
        return Replan(), state
    if state.paused:
        return WaitForResume(), state
    if state.position >= len(plan.steps):
        return Finish(Ending(LeadStatus.COMPLETED)), state
    if plan.campaign_status != CampaignStatus.ACTIVE and not asks.forced:
        return WaitForCampaign(), state
    step = plan.steps[state.position]
    if asks.forced:
        return Perform(step, forced=True), state
    state = send_time(state, plan, step, now, jitter_seconds=jitter_seconds, rand=rand)
    assert state.planned_at is not None
    if state.planned_at > now:
        return WaitUntil(state.planned_at, state.planned_reason or WaitReason.DELAY), state
    return Perform(step), state


def send_time(
    state: LeadState,
    plan: Plan,
    step: StepPlan,
    now: datetime,
    *,
    jitter_seconds: int = 0,
    rand: Random | None = None,
) -> LeadState:
    """The state with the step's send time decided: its delay after the previous step,
    inside the window, not before an out-of-office return date or a spent daily cap.
    Decided once per step (a later turn keeps it, jitter included)."""
    if state.planned_position == step.position and state.planned_at:
        return state
    assert state.base_at is not None
    due = planned = schedule.add_delay(state.base_at, step.delay, plan.timezone)
    reason = WaitReason.DELAY
    for later, why in (
        (state.hold_until, WaitReason.HOLD),
        (state.cap_retry_at, WaitReason.DAILY_CAP),
        (state.mailbox_wait_until, state.mailbox_wait_reason or WaitReason.MAILBOX_SLOT),
    ):
        if later and later > due:
            due, reason = later, why
    earliest = max(due, now)
    # Touches are queued for a person to paste: no sending window for them.
    window = schedule.SendWindow.from_dict(plan.window) if step.channel == Channel.EMAIL else None
    at = schedule.next_send_time(earliest, plan.timezone, window)
    if at > earliest and reason == WaitReason.DELAY:
        reason = WaitReason.WINDOW
    # A reserved mailbox slot is kept to the second: its gap to the next is the mailbox's.
    spread_out = reason != WaitReason.MAILBOX_SLOT
    if at - planned > OVERDUE_TOLERANCE and jitter_seconds > 0 and rand is not None and spread_out:
        # Leads that wake together (a window opening, a new day, a resume) spread out,
        # inside the window.
        spread = jitter_seconds
        close = schedule.window_close(at, plan.timezone, window)
        if close is not None:
            spread = min(spread, int((close - at).total_seconds()) - 1)
        at += timedelta(seconds=rand(0, max(0, spread)))
    return replace(state, planned_position=step.position, planned_at=at, planned_reason=reason)


def forget_send_time(state: LeadState) -> LeadState:
    """Decide the send time again (the step activity reports a mailbox slot still held)."""
    return replace(
        state,
        planned_position=None,
        planned_at=None,
        planned_reason=None,
        mailbox_wait_until=None,
        mailbox_wait_reason=None,
    )


# -- what a performed step means ---------------------------------------------------------


@dataclass(frozen=True)
class Aftermath:
    state: LeadState
    over: bool  # the sequence is over (the row shows the lead ended)
    show: str | None  # the lead's status to show, when the step told it


def after_step(state: LeadState, step: StepPlan, result: StepResult, now: datetime) -> Aftermath:
    """The lead's state after the step activity returned `result`."""
    outcome = StepOutcome(result.outcome)
    if outcome.step_done:
        done = replace(
            forget_send_time(state),
            position=step.position,
            base_at=now,
            cap_retry_at=None,
            hold_until=None,
        )
        return Aftermath(done, result.completed, result.lead_status)
    if outcome == StepOutcome.CAP_REACHED:
        return Aftermath(
            replace(forget_send_time(state), cap_retry_at=result.retry_at), False, None
        )
    if outcome in (StepOutcome.MAILBOX_SLOT, StepOutcome.MAILBOX_UNAVAILABLE):
        why = (
            WaitReason.MAILBOX_SLOT
            if outcome == StepOutcome.MAILBOX_SLOT
            else WaitReason.MAILBOX_PAUSED
        )
        waiting = replace(
            forget_send_time(state), mailbox_wait_until=result.retry_at, mailbox_wait_reason=why
        )
        return Aftermath(waiting, False, None)
    if outcome in (
        StepOutcome.BOUNCED,
        StepOutcome.SUPPRESSED,
        StepOutcome.UNDELIVERABLE,
        StepOutcome.LEAD_INACTIVE,
    ):
        return Aftermath(state, is_terminal(result.lead_status), result.lead_status)
    # campaign_inactive / no_step: the refreshed plan decides on the next turn
    return Aftermath(forget_send_time(state), False, None)


def enrich_first(state: LeadState, plan: Plan, forced: bool) -> bool:
    """Does the lead get enriched before performing its next step? Only before its first
    step, once, when its campaign asks for it; a send-next request sends without waiting."""
    return plan.auto_enrich and state.position == 0 and not state.enrichment_asked and not forced


# -- what send-next may do ---------------------------------------------------------------


def send_next_refusal(
    state: LeadState,
    plan: Plan | None,
    *,
    ended: bool,
    want_paused: bool | None,
    in_flight: int | None,
    waiting: int,
) -> str | None:
    """Why a send-next request is refused now, or None when it is taken. `in_flight` is the
    step being performed (it counts as sent), `waiting` the requests already queued."""
    if ended or is_terminal(state.status):
        return f"The lead is {state.status}; it has no next step."
    if state.paused or want_paused:
        return "The lead is paused; resume it first."
    if plan is not None:
        done = max(state.position, in_flight or 0) + waiting
        if done >= len(plan.steps):
            return "The lead has no step left to send."
    return None

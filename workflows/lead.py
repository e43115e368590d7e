"""LeadWorkflow: one lead walking its campaign's steps.

For each step: wait the step's delay (a durable timer), move the send time into the
sending window, then perform the step (an email through SMTP, or a LinkedIn / Twitter
touch queued for the founder). It ends on reply, bounce, unsubscribe, stop, or after the
last step. Every wake-up re-reads what can have changed; the activity re-checks the lead,
the campaign, the suppression list and the daily cap before anything goes out.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

from workflows.policies import DB_RETRY, DB_TIMEOUT

with workflow.unsafe.imports_passed_through():
    from outreach import schedule
    from outreach import search_attributes as sa
    from outreach.contracts import (
        LEAD_QUERY_PROGRESS,
        LEAD_UPDATE_SEND_NEXT,
        LEAD_WORKFLOW,
        HoldSignal,
        LeadInput,
        LeadSignal,
        LeadState,
        LeadTransition,
        Plan,
        ReplySignal,
        StepPlan,
        StepRequest,
        StepResult,
        TouchSent,
    )

TERMINAL = frozenset({"replied", "bounced", "unsubscribed", "completed", "stopped"})
# When two endings arrive together, the stronger one wins.
ENDING_STRENGTH = {"completed": 0, "stopped": 1, "replied": 2, "bounced": 3, "unsubscribed": 4}

# SMTP 4xx and connection errors: retried with backoff for about 25 minutes, then the send
# is reported failed and the lead paused (an operator resumes it once SMTP is fixed).
SEND_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=10),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    maximum_attempts=8,
    non_retryable_error_types=["SmtpPermanent"],
)
CAMPAIGN_RECHECK = timedelta(hours=6)  # a paused campaign is re-read at least this often
OVERDUE_TOLERANCE = timedelta(seconds=60)


@workflow.defn(name=LEAD_WORKFLOW)
class LeadWorkflow:
    def __init__(self) -> None:
        self.inp: LeadInput | None = None
        self.state = LeadState()
        self.plan: Plan | None = None
        self._ending: tuple[str, str | None, str | None] | None = None  # status, reason, reply
        self._want_paused: bool | None = None
        self._changed = False
        self._replan = False
        # send-next requests, oldest first: each is answered with the step it forced
        self._forced: list[int] = []
        self._forced_results: dict[int, dict] = {}
        self._next_request = 0
        self._in_flight: int | None = None  # position of the step being performed now
        self._touches: list[TouchSent] = []
        self._finished = False
        self._waiting_for: str | None = None
        self._shown_status: str | None = None
        self._shown_step: int | None = None

    # -- the business process ----------------------------------------------------------

    @workflow.run
    async def run(self, inp: LeadInput) -> str:
        self.inp = inp
        self.state = inp.state or LeadState()
        if self.state.base_at is None:
            self.state.base_at = workflow.now()
        self._shown_status, self._shown_step = self.state.status, self.state.position
        # What the previous run had been asked and not yet done (continue-as-new); a signal
        # that reached this run before this line is newer and wins.
        if self._want_paused is None:
            self._want_paused = self.state.want_paused
        self._changed = self._changed or self.state.reload_plan
        self.state.want_paused, self.state.reload_plan = None, False
        pending_events = list(inp.publish_event_ids)

        if inp.signal_only:
            # Started by signal-with-start after the sequence ended: apply the late signal.
            await self._wait(lambda: bool(self._ending or self._touches), timedelta(seconds=5))
            await self._apply_touches()
            return await self._settle()

        self.plan = inp.plan or await self._load_plan()
        while True:
            await self._apply_touches()
            if self._ending:
                return await self._finish(pending_events)
            if self._should_continue_as_new():
                workflow.continue_as_new(
                    LeadInput(
                        **{
                            **inp.__dict__,
                            "plan": self.plan,
                            "state": self._carry_over(),
                            "publish_event_ids": pending_events,
                        }
                    )
                )
            if self.plan.lead_status in TERMINAL:  # e.g. created suppressed
                await self._publish(pending_events)
                self._show(self.plan.lead_status)
                return await self._settle()
            if self.plan.campaign_status == "archived":
                self._end("stopped", "campaign_archived")
                continue
            if self._want_paused is not None and self._want_paused != self.state.paused:
                await self._set_paused(self._want_paused)
                continue
            if self._changed:
                self._changed = self._replan = False
                self.plan = await self._load_plan()
                self._forget_plan_time()
                continue
            if self._replan:
                self._replan = False
                self._forget_plan_time()
                continue
            if self.state.paused:
                pending_events = await self._publish(pending_events)
                self._waiting_for = "lead_paused"
                await self._wait(self._interrupted)
                continue
            if self.state.position >= len(self.plan.steps):
                self._end("completed", None)
                continue
            forced = bool(self._forced)
            if self.plan.campaign_status != "active" and not forced:
                pending_events = await self._publish(pending_events)
                self._waiting_for = "campaign_paused"
                await self._wait(self._interrupted, CAMPAIGN_RECHECK)
                self._changed = True
                continue

            step = self.plan.steps[self.state.position]
            if not forced:
                send_at = self._send_time(step)
                if send_at > workflow.now():
                    pending_events = await self._publish(pending_events)
                    await self._wait(self._interrupted, send_at - workflow.now())
                    continue  # re-check everything at every wake-up
            done = await self._perform(step, forced, pending_events)
            pending_events = []
            if done:
                return await self._settle()

    def _send_time(self, step: StepPlan) -> datetime:
        """When the step goes out: its delay after the previous step, inside the window, not
        before an out-of-office return date or a spent daily cap. Decided once per step."""
        assert self.plan is not None and self.state.base_at is not None
        if self.state.planned_position == step.position and self.state.planned_at:
            self._waiting_for = self._waiting_for or "delay"
            return self.state.planned_at
        due = planned = schedule.add_delay(self.state.base_at, step.delay, self.plan.timezone)
        reason = "delay"
        for later, why in ((self.state.hold_until, "hold"), (self.state.cap_retry_at, "daily_cap")):
            if later and later > due:
                due, reason = later, why
        now = workflow.now()
        earliest = max(due, now)
        # Touches are queued for a person to paste: no sending window for them.
        email = step.channel == "email"
        window = schedule.SendWindow.from_dict(self.plan.window) if email else None
        at = schedule.next_send_time(earliest, self.plan.timezone, window)
        if at > earliest and reason == "delay":
            reason = "window"
        if at - planned > OVERDUE_TOLERANCE and self.inp and self.inp.jitter_seconds > 0:
            # Leads that wake together (a window opening, a new day, a resume) spread out,
            # inside the window.
            spread = self.inp.jitter_seconds
            close = schedule.window_close(at, self.plan.timezone, window)
            if close is not None:
                spread = min(spread, int((close - at).total_seconds()) - 1)
            at += timedelta(seconds=workflow.random().randint(0, max(0, spread)))
        self.state.planned_position, self.state.planned_at = step.position, at
        self._waiting_for = reason
        return at

    async def _perform(self, step: StepPlan, forced: bool, events: list[str]) -> bool:
        """Run one step. True when the lead's sequence is over."""
        assert self.inp is not None
        request = StepRequest(
            lead_id=self.inp.lead_id,
            position=step.position,
            scheduled_at=workflow.now(),
            forced=forced,
            publish_event_ids=events,
        )
        self._waiting_for = "sending"
        self._in_flight = step.position
        try:
            result = await workflow.execute_activity(
                "perform_step",
                request,
                result_type=StepResult,
                task_queue=workflow.info().task_queue + "-email",
                start_to_close_timeout=timedelta(seconds=self.inp.send_timeout_seconds),
                retry_policy=SEND_RETRY,
            )
        except ActivityError as err:
            # SMTP kept failing: report `send.failed` and pause the lead for an operator.
            cause = err.cause or err
            status = await self._transition(
                LeadTransition(
                    lead_id=self.inp.lead_id,
                    status="paused",
                    at=workflow.now(),
                    reason="send_failed",
                    send_position=step.position,
                    error=str(cause)[:500],
                )
            )
            self._answer_forced(
                forced,
                {"outcome": "failed", "sendId": None, "touchId": None, "error": str(cause)[:500]},
            )
            self.state.paused = status == "paused"
            self._want_paused = self.state.paused
            if self.state.paused:
                self._cancel_forced("paused")
            self._show(status)
            return False
        finally:
            self._waiting_for = None
            self._in_flight = None

        self._answer_forced(
            forced,
            {
                "outcome": result.outcome,
                "sendId": result.send_id,
                "touchId": result.touch_id,
                "error": result.error,
            },
        )
        if result.plan is not None:
            self.plan = result.plan
        if result.outcome in ("sent", "touch_queued", "unknown"):
            self.state.position = step.position
            self.state.base_at = workflow.now()
            self.state.cap_retry_at = None
            self.state.hold_until = None
            self._forget_plan_time()
            self._show(result.lead_status)
            return result.completed
        if result.outcome == "cap_reached":
            self.state.cap_retry_at = result.retry_at
            self._forget_plan_time()
            return False
        if result.outcome in ("bounced", "suppressed", "lead_inactive"):
            self._show(result.lead_status)
            return result.lead_status in TERMINAL
        # campaign_inactive / no_step: the refreshed plan decides on the next turn
        self._forget_plan_time()
        return False

    async def _finish(self, events: list[str] | None = None) -> str:
        """Apply the ending; one that arrives while it is applied (a reply during the stop,
        an unsubscribe during the reply) is applied too: the row decides what may replace
        what."""
        assert self.inp is not None and self._ending is not None
        applied_ending = None
        applied = self.state.status
        while self._ending is not None and self._ending != applied_ending:
            applied_ending = self._ending
            status, reason, reply_id = applied_ending
            applied = await self._transition(
                LeadTransition(
                    lead_id=self.inp.lead_id,
                    status=status,
                    at=workflow.now(),
                    reason=reason,
                    reply_id=reply_id,
                ),
                events or [],
            )
            events = []
            self._show(applied)
        self._finished = True
        self._cancel_forced(applied)
        return applied

    async def _settle(self) -> str:
        """The sequence is over: apply an ending that arrived meanwhile (a reply during the
        last send), then finish."""
        if self._ending is not None:
            return await self._finish()
        self._finished = True
        self._cancel_forced(self.state.status)
        return self.state.status

    async def _set_paused(self, paused: bool) -> None:
        assert self.inp is not None
        status = await self._transition(
            LeadTransition(
                lead_id=self.inp.lead_id,
                status="paused" if paused else "resumed",
                at=workflow.now(),
                reason="api",
            )
        )
        # A pause or resume that arrived meanwhile stays in _want_paused for the next turn;
        # if the row refused the change (the lead ended), stop insisting.
        self.state.paused = status == "paused"
        if self.state.paused != paused and self._want_paused == paused:
            self._want_paused = self.state.paused
        if self.state.paused:
            self._cancel_forced("paused")
        self._forget_plan_time()
        self._show(status)
        if status in TERMINAL:
            self._ending = self._ending or (status, None, None)

    async def _apply_touches(self) -> None:
        while self._touches:
            touch = self._touches.pop(0)
            await workflow.execute_activity(
                "mark_touch_sent", touch, start_to_close_timeout=DB_TIMEOUT, retry_policy=DB_RETRY
            )

    # -- activities and search attributes ----------------------------------------------

    async def _load_plan(self) -> Plan:
        assert self.inp is not None
        return await workflow.execute_activity(
            "load_plan",
            self.inp.lead_id,
            result_type=Plan,
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=DB_RETRY,
        )

    async def _transition(self, change: LeadTransition, events: list[str] | None = None) -> str:
        return await workflow.execute_activity(
            "transition_lead",
            args=[change, events or []],
            result_type=str,
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=DB_RETRY,
        )

    async def _publish(self, events: list[str]) -> list[str]:
        if events:
            await workflow.execute_activity(
                "publish_events",
                events,
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=DB_RETRY,
            )
        return []

    def _show(self, status: str) -> None:
        """Keep the Temporal UI's search attributes equal to the row."""
        self.state.status = status
        changes = []
        if status != self._shown_status:
            changes.append(sa.LEAD_STATUS.value_set(status))
            self._shown_status = status
        if self.state.position != self._shown_step:
            changes.append(sa.STEP.value_set(self.state.position))
            self._shown_step = self.state.position
        if changes:
            workflow.upsert_search_attributes(changes)

    # -- helpers -------------------------------------------------------------------------

    def _end(self, status: str, reason: str | None, reply_id: str | None = None) -> None:
        if self._ending is None or ENDING_STRENGTH[status] > ENDING_STRENGTH[self._ending[0]]:
            self._ending = (status, reason, reply_id)

    def _interrupted(self) -> bool:
        return bool(
            self._ending
            or self._touches
            or self._changed
            or self._replan
            or self._forced
            or (self._want_paused is not None and self._want_paused != self.state.paused)
        )

    async def _wait(self, condition: object, limit: timedelta | None = None) -> None:
        try:
            await workflow.wait_condition(condition, timeout=limit)  # type: ignore[arg-type]
        except TimeoutError:
            pass
        except asyncio.TimeoutError:  # noqa: UP041 - older SDKs raise this alias
            pass

    def _forget_plan_time(self) -> None:
        self.state.planned_position = self.state.planned_at = None

    def _answer_forced(self, forced: bool, result: dict) -> None:
        """The oldest send-next request gets the step it forced."""
        if forced and self._forced:
            self._forced_results[self._forced.pop(0)] = result

    def _cancel_forced(self, outcome: str) -> None:
        """Pending send-next requests end without a send (the lead paused or finished)."""
        for request in self._forced:
            self._forced_results[request] = {
                "outcome": outcome,
                "sendId": None,
                "touchId": None,
                "error": None,
            }
        self._forced.clear()

    def _carry_over(self) -> LeadState:
        """The state for the next run, with the requests not applied yet."""
        self.state.want_paused = self._want_paused
        self.state.reload_plan = self._changed or self._replan
        return self.state

    def _should_continue_as_new(self) -> bool:
        assert self.inp is not None
        info = workflow.info()
        too_long = (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() > self.inp.history_limit
        )
        return too_long and workflow.all_handlers_finished() and not self._forced

    # -- signals, query, update ----------------------------------------------------------

    @workflow.signal(name=LeadSignal.REPLY)
    def reply_received(self, signal: ReplySignal) -> None:
        self._end("replied", signal.label, signal.reply_id)

    @workflow.signal(name=LeadSignal.UNSUBSCRIBE)
    def unsubscribe(self, source: str | None = None) -> None:
        self._end("unsubscribed", source or "link")

    @workflow.signal(name=LeadSignal.BOUNCE)
    def bounce(self, detail: str | None = None) -> None:
        self._end("bounced", detail or "bounce")

    @workflow.signal(name=LeadSignal.STOP)
    def stop(self) -> None:
        self._end("stopped", "api")

    @workflow.signal(name=LeadSignal.PAUSE)
    def pause(self) -> None:
        self._want_paused = True

    @workflow.signal(name=LeadSignal.RESUME)
    def resume(self) -> None:
        self._want_paused = False

    @workflow.signal(name=LeadSignal.CAMPAIGN_CHANGED)
    def campaign_changed(self) -> None:
        self._changed = True

    @workflow.signal(name=LeadSignal.TOUCH_SENT)
    def touch_sent(self, touch: TouchSent) -> None:
        self._touches.append(touch)

    @workflow.signal(name=LeadSignal.HOLD_UNTIL)
    def hold_until(self, hold: HoldSignal) -> None:
        if self.state.hold_until is None or hold.until > self.state.hold_until:
            self.state.hold_until = hold.until
            self._replan = True  # recompute the send time

    @workflow.query(name=LEAD_QUERY_PROGRESS)
    def progress(self) -> dict:
        steps = len(self.plan.steps) if self.plan else 0
        done = self._finished or self.state.status in TERMINAL
        planned = self.state.planned_at if self.state.planned_position else None
        return {
            "status": self.state.status,
            "currentStep": self.state.position,
            "nextStep": None if done or self.state.position >= steps else self.state.position + 1,
            "stepsTotal": steps,
            "nextSendAt": planned.isoformat() if planned and not done else None,
            "waitingFor": None if done else self._waiting_for,
        }

    @workflow.update(name=LEAD_UPDATE_SEND_NEXT)
    async def send_next(self) -> dict:
        # A step already on its way counts as sent: the request forces the one after it.
        request = self._next_request
        self._next_request += 1
        self._forced.append(request)
        await workflow.wait_condition(lambda: request in self._forced_results)
        return self._forced_results.pop(request)

    @send_next.validator
    def _validate_send_next(self) -> None:
        if self._finished or self._ending or self.state.status in TERMINAL:
            raise ValueError(f"The lead is {self.state.status}; it has no next step.")
        if self.state.paused or self._want_paused:
            raise ValueError("The lead is paused; resume it first.")
        if self.plan is not None:
            done = max(self.state.position, self._in_flight or 0) + len(self._forced)
            if done >= len(self.plan.steps):
                raise ValueError("The lead has no step left to send.")

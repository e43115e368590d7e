"""LeadWorkflow: one lead walking its campaign's steps.

Each turn: apply what arrived, ask the planner what happens next, do it. Next is a wait (a
durable timer until the step's send time, or until a resume), one step performed through
an activity (an email through SMTP, or a LinkedIn / Twitter touch queued for the founder),
or the end: on reply, bounce, unsubscribe, stop, or after the last step. The decisions live
in `outreach.leads.planner` (pure, unit-tested); this file only carries them out. Every
wake-up re-reads what can have changed; the step activity re-checks the lead, the
campaign, the suppression list and the daily cap before anything goes out.

Upgrades: leads run for weeks, so every change here must replay the histories under
`tests/replay/histories/` (README, "Changing a workflow").
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError, WorkflowAlreadyStartedError

from workflows.policies import DB_RETRY, DB_TIMEOUT, EMAIL_QUEUE_SUFFIX, SEND_RETRY

with workflow.unsafe.imports_passed_through():
    from activities.email import RENDER_FAILED as RENDER_FAILED_ERROR
    from activities.email import EmailActivities
    from activities.leads import LeadActivities
    from outreach import search_attributes as sa
    from outreach.contracts import (
        LEAD_QUERY_PROGRESS,
        LEAD_WORKFLOW,
        HoldSignal,
        LeadInput,
        LeadSignal,
        LeadState,
        LeadTransition,
        LeadUpdate,
        Plan,
        Progress,
        ReplySignal,
        SendNextResult,
        StepPlan,
        StepRequest,
        TouchSent,
    )
    from outreach.enrichment.contracts import (
        ENRICH_LEAD_WORKFLOW,
        EnrichDone,
        EnrichRequest,
        enrich_workflow_id,
    )
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
        WaitReason,
        WaitUntil,
    )
    from outreach.leads.status import (
        RENDER_FAILED,
        RESUME,
        SEND_FAILED,
        LeadStatus,
        is_terminal,
    )
    from outreach.sends.status import StepOutcome

# 0.3.0: a touch marked sent during the last step is applied before the run ends.
LATE_TOUCHES_PATCH = "late-touches-applied"
# 0.7.0: a campaign with autoEnrich enriches the lead before its first step.
AUTO_ENRICH_PATCH = "auto-enrich-before-first-step"
# The enrichment outlives the wait if it must (its result then serves the later steps).
ENRICH_RUN_TIMEOUT = timedelta(hours=1)


@workflow.defn(name=LEAD_WORKFLOW)
class LeadWorkflow:
    def __init__(self) -> None:
        self.inp: LeadInput | None = None
        self.state = LeadState()
        self.plan: Plan | None = None
        # What arrived and is not applied yet.
        self._ending: Ending | None = None
        self._want_paused: bool | None = None
        self._plan_changed = False
        self._replan = False
        self._touches: list[TouchSent] = []
        # send-next requests, oldest first: each is answered with the step it forced
        self._forced: list[int] = []
        self._forced_results: dict[int, SendNextResult] = {}
        self._next_request = 0
        # What the lead is doing now (for the progress query).
        self._in_flight: int | None = None  # position of the step being performed
        self._waiting_for: str | None = None
        self._finished = False
        self._shown_status: str | None = None
        self._shown_step: int | None = None

    # -- the business process ----------------------------------------------------------

    @workflow.run
    async def run(self, inp: LeadInput) -> str:
        pending_events = self._begin(inp)
        if inp.signal_only:
            # Started by signal-with-start after the sequence ended: apply the late signal.
            await self._wait(lambda: bool(self._ending or self._touches), timedelta(seconds=5))
            await self._apply_touches()
            return await self._settle()

        self.plan = inp.plan or await self._load_plan()
        while True:
            await self._apply_touches()
            decision = self._next_move()
            match decision:
                case Finish(ending=ending):
                    self._end(ending)
                    return await self._finish(pending_events)
                case ContinueAsNew():
                    workflow.continue_as_new(self._next_run_input(pending_events))
                case Settle(status=status):  # the lead was created suppressed
                    await self._publish(pending_events)
                    self._show(status)
                    return await self._settle()
                case SetPaused(paused=paused):
                    await self._set_paused(paused)
                case ReloadPlan():
                    self._plan_changed = self._replan = False
                    self.plan = await self._load_plan()
                    self._forget_send_time()
                case Replan():
                    self._replan = False
                    self._forget_send_time()
                case WaitForResume(reason=reason):
                    pending_events = await self._publish(pending_events)
                    self._waiting_for = reason
                    await self._wait(self._interrupted)
                case WaitForCampaign(recheck=recheck, reason=reason):
                    pending_events = await self._publish(pending_events)
                    self._waiting_for = reason
                    await self._wait(self._interrupted, recheck)
                    self._plan_changed = True
                case WaitUntil(at=at, reason=reason):
                    pending_events = await self._publish(pending_events)
                    self._waiting_for = reason
                    await self._wait(self._interrupted, at - workflow.now())
                case Perform(forced=forced) if self._enrich_first(forced):
                    pending_events = await self._publish(pending_events)
                    await self._enrich()
                case Perform(step=step, forced=forced):
                    over = await self._perform(step, forced, pending_events)
                    pending_events = []
                    if over:
                        return await self._settle()

    def _next_move(self) -> planner.Decision:
        assert self.plan is not None and self.inp is not None
        asks = Asks(
            ending=self._ending,
            want_paused=self._want_paused,
            plan_changed=self._plan_changed,
            replan=self._replan,
            forced=bool(self._forced),
            continue_as_new=self._should_continue_as_new(),
        )
        decision, self.state = planner.next_move(
            self.state,
            self.plan,
            asks,
            workflow.now(),
            jitter_seconds=self.inp.jitter_seconds,
            rand=workflow.random().randint,
        )
        return decision

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
        self._waiting_for = WaitReason.SENDING
        self._in_flight = step.position
        try:
            result = await workflow.execute_activity_method(
                EmailActivities.perform_step,
                request,
                task_queue=workflow.info().task_queue + EMAIL_QUEUE_SUFFIX,
                start_to_close_timeout=timedelta(seconds=self.inp.send_timeout_seconds),
                retry_policy=SEND_RETRY,
            )
        except ActivityError as err:
            await self._send_failed(step, forced, err)
            return False
        finally:
            self._waiting_for = None
            self._in_flight = None

        self._answer_forced(
            forced, SendNextResult(result.outcome, result.send_id, result.touch_id, result.error)
        )
        if result.plan is not None:
            self.plan = result.plan
        after = planner.after_step(self.state, step, result, workflow.now())
        self.state = after.state
        if after.show is not None:
            self._show(after.show)
        return after.over

    def _enrich_first(self, forced: bool) -> bool:
        assert self.plan is not None
        return planner.enrich_first(self.state, self.plan, forced) and workflow.patched(
            AUTO_ENRICH_PATCH
        )

    async def _enrich(self) -> None:
        """Enrich the lead (EnrichLeadWorkflow, as a child that outlives this run if it
        must) and wait for it, at most `enrich_wait_seconds`: a slow site never holds the
        first step longer. The step re-checks the lead afterwards (skipUndeliverable)."""
        assert self.inp is not None
        self.state.enrichment_asked = True
        try:
            child = await workflow.start_child_workflow(
                ENRICH_LEAD_WORKFLOW,
                EnrichRequest(self.inp.lead_id),
                id=enrich_workflow_id(self.inp.lead_id),
                result_type=EnrichDone,
                execution_timeout=ENRICH_RUN_TIMEOUT,
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
                static_summary=f"enrich {self.inp.lead_id} before its first step",
            )
        except WorkflowAlreadyStartedError:
            return  # a run asked for through the API is under way: the step reads its result
        self._waiting_for = WaitReason.ENRICHMENT
        await self._wait(
            lambda: child.done() or self._ending is not None or bool(self._forced),
            timedelta(seconds=self.inp.enrich_wait_seconds),
        )
        self._waiting_for = None
        # Its outcome is the lead's row (the step reads it); a failed run is not this one's.
        child.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def _send_failed(self, step: StepPlan, forced: bool, err: ActivityError) -> None:
        """SMTP kept failing (or the message cannot be built): report `send.failed` and
        pause the lead for an operator."""
        assert self.inp is not None
        cause = err.cause or err
        error = str(cause)[:500]
        unbuildable = isinstance(cause, ApplicationError) and cause.type == RENDER_FAILED_ERROR
        status = await self._transition(
            LeadTransition(
                lead_id=self.inp.lead_id,
                status=LeadStatus.PAUSED,
                at=workflow.now(),
                reason=RENDER_FAILED if unbuildable else SEND_FAILED,
                send_position=step.position,
                error=error,
            )
        )
        self._answer_forced(forced, SendNextResult(StepOutcome.FAILED, error=error))
        self.state.paused = status == LeadStatus.PAUSED
        self._want_paused = self.state.paused
        if self.state.paused:
            self._cancel_forced(LeadStatus.PAUSED)
        self._show(status)

    async def _finish(self, events: list[str] | None = None) -> str:
        """Apply the ending; one that arrives while it is applied (a reply during the stop,
        an unsubscribe during the reply) is applied too: the row decides what may replace
        what."""
        assert self.inp is not None and self._ending is not None
        applied_ending = None
        applied: str = self.state.status
        while self._ending is not None and self._ending != applied_ending:
            applied_ending = self._ending
            applied = await self._transition(
                LeadTransition(
                    lead_id=self.inp.lead_id,
                    status=applied_ending.status,
                    at=workflow.now(),
                    reason=applied_ending.reason,
                    reply_id=applied_ending.reply_id,
                ),
                events or [],
            )
            events = []
            self._show(applied)
        await self._apply_late_touches()
        self._finished = True
        self._cancel_forced(applied)
        return applied

    async def _settle(self) -> str:
        """The sequence is over: apply what arrived meanwhile (a touch marked sent, a reply
        during the last send), then finish."""
        await self._apply_late_touches()
        if self._ending is not None:
            return await self._finish()
        self._finished = True
        self._cancel_forced(self.state.status)
        return self.state.status

    async def _apply_late_touches(self) -> None:
        """A touch marked sent while the last step or the ending ran: recorded before the
        run ends (0.2.0 and earlier dropped it; their histories replay unpatched)."""
        if self._touches and workflow.patched(LATE_TOUCHES_PATCH):
            await self._apply_touches()

    async def _set_paused(self, paused: bool) -> None:
        assert self.inp is not None
        status = await self._transition(
            LeadTransition(
                lead_id=self.inp.lead_id,
                status=LeadStatus.PAUSED if paused else RESUME,
                at=workflow.now(),
                reason="api",
            )
        )
        # A pause or resume that arrived meanwhile stays in _want_paused for the next turn;
        # if the row refused the change (the lead ended), stop insisting.
        self.state.paused = status == LeadStatus.PAUSED
        if self.state.paused != paused and self._want_paused == paused:
            self._want_paused = self.state.paused
        if self.state.paused:
            self._cancel_forced(LeadStatus.PAUSED)
        self._forget_send_time()
        self._show(status)
        if is_terminal(status):
            self._end(Ending(LeadStatus(status)))

    async def _apply_touches(self) -> None:
        while self._touches:
            touch = self._touches.pop(0)
            await workflow.execute_activity_method(
                LeadActivities.mark_touch_sent,
                touch,
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=DB_RETRY,
            )

    # -- activities and search attributes ----------------------------------------------

    async def _load_plan(self) -> Plan:
        assert self.inp is not None
        return await workflow.execute_activity_method(
            LeadActivities.load_plan,
            self.inp.lead_id,
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=DB_RETRY,
        )

    async def _transition(self, change: LeadTransition, events: list[str] | None = None) -> str:
        return await workflow.execute_activity_method(
            LeadActivities.transition_lead,
            args=[change, events or []],
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=DB_RETRY,
        )

    async def _publish(self, events: list[str]) -> list[str]:
        if events:
            await workflow.execute_activity_method(
                LeadActivities.publish,
                events,
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=DB_RETRY,
            )
        return []

    def _show(self, status: str) -> None:
        """Keep the Temporal UI's search attributes equal to the row."""
        self.state.status = LeadStatus(status)
        changes: list[SearchAttributeUpdate[Any]] = []
        if status != self._shown_status:
            changes.append(sa.LEAD_STATUS.value_set(status))
            self._shown_status = status
        if self.state.position != self._shown_step:
            changes.append(sa.STEP.value_set(self.state.position))
            self._shown_step = self.state.position
        if changes:
            workflow.upsert_search_attributes(changes)

    # -- helpers -------------------------------------------------------------------------

    def _begin(self, inp: LeadInput) -> list[str]:
        """Take over from the previous run (continue-as-new): its state and what it had
        been asked and not yet done; a signal that reached this run first is newer and
        wins. Returns the events still to publish."""
        self.inp = inp
        self.state = inp.state or LeadState()
        if self.state.base_at is None:
            self.state.base_at = workflow.now()
        self._shown_status, self._shown_step = self.state.status, self.state.position
        if self._want_paused is None:
            self._want_paused = self.state.want_paused
        self._plan_changed = self._plan_changed or self.state.reload_plan
        self.state.want_paused, self.state.reload_plan = None, False
        return list(inp.publish_event_ids)

    def _next_run_input(self, pending_events: list[str]) -> LeadInput:
        """The input of the next run, with the requests not applied yet."""
        assert self.inp is not None
        self.state.want_paused = self._want_paused
        self.state.reload_plan = self._plan_changed or self._replan
        return LeadInput(
            **{
                **self.inp.__dict__,
                "plan": self.plan,
                "state": self.state,
                "publish_event_ids": pending_events,
            }
        )

    def _end(self, ending: Ending) -> None:
        self._ending = planner.strongest(self._ending, ending)

    def _interrupted(self) -> bool:
        return bool(
            self._ending
            or self._touches
            or self._plan_changed
            or self._replan
            or self._forced
            or (self._want_paused is not None and self._want_paused != self.state.paused)
        )

    async def _wait(self, condition: Any, limit: timedelta | None = None) -> None:
        try:
            await workflow.wait_condition(condition, timeout=limit)
        except TimeoutError:
            pass

    def _forget_send_time(self) -> None:
        self.state = planner.forget_send_time(self.state)

    def _answer_forced(self, forced: bool, result: SendNextResult) -> None:
        """The oldest send-next request gets the step it forced."""
        if forced and self._forced:
            self._forced_results[self._forced.pop(0)] = result

    def _cancel_forced(self, outcome: str) -> None:
        """Pending send-next requests end without a send (the lead paused or finished)."""
        for request in self._forced:
            self._forced_results[request] = SendNextResult(outcome)
        self._forced.clear()

    def _should_continue_as_new(self) -> bool:
        assert self.inp is not None
        info = workflow.info()
        too_long = (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() > self.inp.history_limit
        )
        return too_long and workflow.all_handlers_finished() and not self._forced

    def _over(self) -> bool:
        return self._finished or self._ending is not None or is_terminal(self.state.status)

    # -- signals -------------------------------------------------------------------------

    @workflow.signal(name=LeadSignal.REPLY)
    def reply_received(self, signal: ReplySignal) -> None:
        self._end(Ending(LeadStatus.REPLIED, signal.label, signal.reply_id))

    @workflow.signal(name=LeadSignal.UNSUBSCRIBE)
    def unsubscribe(self, source: str | None = None) -> None:
        self._end(Ending(LeadStatus.UNSUBSCRIBED, source or "link"))

    @workflow.signal(name=LeadSignal.BOUNCE)
    def bounce(self, detail: str | None = None) -> None:
        self._end(Ending(LeadStatus.BOUNCED, detail or "bounce"))

    @workflow.signal(name=LeadSignal.STOP)
    def stop(self) -> None:
        self._end(Ending(LeadStatus.STOPPED, "api"))

    @workflow.signal(name=LeadSignal.PAUSE)
    def pause(self) -> None:
        self._want_paused = True

    @workflow.signal(name=LeadSignal.RESUME)
    def resume(self) -> None:
        self._want_paused = False

    @workflow.signal(name=LeadSignal.CAMPAIGN_CHANGED)
    def campaign_changed(self) -> None:
        self._plan_changed = True

    @workflow.signal(name=LeadSignal.TOUCH_SENT)
    def touch_sent(self, touch: TouchSent) -> None:
        self._touches.append(touch)

    @workflow.signal(name=LeadSignal.HOLD_UNTIL)
    def hold_until(self, hold: HoldSignal) -> None:
        if self.state.hold_until is None or hold.until > self.state.hold_until:
            self.state.hold_until = hold.until
            self._replan = True  # decide the send time again

    # -- query and updates ---------------------------------------------------------------

    @workflow.query(name=LEAD_QUERY_PROGRESS)
    def progress(self) -> Progress:
        steps = len(self.plan.steps) if self.plan else 0
        done = self._finished or is_terminal(self.state.status)
        planned = self.state.planned_at if self.state.planned_position else None
        return Progress(
            status=self.state.status,
            currentStep=self.state.position,
            nextStep=None if done or self.state.position >= steps else self.state.position + 1,
            stepsTotal=steps,
            nextSendAt=planned if not done else None,
            waitingFor=None if done else self._waiting_for,
        )

    @workflow.update(name=LeadUpdate.SEND_NEXT)
    async def send_next(self) -> SendNextResult:
        # A step already on its way counts as sent: the request forces the one after it.
        request = self._next_request
        self._next_request += 1
        self._forced.append(request)
        await workflow.wait_condition(lambda: request in self._forced_results)
        return self._forced_results.pop(request)

    @send_next.validator
    def _validate_send_next(self) -> None:
        why = planner.send_next_refusal(
            self.state,
            self.plan,
            ended=self._finished or self._ending is not None,
            want_paused=self._want_paused,
            in_flight=self._in_flight,
            waiting=len(self._forced),
        )
        if why:
            raise ValueError(why)

    @workflow.update(name=LeadUpdate.PAUSE)
    async def pause_now(self) -> Progress:
        """Pause, and answer once the row shows it (or the lead ended meanwhile)."""
        self._want_paused = True
        # Done once applied, once the lead ended, or once a resume overtook it.
        await workflow.wait_condition(
            lambda: self.state.paused or self._finished or self._want_paused is not True
        )
        return self.progress()

    @pause_now.validator
    def _validate_pause(self) -> None:
        if self._over():
            raise ValueError(f"The lead is {self._ending_status()}; nothing to pause.")

    @workflow.update(name=LeadUpdate.RESUME)
    async def resume_now(self) -> Progress:
        """Resume, and answer once the row shows it."""
        self._want_paused = False
        await workflow.wait_condition(
            lambda: not self.state.paused or self._finished or self._want_paused is not False
        )
        return self.progress()

    @resume_now.validator
    def _validate_resume(self) -> None:
        if self._over():
            raise ValueError(f"The lead is {self._ending_status()}, not paused.")
        if not self.state.paused and self._want_paused is not True:
            raise ValueError(f"The lead is {self.state.status}, not paused.")

    @workflow.update(name=LeadUpdate.STOP)
    async def stop_now(self) -> Progress:
        """Stop for good, and answer once the ending is applied."""
        self._end(Ending(LeadStatus.STOPPED, "api"))
        await workflow.wait_condition(lambda: self._finished)
        return self.progress()

    @stop_now.validator
    def _validate_stop(self) -> None:
        if self._over():
            raise ValueError(f"The lead is already {self._ending_status()}.")

    def _ending_status(self) -> str:
        if self._ending is not None and not is_terminal(self.state.status):
            return self._ending.status
        return self.state.status

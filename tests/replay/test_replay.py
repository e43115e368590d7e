"""Leads live for weeks: every history recorded from an earlier release replays against the
workflows as they are now, with the worker's own sandbox settings. A change that would emit
different commands for one of them fails here (see README, "Changing a workflow")."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner

from worker import all_workflows, workflow_runner
from workflows.lead import LeadWorkflow

HISTORIES = Path(__file__).resolve().parent / "histories"
FILES = sorted(HISTORIES.glob("*/*.json"))


def load(path: Path) -> WorkflowHistory:
    record = json.loads(path.read_text())
    return WorkflowHistory.from_json(record["workflowId"], record["history"])


def test_histories_cover_every_workflow_type_and_the_lead_paths() -> None:
    kinds = {json.loads(p.read_text())["workflowType"] for p in FILES}
    assert kinds == {w.__temporal_workflow_definition.name for w in all_workflows()}  # type: ignore[attr-defined]
    scenarios = {json.loads(p.read_text())["scenario"] for p in FILES}
    for needed in (
        "lead_completed_3_steps",
        "lead_paused_and_resumed",
        "lead_replied_mid_sequence",
        "lead_unsubscribed",
        "lead_send_next",
        "lead_out_of_office_hold",
        "lead_cap_deferral",
        "lead_window_deferral",
        "lead_continue_as_new_chain",
        "webhook_delivery_retried_then_delivered",
    ):
        assert needed in scenarios


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
async def test_recorded_history_replays(path: Path) -> None:
    replayer = Replayer(workflows=all_workflows(), workflow_runner=workflow_runner())
    await replayer.replay_workflow(load(path))


@workflow.defn(name="LeadWorkflow", sandboxed=False)
class _CarelesslyEditedLeadWorkflow(LeadWorkflow):
    """A change shipped without a patch: a new timer before the first step."""

    @workflow.run
    async def run(self, inp: Any) -> str:
        await workflow.sleep(timedelta(seconds=1))
        return await super().run(inp)


async def test_a_non_deterministic_edit_is_caught() -> None:
    history = load(HISTORIES / "v0.1.0" / "lead_completed_3_steps.LeadWorkflow.1.json")
    replayer = Replayer(
        workflows=[_CarelesslyEditedLeadWorkflow], workflow_runner=UnsandboxedWorkflowRunner()
    )
    with pytest.raises(workflow.NondeterminismError):
        await replayer.replay_workflow(history)
    # The same history replays on the unedited workflow with the same runner.
    await Replayer(
        workflows=[LeadWorkflow], workflow_runner=UnsandboxedWorkflowRunner()
    ).replay_workflow(history)

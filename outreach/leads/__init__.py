"""Leads: the state machine (`status`), the pure planner its workflow follows (`planner`),
the plan a workflow reads (`plans`), creating leads (`service`) and starting or signalling
their workflows (`runs`)."""

from typing import Any

_RUNS = {"lead_handle", "signal_lead", "start_lead_workflow", "lead_input"}


def __getattr__(name: str) -> Any:  # transitional: `from outreach.leads import signal_lead`
    if name in _RUNS:
        from outreach.leads import runs

        return getattr(runs, name)
    raise AttributeError(name)

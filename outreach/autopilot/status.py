"""What an autopilot run can be, and who started it.

running -> completed (every step was tried; `errors` lists a step that failed)
running -> failed (the run could not go on: its campaign is gone, the workflow gave up)
"""

from __future__ import annotations

from enum import StrEnum


class AutopilotRunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class AutopilotTrigger(StrEnum):
    SCHEDULE = "schedule"  # the campaign's Temporal Schedule, at `time` on `days`
    MANUAL = "manual"  # POST /campaigns/{id}/autopilot/run

"""Logging: one line per record on stderr. Secrets never reach the log: keys are hashed
before use and the Authorization header is never logged.

`OUTREACH_LOG_FORMAT=text` (the default) writes human lines; `json` writes one JSON object
per line: `ts`, `level`, `logger`, `message`, and where known `request_id`, `workspace_id`
(API requests), `workflow_id`, `run_id`, `workflow_type`, `activity_id`, `activity_type`,
`task_queue` (worker: from the Temporal context the record was logged in), `exc`.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import IO, Any

from temporalio import activity, workflow

REQUEST_ID: ContextVar[str | None] = ContextVar("outreach_request_id", default=None)
WORKSPACE_ID: ContextVar[str | None] = ContextVar("outreach_workspace_id", default=None)

CONTEXT_KEYS = (
    "request_id",
    "workspace_id",
    "workflow_id",
    "run_id",
    "workflow_type",
    "activity_id",
    "activity_type",
    "task_queue",
)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def bind_request(request_id: str) -> tuple[Token[str | None], Token[str | None]]:
    """Name the request (and, until the key is checked, no workspace) for the records
    logged while it runs; `unbind_request` with the tokens when it ends."""
    return REQUEST_ID.set(request_id), WORKSPACE_ID.set(None)


def unbind_request(tokens: tuple[Token[str | None], Token[str | None]]) -> None:
    REQUEST_ID.reset(tokens[0])
    WORKSPACE_ID.reset(tokens[1])


def bind_workspace(workspace_id: str) -> None:
    WORKSPACE_ID.set(workspace_id)


def _temporal_context() -> dict[str, Any]:
    try:
        if activity.in_activity():
            a = activity.info()
            return {
                "workflow_id": a.workflow_id,
                "run_id": a.workflow_run_id,
                "workflow_type": a.workflow_type,
                "activity_id": a.activity_id,
                "activity_type": a.activity_type,
                "task_queue": a.task_queue,
            }
        if workflow.in_workflow():
            w = workflow.info()
            return {
                "workflow_id": w.workflow_id,
                "run_id": w.run_id,
                "workflow_type": w.workflow_type,
                "task_queue": w.task_queue,
            }
    except Exception:  # noqa: BLE001, S110 - context is a bonus; the record still goes out
        pass
    return {}


class ContextFilter(logging.Filter):
    """Adds the request, workspace and Temporal ids to every record (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context: dict[str, Any] = {
            "request_id": REQUEST_ID.get(),
            "workspace_id": WORKSPACE_ID.get(),
            **_temporal_context(),
        }
        for key, value in context.items():
            if value is not None and getattr(record, key, None) is None:
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in CONTEXT_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def make_handler(fmt: str = "text", stream: IO[str] | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    return handler


def setup_logging(level: str | None = None, fmt: str | None = None) -> None:
    level = level or os.environ.get("OUTREACH_LOG_LEVEL", "INFO")
    fmt = (fmt or os.environ.get("OUTREACH_LOG_FORMAT") or "text").strip().lower()
    root = logging.getLogger()
    if any(getattr(h, "_outreach", False) for h in root.handlers):
        return
    handler = make_handler("json" if fmt == "json" else "text")
    handler._outreach = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("temporalio.activity", "temporalio.workflow", "httpx", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

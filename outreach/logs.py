"""Logging: one line per record on stderr. Secrets never reach the log: keys are hashed
before use and the Authorization header is never logged."""

from __future__ import annotations

import logging
import os
import sys


def setup_logging(level: str | None = None) -> None:
    level = level or os.environ.get("OUTREACH_LOG_LEVEL", "INFO")
    root = logging.getLogger()
    if any(getattr(h, "_outreach", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._outreach = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("temporalio.activity", "temporalio.workflow", "httpx", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

"""Reading labelled/unlabelled reply rows from JSON lines (CLI, evaluation and tests)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .models import LABELS, ReplyText

# The corpus and its splits (tests/data; README "Corpus, training and evaluation").
DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
CORPUS = DATA / "corpus"
# Replies written by hand, one at a time, by twelve writers who saw only reply-labels.md
# (tests/data/corpus/handwritten/*.md say who and how).
HANDWRITTEN = sorted((CORPUS / "handwritten").glob("hw*.jsonl"))
TRAIN_FILES = [
    CORPUS / "train.jsonl",
    DATA / "replies.jsonl",
    DATA / "replies_holdout.jsonl",
    *HANDWRITTEN,
]
# blind_v2 was written as a blind set, then looked into (its errors guided lexicon fixes):
# it is dev now.
DEV_FILES = [CORPUS / "dev.jsonl", CORPUS / "blind_v2.jsonl"]
# Never read by training or tuning.
FROZEN_TEST = CORPUS / "test_frozen.jsonl"
BLIND_TEST = CORPUS / "blind_v3.jsonl"


class RowError(ValueError):
    """A JSON line that cannot be turned into a ReplyText."""


def parse_datetime(value: Any) -> datetime | None:
    """ISO 8601 timestamp (``Z`` allowed) or None."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise RowError("receivedAt must be an ISO 8601 string")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise RowError(f"receivedAt is not an ISO 8601 timestamp: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def reply_from_row(row: Any) -> ReplyText:
    """Build a ReplyText from ``{"subject", "from", "headers", "body", "receivedAt"?}``."""
    if not isinstance(row, dict):
        raise RowError("line is not a JSON object")
    body = row.get("body")
    if not isinstance(body, str):
        raise RowError("'body' must be a string")
    subject = row.get("subject", "") or ""
    sender = row.get("from", row.get("from_addr", "")) or ""
    headers = row.get("headers", {}) or {}
    if not isinstance(subject, str) or not isinstance(sender, str):
        raise RowError("'subject' and 'from' must be strings")
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str | int | float) for k, v in headers.items()
    ):
        raise RowError("'headers' must be an object of strings")
    received = parse_datetime(row.get("receivedAt", row.get("received_at")))
    return ReplyText(
        subject=subject,
        from_addr=sender,
        headers={k: str(v) for k, v in headers.items()},
        body=body,
        received_at=received,
    )


@dataclass(frozen=True)
class LabelledRow:
    id: str
    label: str
    lang: str
    reply: ReplyText
    return_date: date | None
    referral_email: str | None
    raw: dict[str, Any]


def load_labelled(path: str | Path) -> Iterator[LabelledRow]:
    """Rows of a labelled set such as tests/data/replies.jsonl (blank lines skipped)."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            label = row.get("label")
            if label not in LABELS:
                raise RowError(f"{path}:{n}: unknown label {label!r}")
            rd = row.get("returnDate")
            yield LabelledRow(
                id=str(row.get("id", n)),
                label=label,
                lang=str(row.get("lang", "")),
                reply=reply_from_row(row),
                return_date=date.fromisoformat(rd) if rd else None,
                referral_email=row.get("referralEmail"),
                raw=row,
            )

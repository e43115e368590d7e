"""Quality gates: macro-F1 of the rule classifier on the labelled reply sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.classify import LABELS
from outreach.classify.dataset import load_labelled
from outreach.classify.evaluate import evaluate

DATA = Path(__file__).resolve().parents[1] / "data"
DEV = DATA / "replies.jsonl"
HOLDOUT = DATA / "replies_holdout.jsonl"


def _check(path: Path, threshold: float) -> None:
    report = evaluate([path])
    details = f"\n{report.summary()}\n\nmisclassified:\n{report.mistakes_text(40)}"
    assert report.macro_f1 >= threshold, f"macro-F1 {report.macro_f1:.3f} < {threshold}{details}"


def test_dev_set_macro_f1() -> None:
    _check(DEV, 0.90)


def test_holdout_macro_f1() -> None:
    _check(HOLDOUT, 0.85)


def test_extraction_accuracy() -> None:
    report = evaluate([DEV, HOLDOUT])
    assert report.date_ok / report.date_total >= 0.85, report.mistakes_text()
    assert report.ref_ok / report.ref_total >= 0.85, report.mistakes_text()


@pytest.mark.parametrize("path", [DEV, HOLDOUT], ids=["dev", "holdout"])
def test_dataset_shape(path: Path) -> None:
    rows = list(load_labelled(path))
    ids = [r.id for r in rows]
    assert len(ids) == len(set(ids)), "duplicate ids"
    langs = {r.lang for r in rows}
    assert langs == {"en", "de", "fr", "es", "pt", "nl"}
    counts = {lab: sum(r.label == lab for r in rows) for lab in LABELS}
    minimum = 15 if path == DEV else 5
    assert min(counts.values()) >= minimum, counts
    if path == DEV:
        assert len(rows) >= 250
    for r in rows:
        assert r.reply.received_at is not None
        if r.label == "out_of_office":
            assert "returnDate" in r.raw
        if r.label == "referral":
            assert "referralEmail" in r.raw

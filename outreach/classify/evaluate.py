"""Score the classifier on labelled JSON lines (``make eval``).

    python -m outreach.classify.evaluate [--rules] [--errors] [FILE ...]

Without FILE: the two frozen test splits, each after checking its SHA-256 against the
``.sha256`` file beside it (a changed file is refused): ``blind_v3.jsonl``, replies written by
hand by someone who saw only reply-labels.md (the independent measure), and
``test_frozen.jsonl``, generated phrasing families held out of training. ``--rules``: the rule layer
alone (the baseline). Prints per-label precision/recall/F1/support, macro-F1, the confusion
matrix, unsubscribe recall, the stop/continue accuracy (out_of_office and auto_reply continue
the sequence, every other label stops it), how many answers were marked for review,
return-date and referral-email extraction accuracy, and with ``--errors`` the mistakes.
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import model, rules
from .dataset import BLIND_TEST, FROZEN_TEST, LabelledRow, load_labelled
from .models import LABELS, Classification, ReplyText

# What `make eval` reports on: (file, what it is). Neither is read by training or tuning.
FROZEN_SPLITS = (
    (BLIND_TEST, "blind test split: written by hand, blind to the classifier and its data"),
    (FROZEN_TEST, "frozen test split: generated phrasing families held out of training"),
)
CONTINUE_LABELS = frozenset({"out_of_office", "auto_reply"})


class FrozenSplitChanged(ValueError):
    """The frozen test split is not the file that was written once."""


def verify_frozen(path: Path = FROZEN_TEST, digest: Path | None = None) -> str:
    """The split's SHA-256 when it matches the one recorded beside it, else
    FrozenSplitChanged."""
    digest = digest or path.with_suffix(".sha256")
    got = hashlib.sha256(path.read_bytes()).hexdigest()
    want = digest.read_text(encoding="utf-8").split()[0]
    if got != want:
        raise FrozenSplitChanged(f"{path} has sha256 {got}, recorded {want}: refusing it")
    return got


_SHORT = {
    "interested": "int",
    "meeting_request": "meet",
    "objection": "obj",
    "not_interested": "no",
    "unsubscribe_request": "unsub",
    "out_of_office": "ooo",
    "auto_reply": "auto",
    "wrong_person": "wrong",
    "referral": "ref",
    "question": "q",
    "other": "other",
}


@dataclass
class Report:
    total: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    date_total: int = 0
    date_ok: int = 0
    ref_total: int = 0
    ref_ok: int = 0
    mistakes: list[tuple[LabelledRow, Classification]] = field(default_factory=list)
    extraction_mistakes: list[str] = field(default_factory=list)
    review: int = 0
    review_wrong: int = 0
    stop_ok: int = 0

    @property
    def unsubscribe_recall(self) -> float:
        return self.prf("unsubscribe_request")[1]

    @property
    def stop_continue_accuracy(self) -> float:
        return self.stop_ok / self.total if self.total else 0.0

    def prf(self, label: str) -> tuple[float, float, float, int]:
        tp = self.confusion[(label, label)]
        pred = sum(v for (g, p), v in self.confusion.items() if p == label)
        gold = sum(v for (g, p), v in self.confusion.items() if g == label)
        precision = tp / pred if pred else 0.0
        recall = tp / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1, gold

    @property
    def labels_present(self) -> list[str]:
        gold = {g for g, _ in self.confusion}
        return [lab for lab in LABELS if lab in gold]

    @property
    def macro_f1(self) -> float:
        labels = self.labels_present
        if not labels:
            return 0.0
        return sum(self.prf(lab)[2] for lab in labels) / len(labels)

    @property
    def accuracy(self) -> float:
        ok = sum(v for (g, p), v in self.confusion.items() if g == p)
        return ok / self.total if self.total else 0.0

    def confusion_table(self) -> str:
        cols = list(LABELS)
        head = "gold \\ pred".ljust(20) + "".join(_SHORT[c].rjust(6) for c in cols)
        rows = [head]
        for g in cols:
            counts = [self.confusion[(g, p)] for p in cols]
            if not any(counts):
                continue
            rows.append(g.ljust(20) + "".join((str(n) if n else ".").rjust(6) for n in counts))
        return "\n".join(rows)

    def summary(self) -> str:
        lines = [f"{'label':20}{'prec':>7}{'recall':>8}{'f1':>7}{'support':>9}"]
        for lab in self.labels_present:
            p, r, f, s = self.prf(lab)
            lines.append(f"{lab:20}{p:7.3f}{r:8.3f}{f:7.3f}{s:9d}")
        lines.append(
            f"macro-F1 {self.macro_f1:.3f}   accuracy {self.accuracy:.3f}   n={self.total}"
        )
        lines.append(
            f"unsubscribe recall {self.unsubscribe_recall:.3f}   stop/continue accuracy "
            f"{self.stop_continue_accuracy:.3f} ({self.stop_ok}/{self.total})"
        )
        if self.review:
            lines.append(
                f"marked for review {self.review} ({self.review / self.total:.1%}), "
                f"of which wrong {self.review_wrong}; wrong and not marked "
                f"{len(self.mistakes) - self.review_wrong}"
            )
        if self.date_total:
            lines.append(
                f"return-date extraction {self.date_ok}/{self.date_total} "
                f"({self.date_ok / self.date_total:.3f})"
            )
        if self.ref_total:
            lines.append(
                f"referral-email extraction {self.ref_ok}/{self.ref_total} "
                f"({self.ref_ok / self.ref_total:.3f})"
            )
        lines += [
            "",
            "confusion matrix (rows = gold, columns = predicted):",
            self.confusion_table(),
        ]
        return "\n".join(lines)

    def mistakes_text(self, limit: int = 200) -> str:
        out = []
        for row, c in self.mistakes[:limit]:
            snippet = " ".join(row.reply.body.split())[:90]
            out.append(
                f"{row.id}: gold={row.label} pred={c.label} [{'; '.join(c.reasons)[:120]}]"
                f" :: {snippet}"
            )
        out += self.extraction_mistakes[:limit]
        return "\n".join(out)


def evaluate(
    paths: list[str | Path], classify: Callable[[ReplyText], Classification] | None = None
) -> Report:
    """Score ``classify`` (default: rules and model, as in production) on the files."""
    classify = classify or model.classify
    report = Report()
    for path in paths:
        for row in load_labelled(path):
            c = classify(row.reply)
            report.total += 1
            report.confusion[(row.label, c.label)] += 1
            if (row.label in CONTINUE_LABELS) == (c.label in CONTINUE_LABELS):
                report.stop_ok += 1
            if c.needs_review:
                report.review += 1
                report.review_wrong += c.label != row.label
            if c.label != row.label:
                report.mistakes.append((row, c))
            if row.label == "out_of_office" and "returnDate" in row.raw:
                report.date_total += 1
                if c.return_date == row.return_date:
                    report.date_ok += 1
                else:
                    report.extraction_mistakes.append(
                        f"{row.id}: returnDate gold={row.return_date} got={c.return_date}"
                    )
            if row.label == "referral" and "referralEmail" in row.raw:
                report.ref_total += 1
                gold = (row.referral_email or "").lower() or None
                got = (c.referral_email or "").lower() or None
                if gold == got:
                    report.ref_ok += 1
                else:
                    report.extraction_mistakes.append(
                        f"{row.id}: referralEmail gold={gold} got={got}"
                    )
    return report


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    show_errors = "--errors" in args
    rules_only = "--rules" in args
    files: list[str | Path] = [a for a in args if a not in ("--errors", "--rules")]
    classify = rules.classify if rules_only else model.classify
    runs: list[tuple[str, list[str | Path]]] = [("files", files)] if files else []
    try:
        if not files:
            for path, what in FROZEN_SPLITS:
                digest = verify_frozen(path)
                runs.append((f"{what}\n{path.name}: sha256 {digest} (verified)", [path]))
        reports = [(title, paths, evaluate(paths, classify)) for title, paths in runs]
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"evaluate: error: {exc}\n")
        return 1
    for n, (title, paths, report) in enumerate(reports):
        if n:
            print("\n" + "=" * 72 + "\n")
        print(title if title != "files" else f"files: {', '.join(str(f) for f in paths)}")
        print("classifier: " + ("rules only" if rules_only else "rules + model"))
        print(report.summary())
        if show_errors:
            print("\nmisclassified:")
            print(report.mistakes_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Leave-family-out cross-validation of the combined classifier over the TRAIN split only.

    python training/cv.py [--folds 4] [--C 4] [--C 16] [--floor 0.2 ...]

Every phrasing family of train.jsonl (its ``family`` field; an opt-out tail is a family of
its own) is put in one of ``--folds`` folds by a stable hash of its id. For fold k the model is
fitted on the train rows none of whose families is in fold k (plus the hand-labelled sets,
which carry no family) and scored, rules + model as in production
(outreach.classify.model.combine), on the rows whose main family is in fold k: phrasings the
fitted model never saw, the way the frozen test split's are. Reported per C and unsubscribe
floor: macro-F1, unsubscribe recall, stop/continue accuracy, and the precision of the answers
above each candidate review threshold. The dev and frozen splits are not read.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from collections import Counter
from pathlib import Path

from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train as tr

from outreach.classify.dataset import load_labelled
from outreach.classify.model import combine
from outreach.classify.models import LABELS
from outreach.classify.rules import analyse


def fold_of(family: str, folds: int) -> int:
    return zlib.crc32(family.encode("utf-8")) % folds


def per_label_f1(gold: list[str], pred: list[str]) -> dict[str, float]:
    out = {}
    for lab in LABELS:
        tp = sum(g == p == lab for g, p in zip(gold, pred, strict=True))
        fp = sum(p == lab != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == lab != p for g, p in zip(gold, pred, strict=True))
        out[lab] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--C", type=float, action="append")
    ap.add_argument("--floor", type=float, action="append")
    ap.add_argument("--errors", action="store_true", help="print the mistakes of the first C")
    args = ap.parse_args()
    cs = args.C or [tr.C]
    floors = args.floor or [1.0, 0.3, 0.2, 0.15, 0.1]

    rows = [r for p in tr.TRAIN for r in load_labelled(p)]
    ans = [analyse(r.reply) for r in rows]
    x, y = tr.matrix(rows, ans)
    fams = [r.raw.get("family", "").split("+") if r.raw.get("family") else [] for r in rows]
    print(f"{len(rows)} rows ({sum(1 for f in fams if f)} with families), {args.folds} folds")

    for c in cs:
        gold: list[str] = []
        preds: dict[float, list[str]] = {f: [] for f in floors}
        conf: list[tuple[float, bool]] = []
        errors: list[str] = []
        for k in range(args.folds):
            test_i = [i for i, f in enumerate(fams) if f and fold_of(f[0], args.folds) == k]
            train_i = [
                i for i, f in enumerate(fams) if not any(fold_of(g, args.folds) == k for g in f)
            ]
            clf = LogisticRegression(C=c, max_iter=3000, tol=1e-6)
            clf.fit(x[train_i], y[train_i])
            for i in test_i:
                gold.append(rows[i].label)
            for f in floors:
                model = tr.export(clf, {"labels": list(LABELS), "unsubscribe_floor": f})
                for i in test_i:
                    out = combine(rows[i].reply, ans[i], model)
                    preds[f].append(out.label)
                    if f == floors[-1]:
                        conf.append((out.confidence, out.label == rows[i].label))
                        if args.errors and out.label != rows[i].label and c == cs[0]:
                            body = " ".join(an_text(ans[i]).split())[:100]
                            errors.append(
                                f"{rows[i].raw['family']}: gold={rows[i].label} "
                                f"pred={out.label} :: {body}"
                            )
        print(f"C={c:g}")
        for f in floors:
            pred = preds[f]
            f1 = per_label_f1(gold, pred)
            n_unsub = sum(g == "unsubscribe_request" for g in gold)
            rec = (
                sum(
                    p == "unsubscribe_request"
                    for g, p in zip(gold, pred, strict=True)
                    if g == "unsubscribe_request"
                )
                / n_unsub
            )
            stop = sum(
                (g in tr.CONTINUE) == (p in tr.CONTINUE) for g, p in zip(gold, pred, strict=True)
            ) / len(gold)
            macro = sum(f1.values()) / len(f1)
            print(
                f"  floor {f:.2f}: macro-F1 {macro:.3f}  unsubscribe recall {rec:.3f}  "
                f"stop/continue {stop:.3f}  (n={len(gold)})"
            )
        print("  per-label F1 (last floor): " + ", ".join(f"{k} {v:.3f}" for k, v in f1.items()))
        for t in (0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
            sel = [ok for cf, ok in conf if cf >= t]
            print(
                f"  confidence >= {t:.2f}: {len(sel)} answers, right {sum(sel) / len(sel):.3f}; "
                f"below: {len(conf) - len(sel)}, right "
                f"{sum(ok for cf, ok in conf if cf < t) / max(1, len(conf) - len(sel)):.3f}"
            )
        if errors:
            print(Counter(e.split(" :: ")[0].split(": ", 1)[1] for e in errors).most_common(25))
            print("\n".join(errors[:150]))
    return 0


def an_text(an: object) -> str:
    return str(getattr(an, "body", ""))


if __name__ == "__main__":
    raise SystemExit(main())

"""Leave-one-writer-out cross-validation of the combined classifier (rules + model).

    python training/writer_cv.py [--C 4 ...] [--floor 0.2 ...] [--errors]

Each hand-written set (tests/data/corpus/handwritten/hw*.jsonl and the dev set blind_v2.jsonl,
each written by a different writer who saw only reply-labels.md) is held out in turn: the
model is fitted on everything train.py trains on minus that set (the generated corpus, the
hand-labelled replies, the other writers' sets) and scored, rules + model as in production
(outreach.classify.model.combine), on the held-out set, a writer it never read. This is how
C, the unsubscribe floor and the review threshold are chosen; the frozen splits
(test_frozen.jsonl, blind_v3.jsonl) are never read.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train as tr
from cv import per_label_f1

from outreach.classify.dataset import load_labelled
from outreach.classify.model import combine
from outreach.classify.models import LABELS
from outreach.classify.rules import analyse

WRITERS = [*tr.HANDWRITTEN, tr.CORPUS / "blind_v2.jsonl"]


def figures(gold: list[str], pred: list[str]) -> tuple[float, float, float, dict[str, float]]:
    f1 = per_label_f1(gold, pred)
    unsub = [p for g, p in zip(gold, pred, strict=True) if g == "unsubscribe_request"]
    recall = sum(p == "unsubscribe_request" for p in unsub) / max(1, len(unsub))
    stop = sum((g in tr.CONTINUE) == (p in tr.CONTINUE) for g, p in zip(gold, pred, strict=True))
    return sum(f1.values()) / len(f1), recall, stop / len(gold), f1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--C", type=float, action="append")
    ap.add_argument("--floor", type=float, action="append")
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    cs = args.C or [tr.C]
    floors = args.floor or [1.0, 0.3, 0.2, 0.15, 0.1, 0.07, 0.05]

    sources = [p for p in [*tr.TRAIN, *tr.DEV] if p not in WRITERS] + WRITERS
    rows, origin = [], []
    for p in sources:
        for r in load_labelled(p):
            rows.append(r)
            origin.append(p)
    ans = [analyse(r.reply) for r in rows]
    x, y = tr.matrix(rows, ans)
    print(f"{len(rows)} rows; held out in turn: {', '.join(w.name for w in WRITERS)}")

    def fit(c: float, held: Path) -> LogisticRegression:
        keep = [i for i, o in enumerate(origin) if o != held]
        clf = LogisticRegression(C=c, max_iter=3000, tol=1e-6)
        clf.fit(x[keep], y[keep])
        return clf

    for c in cs:
        models = Parallel(n_jobs=2)(delayed(fit)(c, w) for w in WRITERS)
        gold: list[str] = []
        preds: dict[float, list[str]] = {f: [] for f in floors}
        conf: list[tuple[float, bool]] = []
        errors: list[str] = []
        for w, clf in zip(WRITERS, models, strict=True):
            test = [i for i, o in enumerate(origin) if o == w]
            gold += [rows[i].label for i in test]
            per: list[str] = []
            for f in floors:
                model = tr.export(clf, {"labels": list(LABELS), "unsubscribe_floor": f})
                for i in test:
                    out = combine(rows[i].reply, ans[i], model)
                    preds[f].append(out.label)
                    if f == floors[-1]:
                        per.append(out.label)
                        conf.append((out.confidence, out.label == rows[i].label))
                        if args.errors and out.label != rows[i].label and c == cs[0]:
                            body = " ".join(ans[i].body.split())[:110]
                            errors.append(
                                f"{rows[i].id}: gold={rows[i].label} pred={out.label} :: {body}"
                            )
            m, rec, stop, _ = figures([rows[i].label for i in test], per)
            print(f"  C={c:g} {w.name}: macro-F1 {m:.3f} unsubscribe {rec:.3f} stop {stop:.3f}")
        print(f"C={c:g} (all held-out writers, n={len(gold)})")
        for f in floors:
            m, rec, stop, f1 = figures(gold, preds[f])
            print(
                f"  floor {f:.2f}: macro-F1 {m:.3f}  unsubscribe recall {rec:.3f}  "
                f"stop/continue {stop:.3f}"
            )
        print("  per-label F1 (last floor): " + ", ".join(f"{k} {v:.3f}" for k, v in f1.items()))
        for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
            sel = [ok for cf, ok in conf if cf >= t]
            print(
                f"  confidence >= {t:.2f}: {len(sel)} answers, right {sum(sel) / len(sel):.3f}; "
                f"below: {len(conf) - len(sel)}"
            )
        if errors:
            pairs = Counter(e.split(" :: ")[0].split(": ", 1)[1] for e in errors)
            print(pairs.most_common(25))
            print("\n".join(errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

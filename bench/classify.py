"""Latency of the reply classifier per reply, with the rule layer alone as the baseline, in the
same run and on the same replies (the dev split: real lengths, quoted pitches, signatures).

    python bench/classify.py [N]      # N replies, default 1000

Prints mean / p50 / p95 / p99 in milliseconds for: the rules alone, rules + model (what a
worker runs without a model provider), and the model's own share (features + weights). The
model file is loaded before timing (a worker loads it once).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from outreach.classify.dataset import load_labelled  # noqa: E402
from outreach.classify.features import featurize  # noqa: E402
from outreach.classify.model import classify, get_model  # noqa: E402
from outreach.classify.rules import analyse  # noqa: E402
from outreach.classify.rules import classify as rules_only  # noqa: E402


def timed(fn, items) -> list[float]:
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - t) * 1000)
    return out


def show(name: str, ms: list[float]) -> None:
    q = statistics.quantiles(ms, n=100)
    print(
        f"{name:24} mean {statistics.fmean(ms):6.2f}  p50 {q[49]:6.2f}  p95 {q[94]:6.2f}  "
        f"p99 {q[98]:6.2f} ms"
    )


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rows = list(load_labelled(ROOT / "tests" / "data" / "corpus" / "dev.jsonl"))
    replies = [rows[i % len(rows)].reply for i in range(n)]
    t = time.perf_counter()
    model = get_model()
    print(f"model loaded in {(time.perf_counter() - t) * 1000:.0f} ms ({len(model.idx)} rows)")
    classify(replies[0])  # warm up the regular expressions
    show("rules only (baseline)", timed(rules_only, replies))
    show("rules + model", timed(classify, replies))
    ans = [analyse(r) for r in replies]

    def model_part(i: int) -> None:
        an, r = ans[i], replies[i]
        model.probabilities(*featurize(an, r.subject, r.from_addr))

    show("model part alone", timed(model_part, range(n)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

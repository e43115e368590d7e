"""The learned part of the classifier, combined with the rules where the rules are certain.

The model (``reply_model.npz``, written by ``make train``) is a multinomial logistic
regression over :mod:`outreach.classify.features`; inference is a sum of float16 weight rows
and a softmax in numpy, loaded once per process (a worker loads it on its first reply).
Deterministic: the same reply always gets the same label and confidence.

Decision:

1. an explicit opt-out phrase (the rules' unsubscribe lexicon) -> ``unsubscribe_request``,
   whatever the model says (it wins over every other label);
2. header evidence of machine mail (RFC 3834 ``Auto-Submitted``, ``X-Autoreply``,
   ``Precedence: auto_reply`` and the like; not ``Precedence`` alone) -> the model chooses
   among ``out_of_office``, ``auto_reply`` and ``referral`` (a departure notice naming a
   replacement) only;
3. otherwise the model decides; its probability is the ``confidence``, and below the review
   threshold chosen on the dev split the answer is marked ``needs_review``.

Return dates and referral addresses come from the rule extractors.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .dates import extract_return_date
from .features import featurize
from .models import LABELS, Classification, ReplyText
from .referral import extract_referral_email
from .rules import Analysis, analyse

MODEL_FILE = Path(__file__).with_name("reply_model.npz")
MACHINE_LABELS = ("out_of_office", "auto_reply", "referral")


@dataclass(frozen=True)
class ReplyModel:
    idx: np.ndarray  # sorted bucket numbers in use (int32)
    weights: np.ndarray  # (len(idx), len(LABELS)) float32
    bias: np.ndarray  # (len(LABELS),) float32
    meta: dict[str, Any]

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> ReplyModel:
        with np.load(path, allow_pickle=False) as f:
            meta = json.loads(str(f["meta"]))
            if tuple(meta["labels"]) != LABELS:
                raise ValueError(f"{path}: the model's labels are not the classifier's")
            return cls(
                idx=f["idx"].astype(np.int64),
                weights=f["weights"].astype(np.float32),
                bias=f["bias"].astype(np.float32),
                meta=meta,
            )

    @property
    def review_threshold(self) -> float:
        return float(self.meta.get("review_threshold", 0.6))

    @property
    def unsubscribe_floor(self) -> float:
        """An opt-out this likely is taken as one even when another label is likelier:
        missing an opt-out costs more than a false one (which is marked for review)."""
        return float(self.meta.get("unsubscribe_floor", 1.0))

    def probabilities(self, buckets: list[int], values: list[float]) -> np.ndarray:
        """Softmax over the eleven labels for one featurized reply."""
        logits = self.bias.astype(np.float64)
        if buckets:
            b = np.asarray(buckets, dtype=np.int64)
            pos = np.searchsorted(self.idx, b)
            pos = np.minimum(pos, len(self.idx) - 1)
            found = self.idx[pos] == b
            if found.any():
                rows = self.weights[pos[found]].astype(np.float64)
                vals = np.asarray(values, dtype=np.float64)[found]
                logits = logits + vals @ rows
        z = np.exp(logits - logits.max())
        out: np.ndarray = z / z.sum()
        return out


_model: ReplyModel | None = None
_lock = threading.Lock()


def get_model() -> ReplyModel:
    """The packaged model, loaded once per process."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = ReplyModel.load()
    return _model


# Below this model probability a confident phrase rule's label is taken instead.
RULES_OVER_UNSURE_MODEL = 0.5


def combine(reply: ReplyText, an: Analysis, model: ReplyModel | None = None) -> Classification:
    """The label of a reply from its rule analysis and the model (see the module docstring)."""
    rules = an.classification
    assert rules is not None
    model = model or get_model()
    if an.unsubscribe:
        return Classification(
            "unsubscribe_request",
            max(rules.confidence, 0.95),
            [*rules.reasons, "rules: an explicit opt-out wins over every other label"],
        )
    if an.yes_to:
        return rules
    if "rule: acknowledgement only" in rules.reasons or (
        not an.folded.strip() and not an.headers.auto
    ):
        # Only thanks, greetings or nothing at all (after quotes and signatures): other.
        return Classification("other", 0.9, ["rules: nothing but an acknowledgement"])
    buckets, values = featurize(an, reply.subject, reply.from_addr)
    probs = model.probabilities(buckets, values)
    ev = an.headers
    # Precedence alone (some systems add it to ordinary mail) counts only when the rules, which
    # weigh it against the text, also found the message machine-written.
    precedence_only = all(r.startswith("header Precedence") for r in ev.reasons)
    strong_header = ev.auto and (
        not precedence_only or rules.label in ("out_of_office", "auto_reply")
    )
    reasons: list[str] = []
    if strong_header:
        allowed = [LABELS.index(lab) for lab in MACHINE_LABELS]
        sub = probs[allowed]
        k = allowed[int(sub.argmax())]
        confidence = float(sub.max() / sub.sum())
        reasons.append("rules: machine-written, by its headers")
        reasons += ev.reasons
    else:
        k = int(probs.argmax())
        confidence = float(probs[k])
        unsub = LABELS.index("unsubscribe_request")
        if k != unsub and probs[unsub] >= model.unsubscribe_floor:
            reasons.append(f"model: possible opt-out ({probs[unsub]:.2f}) taken as one")
            k, confidence = unsub, float(probs[unsub])
    label = LABELS[k]
    reasons.insert(0, f"model: {label} ({confidence:.2f})")
    if (
        not strong_header
        and confidence < RULES_OVER_UNSURE_MODEL
        and rules.label != label
        and rules.confidence >= 0.7
        and not any(r.startswith("rule: keyword") for r in rules.reasons)
    ):
        # The model is unsure and a phrase rule is not: the rule's label (on six writers the
        # model never read, this is right more often than the model's guess).
        reasons.append(f"rules: a {rules.label} phrase over an unsure model")
        label, confidence = rules.label, rules.confidence
    reasons.append(
        f"rules agree ({rules.label})" if rules.label == label else f"rules said {rules.label}"
    )
    needs_review = confidence < model.review_threshold or any(
        r.startswith("model: possible opt-out") for r in reasons
    )
    if needs_review:
        reasons.append(f"low confidence (< {model.review_threshold:.2f}): check the label")
    return_date = None
    referral_email = None
    if label == "out_of_office":
        return_date = rules.return_date or extract_return_date(an.body, reply.received_at)
        reasons.append(
            f"return date {return_date.isoformat()}" if return_date else "no return date stated"
        )
    if label == "referral":
        referral_email = rules.referral_email or extract_referral_email(
            an.body, reply.from_addr, reply.headers
        )
    return Classification(
        label,
        confidence,
        reasons,
        return_date=return_date,
        referral_email=referral_email,
        needs_review=needs_review,
    )


def classify(reply: ReplyText) -> Classification:
    """Classify a reply with the rules and the packaged model (pure, no I/O after loading)."""
    return combine(reply, analyse(reply))

"""Training and evaluation, shared by ``fanzha detect train|eval`` and the shipped-model script."""

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from fanzha.core.vocab import FraudType
from fanzha.detect import features
from fanzha.detect.corpus import REGISTERS, Example
from fanzha.detect.detector import Detector
from fanzha.detect.model import LinearModel, threshold_for_fpr, train
from fanzha.detect.reputation import Reputation, official


def _split(example: Example) -> bool:
    """A stable ~20% validation share, decided by the text itself."""
    return hashlib.sha1(example.text.encode()).digest()[0] < 52


def _fit(
    examples: Sequence[Example],
    weights: Sequence[float],
    about: str,
    rep: Reputation,
    threshold_logit: float = 0.0,
) -> LinearModel:
    x = features.matrix([features.analyse(e.text, rep) for e in examples], rep)
    return train(
        x,
        [e.is_fraud for e in examples],
        [e.fraud_type for e in examples],
        weights,
        about,
        threshold_logit,
        features.NONNEGATIVE,
    )


def fit(
    examples: Sequence[Example], about: str, weights: Sequence[float] | None = None, max_fpr: float = 0.02
) -> LinearModel:
    """Fit on 80%, set the threshold for ``max_fpr`` on the other 20%, then refit on everything."""
    if not any(e.is_fraud for e in examples) or all(e.is_fraud for e in examples):
        raise ValueError("training data needs both fraud and normal examples")
    rep = official()
    w = list(weights) if weights is not None else [1.0] * len(examples)
    held = [i for i, e in enumerate(examples) if _split(e)]
    kept = [i for i, e in enumerate(examples) if not _split(e)]
    threshold = 0.0
    if held and any(examples[i].is_fraud for i in kept) and not all(examples[i].is_fraud for i in kept):
        first = _fit([examples[i] for i in kept], [w[i] for i in kept], about, rep)
        xv = features.matrix([features.analyse(examples[i].text, rep) for i in held], rep)
        labels = np.array([examples[i].is_fraud for i in held])
        threshold = min(threshold_for_fpr(first.fraud_logits(xv), labels, max_fpr), 2.0)
        threshold = max(threshold, -2.0)
    return _fit(examples, w, about, rep, threshold)


@dataclass
class Report:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def fpr(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def per_type(self) -> dict[str, tuple[float, float, float, int]]:
        """type → (precision, recall, F1, support) over fraud examples that carry a type."""
        result = {}
        labels = sorted({t for t, _ in self.confusion} | {p for _, p in self.confusion} - {"(normal)"})
        for code in labels:
            if code == "(normal)":
                continue
            tp = self.confusion[(code, code)]
            support = sum(n for (t, _), n in self.confusion.items() if t == code)
            predicted = sum(n for (_, p), n in self.confusion.items() if p == code)
            p = tp / predicted if predicted else 0.0
            r = tp / support if support else 0.0
            result[code] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, support)
        return result

    def macro_f1(self) -> float:
        scores = [f for _, _, f, support in self.per_type().values() if support]
        return sum(scores) / len(scores) if scores else 0.0


def evaluate(detector: Detector, examples: Sequence[Example], batch: int = 2000) -> Report:
    report = Report()
    for start in range(0, len(examples), batch):
        chunk = examples[start : start + batch]
        for e, v in zip(chunk, detector.classify([e.text for e in chunk]), strict=True):
            if e.is_fraud and v.is_fraud:
                report.tp += 1
            elif e.is_fraud:
                report.fn += 1
            elif v.is_fraud:
                report.fp += 1
            else:
                report.tn += 1
            if e.is_fraud and e.fraud_type is not None:
                predicted = v.fraud_type.value if v.fraud_type else "(normal)"
                report.confusion[(e.fraud_type.value, predicted)] += 1
    return report


def evaluate_by_register(detector: Detector, examples: Sequence[Example]) -> dict[str, Report]:
    """One report per register (sms, chat, …), in the corpus's order of registers; texts without
    one are reported as "(未标注)". Detection must hold in each, so none is averaged away."""
    groups: dict[str, list[Example]] = {}
    for e in examples:
        groups.setdefault(e.register or "(未标注)", []).append(e)
    order = {r: i for i, r in enumerate(REGISTERS)}
    return {r: evaluate(detector, groups[r]) for r in sorted(groups, key=lambda r: order.get(r, len(order)))}


__all__ = ["FraudType", "Report", "evaluate", "evaluate_by_register", "fit"]

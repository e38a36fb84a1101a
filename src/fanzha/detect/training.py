"""Training and evaluation, shared by ``fanzha detect train|eval`` and the shipped-model script."""

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from threadpoolctl import threadpool_limits

from fanzha.core.vocab import FraudType
from fanzha.detect import features
from fanzha.detect.corpus import Example
from fanzha.detect.detector import Detector, Verdict
from fanzha.detect.model import LinearModel, fit_fraud_head, threshold_for_fpr, train
from fanzha.detect.registers import REGISTERS
from fanzha.detect.reputation import Reputation, official

if TYPE_CHECKING:
    from scipy import sparse

T = TypeVar("T")
# The name under which reports group texts whose data names no register.
UNSTATED = "(未标注)"


def _split(example: Example) -> bool:
    """A stable ~20% validation share, decided by the text itself."""
    return hashlib.sha1(example.text.encode()).digest()[0] < 52


# A register gets a threshold of its own only with this many genuine validation texts: with 55
# (call, 2026-12-01) a 2% target is the second-highest score of all, and that one text moved the
# threshold from 2.0 to 3.1 logits and the register's validation recall from 0.93 to 0.66.
MIN_NORMAL = 100
# Bounds on a threshold, against a few odd texts in a small set. The fit's logits spread over about
# ±15 since its regularisation was loosened (BINARY_C): ±2 then cut the calibrated SMS, chat and
# call thresholds short (2% FPR lies near 2.5–4 there).
_THRESHOLD_RANGE = (-6.0, 6.0)


def fit_weighted(
    examples: Sequence[Example],
    weights: Sequence[float],
    about: str,
    rep: Reputation,
    threshold_logit: float = 0.0,
    register_thresholds: Sequence[float] | None = None,
) -> LinearModel:
    """One fit, thresholds as given: the recipe's steps below, and scripts/detect_groups.py, which
    reads a left-out group's recall off its own scores."""
    return _train(_matrix(examples, rep), examples, weights, about, threshold_logit, register_thresholds)


def _matrix(examples: Sequence[Example], rep: Reputation) -> "sparse.csr_matrix":
    return features.matrix([features.analyse(e.text, rep) for e in examples], rep)


def _train(
    x: "sparse.csr_matrix",
    examples: Sequence[Example],
    weights: Sequence[float],
    about: str,
    threshold_logit: float = 0.0,
    register_thresholds: Sequence[float] | None = None,
) -> LinearModel:
    return train(
        x,
        [e.is_fraud for e in examples],
        [e.fraud_type for e in examples],
        [e.register for e in examples],
        weights,
        about,
        features.NONNEGATIVE,
        features.REGISTER_COLUMNS,
        threshold_logit,
        register_thresholds,
    )


def _cut(logits: np.ndarray, labels: np.ndarray, max_fpr: float) -> float:
    return float(np.clip(threshold_for_fpr(logits, labels, max_fpr), *_THRESHOLD_RANGE))


def _logits(model: LinearModel, texts: Sequence[Example]) -> np.ndarray:
    return model.fraud_logits(_matrix(texts, official()))


def _with_thresholds(model: LinearModel, held: Sequence[Example], max_fpr: float) -> LinearModel:
    """The global threshold and each register's, set on ``held`` for a false-positive rate within
    ``max_fpr`` there (the global one for a register with fewer than MIN_NORMAL genuine texts)."""
    return _thresholds_from(model, _logits(model, held), held, max_fpr)


def _thresholds_from(
    model: LinearModel, logits: np.ndarray, held: Sequence[Example], max_fpr: float
) -> LinearModel:
    """``model`` with thresholds read off ``logits``, the scores of ``held`` (by ``model`` or by
    models that never saw those texts)."""
    labels = np.array([e.is_fraud for e in held])
    threshold = _cut(logits, labels, max_fpr)
    per_register = []
    for register in REGISTERS:
        mine = np.array([e.register == register for e in held])
        enough = (~labels & mine).sum() >= MIN_NORMAL
        per_register.append(_cut(logits[mine], labels[mine], max_fpr) if enough else threshold)
    return replace(model, threshold_logit=threshold, register_thresholds=np.array(per_register))


@dataclass(frozen=True)
class Validated:
    """The model fitted on the training share, with the thresholds the validation share set."""

    model: LinearModel
    held: list[Example]


def _check_labels(examples: Sequence[Example]) -> None:
    if not any(e.is_fraud for e in examples) or all(e.is_fraud for e in examples):
        raise ValueError("training data needs both fraud and normal examples")


def validate(
    examples: Sequence[Example], about: str, weights: Sequence[float] | None = None, max_fpr: float = 0.02
) -> Validated:
    """Fit on ~80% and set the thresholds on the other ~20% (``_with_thresholds``)."""
    _check_labels(examples)
    rep = official()
    w = list(weights) if weights is not None else [1.0] * len(examples)
    held = [e for e in examples if _split(e)]
    kept = [(e, wi) for e, wi in zip(examples, w, strict=True) if not _split(e)]
    if not held or all(e.is_fraud for e, _ in kept) or not any(e.is_fraud for e, _ in kept):
        return Validated(fit_weighted(examples, w, about, rep), [])
    first = fit_weighted([e for e, _ in kept], [wi for _, wi in kept], about, rep)
    return Validated(_with_thresholds(first, held, max_fpr), held)


def fit(
    examples: Sequence[Example],
    about: str,
    weights: Sequence[float] | None = None,
    max_fpr: float = 0.02,
    calibration: Sequence[Example] = (),
) -> LinearModel:
    """Fit on everything, with thresholds set on the ``calibration`` texts when given, else on a
    validation share of the training data (``validate``) and then refitted on everything.

    Calibration texts written apart from the training data set truer thresholds: one set on the
    corpus's own genuine SMS (1.9% false positives there) flagged 15% of another writer's genuine
    SMS (docs/detection-history.md, independent2)."""
    w = list(weights) if weights is not None else [1.0] * len(examples)
    if calibration:
        _check_labels(examples)
        if all(e.is_fraud for e in calibration):
            raise ValueError("calibration data needs normal examples")
        return _with_thresholds(fit_weighted(examples, w, about, official()), calibration, max_fpr)
    thresholds = validate(examples, about, weights, max_fpr).model
    return fit_weighted(
        examples, w, about, official(), thresholds.threshold_logit, list(thresholds.register_thresholds)
    )


def fit_crossed(
    examples: Sequence[Example],
    about: str,
    groups: Sequence[Sequence[Example]],
    weights: Sequence[float] | None = None,
    max_fpr: float = 0.02,
    on_fit: Callable[[int, int], None] | None = None,
    folds: int | None = None,
) -> LinearModel:
    """Fit on the examples and every group, with thresholds set on each group's scores from a model
    fitted without that group (out of fold); given ``folds`` fewer than the groups, several are left out
    together (``pool_folds``). ``on_fit(done, total)`` hears of each fit, for a progress bar.

    Each group should be one writer's or one source's texts. Trained on, other writers' texts lifted
    the mean recall at 3% false positives on a writer left out, in every register (docs/detection.md);
    scored by a model that never saw them, they still say where a new writer's genuine texts fall."""
    _check_labels(examples)
    if len(groups) < 2:
        raise ValueError("cross-fitted thresholds need at least two calibration groups")
    if folds is not None and folds < 2:
        raise ValueError("cross-fitted thresholds need at least two folds")
    if all(e.is_fraud for group in groups for e in group):
        raise ValueError("calibration data needs normal examples")
    if folds is not None:
        groups = pool_folds(groups, folds)
    held = [e for group in groups for e in group]
    everything = [*examples, *held]
    w = [*(weights if weights is not None else [1.0] * len(examples)), *[1.0] * len(held)]
    x = _matrix(everything, official())
    final = _train(x, everything, w, about)
    total = len(groups) + 1
    report = on_fit or (lambda done, total: None)
    report(1, total)
    bounds = np.cumsum([len(examples), *map(len, groups)])
    logits = out_of_fold_logits(
        x,
        np.array([e.is_fraud for e in everything], dtype=bool),
        np.array(w, dtype=np.float64),
        [slice(a, b) for a, b in pairwise(bounds)],
        (final.binary_w, final.binary_b),
        lambda done: report(1 + done, total),
    )
    return _thresholds_from(final, logits, held, max_fpr)


def pool_folds(groups: Sequence[Sequence[T]], folds: int) -> list[list[T]]:
    """At most ``folds`` folds, each a whole number of groups, dealt round-robin in the order given.

    Every out-of-fold fit costs about 0.6 of a complete one, and with a group per fold the shipped
    recipe's time grew with each writer group (77 minutes for 32 groups on two cores). Groups stay whole,
    so a fold's scores still come from a model that never saw that writer."""
    return [[e for group in groups[i::folds] for e in group] for i in range(min(folds, len(groups)))]


def out_of_fold_logits(
    x: "sparse.csr_matrix",
    is_fraud: np.ndarray,
    weights: np.ndarray,
    groups: Sequence[slice],
    start: tuple[np.ndarray, float],
    on_fit: Callable[[int], None] | None = None,
    nonnegative: np.ndarray = features.NONNEGATIVE,
    workers: int | None = None,
) -> np.ndarray:
    """Each group's rows scored by a fraud head fitted on all the other rows. The thresholds need
    only these logits, so the type and register heads are not fitted again; and each fit starts
    from ``start``, the fit on all rows, which is much nearer its optimum than zeros are.
    ``nonnegative`` moves with the named columns when an experiment hashes into more columns.

    The fits run side by side in ``workers`` processes (default: one per CPU; joblib hands the matrix
    over as shared memory), each with BLAS on one thread. L-BFGS-B holds the interpreter lock, so
    threads reached only about 1.3 of two cores; and a fit's BLAS calls are small vector sums, between
    which OpenBLAS's own threads spun for half the CPU of two fits side by side (perf, 2026-12-05)."""
    from joblib import Parallel, delayed, parallel_config

    scored: dict[int, np.ndarray] = {}
    with (
        threadpool_limits(limits=1, user_api="blas"),
        parallel_config(backend="loky", inner_max_num_threads=1),
    ):
        jobs = Parallel(n_jobs=workers or os.cpu_count() or 1, return_as="generator_unordered")
        fits = jobs(
            delayed(_fit_without)(i, x, is_fraud, weights, rows, nonnegative, start)
            for i, rows in enumerate(groups)
        )
        for done, (i, logits) in enumerate(fits, start=1):
            scored[i] = logits
            if on_fit is not None:
                on_fit(done)
    return np.concatenate([scored[i] for i in range(len(groups))])


def _fit_without(
    index: int,
    x: "sparse.csr_matrix",
    is_fraud: np.ndarray,
    weights: np.ndarray,
    rows: slice,
    nonnegative: np.ndarray,
    start: tuple[np.ndarray, float],
) -> tuple[int, np.ndarray]:
    """``rows`` scored by a fraud head fitted without them, with the index of their group."""
    out = np.ones(x.shape[0], dtype=bool)
    out[rows] = False
    coef, bias = fit_fraud_head(x[out], is_fraud[out], weights[out], nonnegative, start)
    scored: np.ndarray = x[rows] @ coef + bias
    return index, scored


@dataclass
class Report:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    registers: Counter[str | None] = field(default_factory=Counter)  # the register each was judged in
    flagged: list[bool] = field(default_factory=list)  # each text's verdict, in the data's order

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

    @property
    def recall_interval(self) -> tuple[float, float]:
        return wilson_interval(self.tp, self.tp + self.fn)

    @property
    def fpr_interval(self) -> tuple[float, float]:
        return wilson_interval(self.fp, self.fp + self.tn)

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


def wilson_interval(hits: int, total: int) -> tuple[float, float]:
    """95% Wilson score interval of hits/total. A register of a held-out round has 80–144 texts a
    class, where one text moves a rate by about a point: the interval says which differences between
    two models, or between a figure and its aim, such a round can tell apart."""
    if not total:
        return (0.0, 1.0)
    from scipy.stats import binomtest  # about half a second to import: only when a report is printed

    ci = binomtest(hits, total).proportion_ci(confidence_level=0.95, method="wilson")
    return (float(ci.low), float(ci.high))


def mcnemar_p(only_first: int, only_second: int) -> float:
    """Exact two-sided McNemar test: under "neither model is better" each text the two disagree on
    is a coin toss, so only the disagreements count, however many texts they agree on."""
    from scipy.stats import binomtest

    total = only_first + only_second
    return float(binomtest(only_first, total).pvalue) if total else 1.0


@dataclass
class Comparison:
    """Where two models' verdicts on the same texts differ, by class."""

    fraud: int = 0
    caught_only_by_first: int = 0
    caught_only_by_second: int = 0
    genuine: int = 0
    flagged_only_by_first: int = 0
    flagged_only_by_second: int = 0

    @property
    def recall_p(self) -> float:
        return mcnemar_p(self.caught_only_by_first, self.caught_only_by_second)

    @property
    def fpr_p(self) -> float:
        return mcnemar_p(self.flagged_only_by_first, self.flagged_only_by_second)

    def add(self, is_fraud: bool, first: bool, second: bool) -> None:
        if is_fraud:
            self.fraud += 1
            self.caught_only_by_first += first and not second
            self.caught_only_by_second += second and not first
        else:
            self.genuine += 1
            self.flagged_only_by_first += first and not second
            self.flagged_only_by_second += second and not first


def compare(
    first: Detector,
    second: Detector,
    examples: Sequence[Example],
    infer_registers: bool = False,
    batch: int = 2000,
) -> dict[str, Comparison]:
    """Per register (in the corpus's order, texts without one as "(未标注)") and "全部": the texts
    each model alone gets right, which is what a change between two models on one held-out round is."""
    return compare_verdicts(
        examples,
        [v.is_fraud for _, v in _judged(first, examples, infer_registers, batch)],
        [v.is_fraud for _, v in _judged(second, examples, infer_registers, batch)],
    )


def compare_verdicts(
    examples: Sequence[Example], first: Sequence[bool], second: Sequence[bool]
) -> dict[str, Comparison]:
    """``compare`` on verdicts already made, as ``detect eval --save-verdicts`` keeps them."""
    result = {name: Comparison() for name in [*_by_register(examples), "全部"]}
    for e, a, b in zip(examples, first, second, strict=True):
        for name in (e.register or UNSTATED, "全部"):
            result[name].add(e.is_fraud, a, b)
    return result


def _judged(
    detector: Detector, examples: Sequence[Example], infer_registers: bool, batch: int
) -> Iterator[tuple[Example, Verdict]]:
    """Each example with its verdict, classified a batch at a time so memory stays flat on a large file."""
    for start in range(0, len(examples), batch):
        chunk = examples[start : start + batch]
        registers = [None if infer_registers else e.register for e in chunk]
        yield from zip(chunk, detector.classify([e.text for e in chunk], registers), strict=True)


def evaluate(
    detector: Detector, examples: Sequence[Example], batch: int = 2000, infer_registers: bool = False
) -> Report:
    """Classify the examples, each in its register when the data names one (as a caller who knows
    it would) or, with ``infer_registers``, in the one the register head infers."""
    report = Report()
    for e, v in _judged(detector, examples, infer_registers, batch):
        report.registers[v.register] += 1
        report.flagged.append(v.is_fraud)
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


def evaluate_by_register(
    detector: Detector, examples: Sequence[Example], infer_registers: bool = False
) -> dict[str, Report]:
    """One report per register (sms, chat, …), in the corpus's order of registers; texts without
    one are reported as "(未标注)". Detection must hold in each, so none is averaged away."""
    groups = _by_register(examples)
    return {r: evaluate(detector, group, infer_registers=infer_registers) for r, group in groups.items()}


def _by_register(examples: Sequence[Example]) -> dict[str, list[Example]]:
    """The examples of each register, in the corpus's order of registers; "(未标注)" for none."""
    groups: dict[str, list[Example]] = {}
    for e in examples:
        groups.setdefault(e.register or UNSTATED, []).append(e)
    order = {r: i for i, r in enumerate(REGISTERS)}
    return {r: groups[r] for r in sorted(groups, key=lambda r: order.get(r, len(order)))}


__all__ = [
    "Comparison",
    "FraudType",
    "Report",
    "Validated",
    "compare",
    "evaluate",
    "evaluate_by_register",
    "fit",
    "fit_crossed",
    "mcnemar_p",
    "out_of_fold_logits",
    "pool_folds",
    "validate",
    "wilson_interval",
]

"""The linear model: a fraud/normal head, a fraud-type head and a register head over the same
features, and a decision threshold per register.

Weights are plain numpy arrays in a compressed ``.npz`` (no pickled estimators), so the
shipped model loads fast, is version-robust and is nothing but numbers. Loading and scoring need
numpy alone; SciPy and scikit-learn are imported by training and saving.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from fanzha.core.vocab import FraudType
from fanzha.detect.registers import REGISTERS

if TYPE_CHECKING:
    from scipy import sparse

TYPES = list(FraudType)


@dataclass(frozen=True)
class LinearModel:
    binary_w: np.ndarray  # (n_features,)
    binary_b: float
    type_w: np.ndarray  # (n_features, n_types), dense in memory: rows are gathered per message
    type_b: np.ndarray  # (n_types,)
    threshold_logit: float  # decision boundary on the binary logit, for a register without its own
    about: str
    # Which register (REGISTERS) a message is written in, when the caller does not say: a linear
    # head over the features that do not read the sender tag. (n_features, 0) when the training
    # data named no register.
    register_w: np.ndarray
    register_b: np.ndarray
    register_thresholds: np.ndarray  # (len(REGISTERS),): each register's decision boundary

    @property
    def knows_registers(self) -> bool:
        return bool(self.register_w.shape[1] == len(REGISTERS))

    def threshold(self, register: str | None, inferred: bool = False) -> float:
        """The decision boundary for a message in ``register`` (the global one for None).

        A register the head only *inferred* gets the global boundary: the registers' own boundaries
        now lie far apart (2026-12-01: sms 0.8, social 3.1 logits), and a guess that flipped with a
        contact's spelling ("加微信" → "薇信") moved a money-mule ad across the line. A caller who
        states that a feed is operator SMS gets the SMS boundary."""
        if register is None or inferred:
            return self.threshold_logit
        return float(self.register_thresholds[REGISTERS.index(register)])

    def fraud_logits(self, x: "sparse.csr_matrix") -> np.ndarray:
        logits: np.ndarray = np.asarray(x @ self.binary_w).ravel() + self.binary_b
        return logits

    def type_scores(self, x: "sparse.csr_matrix") -> np.ndarray:
        scores: np.ndarray = np.asarray(x @ self.type_w) + self.type_b
        return scores

    def score_row(self, indices: np.ndarray, values: np.ndarray) -> tuple[float, np.ndarray]:
        """Fraud logit and type scores for one message's non-zero features."""
        logit = float(values @ self.binary_w[indices]) + self.binary_b
        return logit, values @ self.type_w[indices] + self.type_b

    def register_scores(self, x: "sparse.csr_matrix") -> np.ndarray:
        scores: np.ndarray = np.asarray(x @ self.register_w) + self.register_b
        return scores

    def register_row(self, indices: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Register scores for one message's non-zero features."""
        scores: np.ndarray = values @ self.register_w[indices] + self.register_b
        return scores

    def save(self, path: Path) -> None:
        arrays: dict[str, np.ndarray] = {
            "binary_w": self.binary_w.astype(np.float32),
            "binary_b": np.array(self.binary_b),
            **_sparse("type", self.type_w),
            "type_b": self.type_b,
            "threshold_logit": np.array(self.threshold_logit),
            "about": np.array(self.about),
            **_sparse("register", self.register_w),
            "register_b": self.register_b,
            "register_thresholds": self.register_thresholds,
        }
        np.savez_compressed(path, **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path) -> "LinearModel":
        with np.load(path) as z:
            threshold = float(z["threshold_logit"])
            n = z["binary_w"].size
            # A model saved before registers had a head: every register uses the global threshold.
            known = "register_b" in z
            return cls(
                z["binary_w"].astype(np.float64),
                float(z["binary_b"]),
                _dense(z, "type"),
                z["type_b"],
                threshold,
                str(z["about"]),
                _dense(z, "register") if known else np.zeros((n, 0)),
                z["register_b"] if known else np.zeros(0),
                z["register_thresholds"] if known else np.full(len(REGISTERS), threshold),
            )

    @classmethod
    def shipped(cls) -> "LinearModel":
        ref = resources.files("fanzha.detect").joinpath("data/model.npz")
        with resources.as_file(ref) as path:
            return cls.load(path)


def _sparse(name: str, w: np.ndarray) -> dict[str, np.ndarray]:
    """A head's weights as coordinates: most rows (hashed n-grams) are zero after pruning."""
    from scipy import sparse

    t = sparse.coo_matrix(w)
    return {
        f"{name}_rows": t.row.astype(np.int32),
        f"{name}_cols": t.col.astype(np.int8),
        f"{name}_vals": t.data.astype(np.float32),
        f"{name}_shape": np.array(t.shape),
    }


def _dense(z: "np.lib.npyio.NpzFile", name: str) -> np.ndarray:
    w = np.zeros(tuple(z[f"{name}_shape"]), dtype=z[f"{name}_vals"].dtype)
    w[z[f"{name}_rows"], z[f"{name}_cols"].astype(np.int32)] = z[f"{name}_vals"]
    return w


def _prune(w: np.ndarray, keep: float = 1e-4) -> np.ndarray:
    """Tiny weights only cost space; dropping them changes no decision measurably."""
    return np.where(np.abs(w) < keep, 0.0, w)


def threshold_for_fpr(logits: np.ndarray, labels: np.ndarray, max_fpr: float) -> float:
    """The lowest logit cut whose false-positive rate on these examples stays within max_fpr."""
    negatives = np.sort(logits[~labels])[::-1]
    if negatives.size == 0:
        return 0.0
    k = int(np.floor(max_fpr * negatives.size))
    return float(negatives[min(k, negatives.size - 1)] + 1e-6)


# Regularisation chosen on the calibration texts (writers who never saw the corpus; 2026-12-01):
# mean recall at 3% FPR over the five registers rose from 0.891 at C=8 to 0.921 at 32, 0.939 at 128
# and 0.946 at 1024, and type macro-F1 from 0.899 at C=0.5 to 0.919 at 2 (docs/detection.md).
BINARY_C = 1024.0
TYPE_C = 2.0
REGISTER_C = 0.5


def fit_fraud_head(
    x: "sparse.csr_matrix",
    y: np.ndarray,
    w: np.ndarray,
    nonnegative: np.ndarray,
    start: tuple[np.ndarray, float] | None = None,
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression, classes balanced, with the weights of the columns in
    ``nonnegative`` kept at or above zero (L-BFGS-B bounds); tiny weights pruned.

    The loss is strictly convex, so ``start`` (another fit's weights, e.g. on nearly the same
    data) changes where the search begins, and where it ends only within the solver's tolerance.

    The script's elements and their pairs may only raise the risk: left free, the fit gave
    "claims to be the police + asks for a transfer" a negative weight (anti-fraud reminders say
    exactly that), so adding 【公安】 to a fraud lowered its risk.

    Only the columns some row uses are searched: a column no row uses meets only the penalty, so its
    weight is zero at the optimum. With 2^20 hash columns most are unused by a few hundred texts, and
    L-BFGS-B's steps cost in proportion to the columns searched.
    """
    from scipy.optimize import Bounds, minimize

    n = x.shape[1]
    used = np.unique(x.indices)
    column = np.full(n, -1, dtype=np.int64)
    column[used] = np.arange(used.size)
    xu = type(x)((x.data, column[x.indices], x.indptr), shape=(x.shape[0], used.size))
    sign = np.where(y, 1.0, -1.0)
    share = np.where(y, y.size / (2 * y.sum()), y.size / (2 * (~y).sum()))
    s = BINARY_C * w * share
    xt = xu.T.tocsr()
    m = used.size

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        coef, bias = params[:m], params[m]
        margin = sign * (xu @ coef + bias)
        value = 0.5 * coef @ coef + float(s @ np.logaddexp(0.0, -margin))
        g = -s * sign / (1.0 + np.exp(np.clip(margin, -30, 30)))
        return value, np.concatenate([coef + xt @ g, [g.sum()]])

    lower = np.full(m + 1, -np.inf)
    kept = column[nonnegative]
    lower[kept[kept >= 0]] = 0.0
    begin = np.zeros(m + 1) if start is None else np.concatenate([start[0][used], [start[1]]])
    result = minimize(
        loss, begin, jac=True, method="L-BFGS-B", bounds=Bounds(lower, np.inf), options={"maxiter": 3000}
    )
    coef = np.zeros(n)
    coef[used] = result.x[:m]
    return _prune(coef), float(result.x[m])


def _one_vs_rest(
    x: "sparse.csr_matrix", classes: np.ndarray, w: np.ndarray, n_classes: int, c: float
) -> tuple[np.ndarray, np.ndarray]:
    """A linear SVM per class (only the argmax of its scores is used); a class absent from the
    data gets a bias that never wins."""
    coef = np.zeros((x.shape[1], n_classes))
    bias = np.full(n_classes, -50.0)
    present = np.unique(classes)
    if present.size == 1:  # one class in the data: nothing to tell apart
        bias[present[0]] = 0.0
    elif present.size > 1:
        from sklearn.svm import LinearSVC

        multi = LinearSVC(C=c)
        multi.fit(x, classes, sample_weight=w)
        found, intercept = _prune(multi.coef_), multi.intercept_
        if present.size == 2:  # one separating plane: the first class is its negative side
            found, intercept = np.vstack([-found, found]), np.concatenate([-intercept, intercept])
        coef[:, multi.classes_] = found.T
        bias[multi.classes_] = intercept
    return coef, bias


def train(
    x: "sparse.csr_matrix",
    is_fraud: Sequence[bool],
    types: Sequence[FraudType | None],
    registers: Sequence[str | None],
    weights: Sequence[float],
    about: str,
    nonnegative: np.ndarray,
    register_columns: np.ndarray,
    threshold_logit: float = 0.0,
    register_thresholds: Sequence[float] | None = None,
) -> LinearModel:
    """Fit the three heads. The register head reads only ``register_columns`` (the features that
    do not read a sender tag), so that adding a tag cannot move a message to a stricter register."""
    from scipy import sparse

    y = np.asarray(is_fraud, dtype=bool)
    w = np.asarray(weights, dtype=np.float64)
    binary_w, binary_b = fit_fraud_head(x, y, w, nonnegative)
    # A linear SVM (one-vs-rest) separated the types better than multinomial logistic regression
    # on held-out messages (0.863 vs 0.842 macro-F1) and fits in a second, not minutes.
    typed = np.array([t is not None and f for t, f in zip(types, y, strict=True)])
    type_idx = np.array([TYPES.index(t) for t, keep in zip(types, typed, strict=True) if keep and t])
    type_w, type_b = _one_vs_rest(x[typed], type_idx, w[typed], len(TYPES), TYPE_C)
    named = np.array([r is not None for r in registers])
    if named.any():
        mask = np.zeros(x.shape[1])
        mask[register_columns] = 1.0
        readable = (x @ sparse.diags(mask)).tocsr()
        register_idx = np.array([REGISTERS.index(r) for r in registers if r is not None])
        register_w, register_b = _one_vs_rest(
            readable[named], register_idx, w[named], len(REGISTERS), REGISTER_C
        )
    else:
        register_w, register_b = np.zeros((x.shape[1], 0)), np.zeros(0)
    return LinearModel(
        binary_w,
        binary_b,
        type_w,
        type_b,
        threshold_logit,
        about,
        register_w,
        register_b,
        np.asarray(
            register_thresholds if register_thresholds is not None else [threshold_logit] * len(REGISTERS)
        ),
    )

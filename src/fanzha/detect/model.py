"""The linear model: a fraud/normal head and a fraud-type head over the same features.

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

if TYPE_CHECKING:
    from scipy import sparse

TYPES = list(FraudType)


@dataclass(frozen=True)
class LinearModel:
    binary_w: np.ndarray  # (n_features,)
    binary_b: float
    type_w: np.ndarray  # (n_features, n_types), dense in memory: rows are gathered per message
    type_b: np.ndarray  # (n_types,)
    threshold_logit: float  # decision boundary on the binary logit
    about: str

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

    def save(self, path: Path) -> None:
        from scipy import sparse

        t = sparse.coo_matrix(self.type_w)
        np.savez_compressed(
            path,
            binary_w=self.binary_w.astype(np.float32),
            binary_b=self.binary_b,
            type_rows=t.row.astype(np.int32),
            type_cols=t.col.astype(np.int8),
            type_vals=t.data.astype(np.float32),
            type_shape=np.array(t.shape),
            type_b=self.type_b,
            threshold_logit=self.threshold_logit,
            about=np.array(self.about),
        )

    @classmethod
    def load(cls, path: Path) -> "LinearModel":
        with np.load(path) as z:
            type_w = np.zeros(tuple(z["type_shape"]), dtype=z["type_vals"].dtype)
            type_w[z["type_rows"], z["type_cols"].astype(np.int32)] = z["type_vals"]
            return cls(
                z["binary_w"].astype(np.float64),
                float(z["binary_b"]),
                type_w,
                z["type_b"],
                float(z["threshold_logit"]),
                str(z["about"]),
            )

    @classmethod
    def shipped(cls) -> "LinearModel":
        ref = resources.files("fanzha.detect").joinpath("data/model.npz")
        with resources.as_file(ref) as path:
            return cls.load(path)


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


def _logistic(
    x: "sparse.csr_matrix", y: np.ndarray, w: np.ndarray, nonnegative: np.ndarray, c: float = 8.0
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression, classes balanced, with the weights of the columns in
    ``nonnegative`` kept at or above zero (L-BFGS-B bounds).

    The script's elements and their pairs may only raise the risk: left free, the fit gave
    "claims to be the police + asks for a transfer" a negative weight (anti-fraud reminders say
    exactly that), so adding 【公安】 to a fraud lowered its risk.
    """
    from scipy.optimize import minimize

    sign = np.where(y, 1.0, -1.0)
    share = np.where(y, y.size / (2 * y.sum()), y.size / (2 * (~y).sum()))
    s = c * w * share
    xt = x.T.tocsr()
    n = x.shape[1]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        coef, bias = params[:n], params[n]
        margin = sign * (x @ coef + bias)
        value = 0.5 * coef @ coef + float(s @ np.logaddexp(0.0, -margin))
        g = -s * sign / (1.0 + np.exp(np.clip(margin, -30, 30)))
        return value, np.concatenate([coef + xt @ g, [g.sum()]])

    bounds: list[tuple[float | None, float | None]] = [(None, None)] * (n + 1)
    for col in nonnegative:
        bounds[int(col)] = (0.0, None)
    result = minimize(
        loss, np.zeros(n + 1), jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 3000}
    )
    return result.x[:n], float(result.x[n])


def train(
    x: "sparse.csr_matrix",
    is_fraud: Sequence[bool],
    types: Sequence[FraudType | None],
    weights: Sequence[float],
    about: str,
    threshold_logit: float = 0.0,
    nonnegative: np.ndarray | None = None,
) -> LinearModel:
    y = np.asarray(is_fraud, dtype=bool)
    w = np.asarray(weights, dtype=np.float64)
    binary_w, binary_b = _logistic(
        x, y, w, np.array([], dtype=np.int64) if nonnegative is None else nonnegative
    )
    typed = np.array([t is not None and f for t, f in zip(types, y, strict=True)])
    type_idx = np.array([TYPES.index(t) for t, keep in zip(types, typed, strict=True) if keep and t])
    coef = np.zeros((x.shape[1], len(TYPES)))
    bias = np.full(len(TYPES), -50.0)
    present = np.unique(type_idx)
    if present.size == 1:  # one type in the data: nothing to tell apart
        bias[present[0]] = 0.0
    elif present.size > 1:
        # A linear SVM (one-vs-rest) separated the types better than multinomial logistic
        # regression on held-out messages (0.863 vs 0.842 macro-F1) and fits in a second, not
        # minutes; only the argmax of its scores is used.
        from sklearn.svm import LinearSVC

        multi = LinearSVC(C=0.5)
        multi.fit(x[typed], type_idx, sample_weight=w[typed])
        coef[:, multi.classes_] = _prune(multi.coef_).T
        bias[multi.classes_] = multi.intercept_
    return LinearModel(
        _prune(binary_w),
        binary_b,
        coef,
        bias,
        threshold_logit,
        about,
    )

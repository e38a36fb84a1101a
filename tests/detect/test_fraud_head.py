"""The fraud head's fit (``fit_fraud_head``): its optimum, whatever columns the data leaves unused."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from fanzha.detect.model import BINARY_C, fit_fraud_head

NONE = np.array([], dtype=np.int64)


def _data(seed: int, rows: int, cols: int) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Noisy labels on a sparse matrix, so that no plane separates them and the optimum is finite."""
    rng = np.random.default_rng(seed)
    x = sparse.random(rows, cols, density=0.2, format="csr", random_state=rng)
    y = (x @ rng.normal(size=cols) + rng.normal(scale=0.5, size=rows)) > 0
    y[:2] = [True, False]
    return x, y, rng.uniform(0.5, 2.0, size=rows)


def _logits(x: sparse.csr_matrix, coef: np.ndarray, bias: float) -> np.ndarray:
    return np.asarray(x @ coef + bias)


def test_the_fit_reaches_the_optimum_scikit_learn_reaches() -> None:
    """Same loss as scikit-learn's L2 logistic regression with each text weighted by its class's share:
    both must score the texts alike."""
    x, y, w = _data(1, 300, 40)
    coef, bias = fit_fraud_head(x, y, w, NONE)
    share = np.where(y, y.size / (2 * y.sum()), y.size / (2 * (~y).sum()))
    reference = LogisticRegression(C=1.0, tol=1e-10, max_iter=20000).fit(
        x, y, sample_weight=BINARY_C * w * share
    )
    theirs = reference.decision_function(x)
    assert np.abs(_logits(x, coef, bias) - theirs).max() <= 0.01 * theirs.std()


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(30, 120), st.integers(3, 25), st.integers(2, 8))
def test_columns_no_text_uses_get_no_weight_and_change_no_score(
    seed: int, rows: int, cols: int, spread: int
) -> None:
    """Hashing into more columns leaves most of them unused by a small set of texts. Whatever the start,
    an unused column ends at zero, and the used ones score the texts as the fit without them does."""
    x, y, w = _data(seed, rows, cols)
    at = np.sort(np.random.default_rng(seed).choice(cols * spread, size=cols, replace=False))
    wide = sparse.csr_matrix((x.data, at[x.indices], x.indptr), shape=(rows, cols * spread))
    start = np.random.default_rng(seed + 1).normal(size=cols * spread)

    narrow_coef, narrow_bias = fit_fraud_head(x, y, w, NONE)
    wide_coef, wide_bias = fit_fraud_head(wide, y, w, NONE, (start, 0.5))

    unused = np.setdiff1d(np.arange(cols * spread), np.unique(wide.indices))
    assert not wide_coef[unused].any()
    narrow = _logits(x, narrow_coef, narrow_bias)
    assert np.abs(_logits(wide, wide_coef, wide_bias) - narrow).max() <= 0.01 * max(narrow.std(), 1.0)


def test_columns_held_nonnegative_stay_at_or_above_zero() -> None:
    """Script elements may only raise the risk, even where the data would pull them below zero."""
    x, y, w = _data(2, 200, 20)
    free, _ = fit_fraud_head(x, y, w, NONE)
    negative = np.flatnonzero(free < 0)
    held, _ = fit_fraud_head(x, y, w, negative)
    assert negative.size and (held[negative] >= 0).all()

"""Cross-fitted thresholds (``fit_crossed``): its shortcuts must give what separate, complete fits give."""

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fanzha.detect.corpus import Example, load, project_corpus
from fanzha.detect.model import threshold_for_fpr
from fanzha.detect.reputation import official
from fanzha.detect.training import (
    _THRESHOLD_RANGE,
    Comparison,
    _matrix,
    fit_crossed,
    fit_weighted,
    mcnemar_p,
    out_of_fold_logits,
    pool_folds,
    wilson_interval,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _small_recipe() -> tuple[list[Example], list[list[Example]]]:
    """A fortieth of the corpus and a twelfth of two writer groups: the recipe's shape, in seconds."""
    groups = [load(CORPUS / "calibration" / name)[::12] for name in ("indep2", "reg5")]
    return project_corpus(CORPUS)[::40], groups


def _complete_fits_without_each(
    examples: list[Example], weights: list[float], folds: list[list[Example]]
) -> np.ndarray:
    """Each fold's logits from a fresh, complete fit on the examples and the other folds."""
    fresh = []
    for i, fold in enumerate(folds):
        rest = [e for j, other in enumerate(folds) if j != i for e in other]
        alone = fit_weighted([*examples, *rest], weights + [1.0] * len(rest), "test", official())
        fresh.append(alone.fraud_logits(_matrix(fold, official())))
    return np.concatenate(fresh)


def _cut(logits: np.ndarray, held: list[Example]) -> float:
    """The threshold those logits set at the tests' 20% false-positive rate."""
    labels = np.array([e.is_fraud for e in held])
    return float(np.clip(threshold_for_fpr(logits, labels, 0.2), *_THRESHOLD_RANGE))


def test_out_of_fold_scores_and_thresholds_match_separate_complete_fits() -> None:
    """Each out-of-fold model fits only its fraud head, starting from the full fit's weights. Every
    left-out text must still get the logit that a fresh, complete fit without its group gives (within
    a hundredth of the logits' spread), and the threshold must be the one those logits set."""
    examples, groups = _small_recipe()
    weights = [1.0 + i % 2 for i in range(len(examples))]  # uneven, so misaligned weights would show
    fits: list[tuple[int, int]] = []
    model = fit_crossed(examples, "test", groups, weights, 0.2, lambda d, t: fits.append((d, t)))

    held = [e for group in groups for e in group]
    expected = _complete_fits_without_each(examples, weights, groups)
    everything = [*examples, *held]
    shortcut = out_of_fold_logits(
        _matrix(everything, official()),
        np.array([e.is_fraud for e in everything]),
        np.array(weights + [1.0] * len(held)),
        [slice(len(examples), len(examples) + len(groups[0])), slice(len(examples) + len(groups[0]), None)],
        (model.binary_w, model.binary_b),
    )

    assert fits == [(1, 3), (2, 3), (3, 3)]  # what the progress bar of `fanzha detect train` shows
    assert np.abs(shortcut - expected).max() <= 0.01 * expected.std()
    assert abs(model.threshold_logit - _cut(expected, held)) <= 0.01 * expected.std()


def test_folds_fitted_side_by_side_score_each_text_as_one_after_another_does() -> None:
    """The folds' fits finish in any order in worker processes; each text's logit must still be its own
    fold's, whatever the number of workers."""
    examples, groups = _small_recipe()
    groups.append(load(CORPUS / "calibration" / "reg6")[::20])
    everything = [*examples, *(e for group in groups for e in group)]
    x = _matrix(everything, official())
    fraud = np.array([e.is_fraud for e in everything])
    weights = np.ones(len(everything))
    start = fit_weighted(everything, list(weights), "test", official())
    bounds = np.cumsum([len(examples), *map(len, groups)])
    rows = [slice(int(a), int(b)) for a, b in pairwise(bounds)]

    def scores(workers: int) -> np.ndarray:
        return out_of_fold_logits(x, fraud, weights, rows, (start.binary_w, start.binary_b), workers=workers)

    one_by_one = scores(1)
    assert one_by_one.shape == (len(everything) - len(examples),)
    for workers in (2, 3):
        assert np.allclose(scores(workers), one_by_one, rtol=0, atol=1e-9)


@given(st.lists(st.lists(st.integers(), max_size=5), min_size=2, max_size=40), st.integers(2, 12))
def test_pooled_folds_keep_each_writer_group_whole_and_every_text_once(
    groups: list[list[int]], folds: int
) -> None:
    """A fold's thresholds must come from a model that never saw any of that writer's texts: a group is
    never split, no text is left out or counted twice, and few groups stay one fold each."""
    tagged = [[(g, i) for i in range(len(group))] for g, group in enumerate(groups)]
    pooled = pool_folds(tagged, folds)
    assert len(pooled) == min(folds, len(groups))
    assert sorted(t for fold in pooled for t in fold) == sorted(t for group in tagged for t in group)
    for g in range(len(groups)):
        assert len({k for k, fold in enumerate(pooled) if any(owner == g for owner, _ in fold)}) <= 1
    if len(groups) <= folds:
        assert pooled == tagged


def test_pooled_folds_fit_once_per_fold_and_leave_out_whole_folds() -> None:
    """Three groups in two folds: three fits (the full one and two out of fold), and the left-out logits are
    those of fits without the whole fold."""
    examples, groups = _small_recipe()
    groups.append(load(CORPUS / "calibration" / "reg6")[::12])
    fits: list[tuple[int, int]] = []
    model = fit_crossed(examples, "test", groups, None, 0.2, lambda d, t: fits.append((d, t)), folds=2)
    assert fits == [(1, 3), (2, 3), (3, 3)]
    pooled = pool_folds(groups, 2)
    assert [len(f) for f in pooled] == [len(groups[0]) + len(groups[2]), len(groups[1])]
    expected = _complete_fits_without_each(examples, [1.0] * len(examples), pooled)
    held = [e for fold in pooled for e in fold]
    assert abs(model.threshold_logit - _cut(expected, held)) <= 0.01 * expected.std()


def test_wilson_interval_matches_the_published_example() -> None:
    """Newcombe (1998), Statistics in Medicine 17:857-872, Table I: 81 of 263 gives 0.2553-0.3662."""
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


@given(st.integers(min_value=1, max_value=2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_holds_the_rate_and_narrows_with_more_texts(case: tuple[int, int]) -> None:
    hits, total = case
    low, high = wilson_interval(hits, total)
    assert 0.0 <= low <= hits / total <= high <= 1.0
    more_low, more_high = wilson_interval(hits * 4, total * 4)
    assert more_high - more_low < high - low


def test_mcnemar_p_is_the_exact_binomial_on_disagreements() -> None:
    """Six disagreements all one way: 2 × 0.5**6 = 0.03125; one against two is no evidence at all."""
    assert mcnemar_p(0, 6) == pytest.approx(0.03125)
    assert mcnemar_p(1, 2) == 1.0 and mcnemar_p(0, 0) == 1.0


@given(st.integers(0, 300), st.integers(0, 300))
def test_mcnemar_p_does_not_care_which_model_is_first(a: int, b: int) -> None:
    assert mcnemar_p(a, b) == pytest.approx(mcnemar_p(b, a))
    assert 0.0 < mcnemar_p(a, b) <= 1.0


def test_a_comparison_puts_each_disagreement_on_the_side_of_the_model_that_was_right() -> None:
    both_ways = Comparison()
    for is_fraud in (True, False):
        for first in (True, False):
            for second in (True, False):
                both_ways.add(is_fraud, first, second)
    assert both_ways == Comparison(4, 1, 1, 4, 1, 1)
    one_way = Comparison()
    for is_fraud, first, second in [(True, True, False)] * 2 + [(False, False, True)] * 3:
        one_way.add(is_fraud, first, second)
    assert one_way == Comparison(fraud=2, caught_only_by_first=2, genuine=3, flagged_only_by_second=3)

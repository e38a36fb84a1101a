"""Cross-fitted thresholds (``fit_crossed``): its shortcuts must give what separate, complete fits give."""

from pathlib import Path

import numpy as np

from fanzha.detect.corpus import Example, load, project_corpus
from fanzha.detect.model import threshold_for_fpr
from fanzha.detect.reputation import official
from fanzha.detect.training import _THRESHOLD_RANGE, _matrix, _out_of_fold_logits, fit_crossed, fit_weighted

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _small_recipe() -> tuple[list[Example], list[list[Example]]]:
    """A fortieth of the corpus and a twelfth of two writer groups: the recipe's shape, in seconds."""
    groups = [load(CORPUS / "calibration" / name)[::12] for name in ("indep2", "reg5")]
    return project_corpus(CORPUS)[::40], groups


def test_out_of_fold_scores_and_thresholds_match_separate_complete_fits() -> None:
    """Each out-of-fold model fits only its fraud head, starting from the full fit's weights. Every
    left-out text must still get the logit that a fresh, complete fit without its group gives (within
    a hundredth of the logits' spread), and the threshold must be the one those logits set."""
    examples, groups = _small_recipe()
    weights = [1.0 + i % 2 for i in range(len(examples))]  # uneven, so misaligned weights would show
    fits: list[tuple[int, int]] = []
    model = fit_crossed(examples, "test", groups, weights, 0.2, lambda d, t: fits.append((d, t)))

    held = [e for group in groups for e in group]
    fresh = []
    for i, group in enumerate(groups):
        rest = [e for j, other in enumerate(groups) if j != i for e in other]
        alone = fit_weighted([*examples, *rest], weights + [1.0] * len(rest), "test", official())
        fresh.append(alone.fraud_logits(_matrix(group, official())))
    expected = np.concatenate(fresh)
    everything = [*examples, *held]
    shortcut = _out_of_fold_logits(
        _matrix(everything, official()),
        np.array([e.is_fraud for e in everything]),
        np.array(weights + [1.0] * len(held)),
        [slice(len(examples), len(examples) + len(groups[0])), slice(len(examples) + len(groups[0]), None)],
        (model.binary_w, model.binary_b),
    )

    assert fits == [(1, 3), (2, 3), (3, 3)]  # what the progress bar of `fanzha detect train` shows
    assert np.abs(shortcut - expected).max() <= 0.01 * expected.std()
    labels = np.array([e.is_fraud for e in held])
    cut = float(np.clip(threshold_for_fpr(expected, labels, 0.2), *_THRESHOLD_RANGE))
    assert abs(model.threshold_logit - cut) <= 0.01 * expected.std()

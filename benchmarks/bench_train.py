"""Training time of ``fit_crossed`` (the shipped recipe's thresholds out of fold): one process
against one per core, on the project corpus and the first K writer groups of corpus/calibration.

Usage: python -m benchmarks.bench_train [K_GROUPS] [--rounds R]
Each round fits with one process, then with two, so that the ratio compares the two at the same
moment of a shared machine. The shipped recipe uses every group (docs/detection.md).
"""

import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.common import machine
from fanzha.detect.corpus import load, project_corpus
from fanzha.detect.model import LinearModel
from fanzha.detect.training import fit_crossed

ROOT = Path(__file__).resolve().parents[1]


def _same(a: LinearModel, b: LinearModel) -> bool:
    return bool(
        np.array_equal(a.binary_w, b.binary_w)
        and a.threshold_logit == b.threshold_logit
        and np.array_equal(a.register_thresholds, b.register_thresholds)
    )


def main() -> None:
    args = sys.argv[1:]
    rounds = 1
    if "--rounds" in args:
        at = args.index("--rounds")
        rounds = int(args[at + 1])
        del args[at : at + 2]
    k = int(args[0]) if args else 4
    examples = project_corpus(ROOT / "corpus")
    folders = sorted(d for d in (ROOT / "corpus" / "calibration").iterdir() if d.is_dir())[:k]
    groups = [load(d) for d in folders]
    texts = len(examples) + sum(map(len, groups))
    print(f"bench_train: {texts:,} texts, {k} groups, {k + 1} fits, {rounds} round(s); {machine()}")
    for r in range(rounds):
        seconds, models = {}, {}
        for workers in (1, 2):
            t = time.perf_counter()
            models[workers] = fit_crossed(examples, "bench", groups, workers=workers)
            seconds[workers] = time.perf_counter() - t
        print(
            f"  round {r + 1}: one process {seconds[1]:.0f} s, two {seconds[2]:.0f} s "
            f"({seconds[1] / seconds[2]:.2f}x faster); same model: {_same(models[1], models[2])}"
        )


if __name__ == "__main__":
    main()

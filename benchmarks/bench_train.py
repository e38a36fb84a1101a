"""Training time of ``fit_crossed``, as a multiple of one complete fit on the same texts, and its
out-of-fold fits one after another against side by side (one worker process per CPU).

``fit_crossed`` is the shipped recipe: trained on every writer group, thresholds set out of fold.
Usage: python -m benchmarks.bench_train [K_GROUPS] [--rounds R]
The project corpus and the first K writer groups of corpus/calibration. Fitted out of fold the
plain way, K groups cost K + 1 complete fits; run this file against an older checkout's ``src``
(``PYTHONPATH=old/src:.``) for that checkout's multiple.
"""

import argparse
import time
from itertools import pairwise
from pathlib import Path

import numpy as np

from benchmarks.common import machine
from fanzha.detect import features
from fanzha.detect.corpus import load, project_corpus
from fanzha.detect.reputation import official
from fanzha.detect.training import fit_crossed, fit_weighted, out_of_fold_logits

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="?", type=int, default=4, help="how many writer groups (K)")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    k, rounds = args.groups, args.rounds
    examples = project_corpus(ROOT / "corpus")
    folders = sorted(d for d in (ROOT / "corpus" / "calibration").iterdir() if d.is_dir())[:k]
    groups = [load(d) for d in folders]
    everything = [*examples, *(e for g in groups for e in g)]
    rep = official()
    x = features.matrix([features.analyse(e.text, rep) for e in everything], rep)
    fraud = np.array([e.is_fraud for e in everything])
    weights = np.ones(len(everything))
    bounds = np.cumsum([len(examples), *map(len, groups)])
    rows = [slice(int(a), int(b)) for a, b in pairwise(bounds)]
    print(f"bench_train: {len(everything):,} texts, {k} groups, {rounds} round(s); {machine()}", flush=True)
    for r in range(rounds):
        t = time.perf_counter()
        full = fit_weighted(everything, [1.0] * len(everything), "bench", rep)
        one = time.perf_counter() - t
        t = time.perf_counter()
        fit_crossed(examples, "bench", groups)
        crossed = time.perf_counter() - t
        start = (full.binary_w, full.binary_b)
        timed = {}
        for workers in (1, None):
            t = time.perf_counter()
            out_of_fold_logits(x, fraud, weights, rows, start, workers=workers)
            timed[workers] = time.perf_counter() - t
        print(
            f"  round {r + 1}: one complete fit {one:.0f} s; fit_crossed {crossed:.0f} s "
            f"= {crossed / one:.2f} complete fits (plain out-of-fold fits: {k + 1}); "
            f"its {k} out-of-fold fits one after another {timed[1]:.0f} s, side by side {timed[None]:.0f} s "
            f"= {timed[None] / timed[1]:.2f} of the time",
            flush=True,
        )


if __name__ == "__main__":
    main()

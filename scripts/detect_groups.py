"""How well the recipe ranks a writer group it never saw: fits on the shipped recipe plus every group in
corpus/calibration except the left-out one (and any named with --without), then prints, per register, the
left-out group's recall at 1%, 3% and 5% false positives, each threshold read off that group's own scores.
Aggregates only: no text is printed.

Usage: FANZHA_DATASETS=../shared/datasets .venv/bin/python scripts/detect_groups.py reg5 [--without reg6]
       [--only-corpus]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from detect_sources import ROOT, shipped_recipe

from fanzha.detect import features
from fanzha.detect.corpus import load
from fanzha.detect.model import threshold_for_fpr
from fanzha.detect.registers import REGISTERS
from fanzha.detect.reputation import official
from fanzha.detect.training import fit_weighted

RATES = (0.01, 0.03, 0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("left_out", help="the group (folder in corpus/calibration) to score")
    parser.add_argument("--without", nargs="*", default=[], help="groups left out of training as well")
    parser.add_argument("--only-corpus", action="store_true", help="train on no group at all")
    args = parser.parse_args()
    folders = sorted(d for d in (ROOT / "corpus" / "calibration").iterdir() if d.is_dir())
    groups = {d.name: load(d) for d in folders}
    examples, about = shipped_recipe()
    skip = {args.left_out, *args.without}
    trained = [] if args.only_corpus else [e for name, g in groups.items() if name not in skip for e in g]
    started = time.perf_counter()
    rep = official()
    model = fit_weighted([*examples, *trained], [1.0] * (len(examples) + len(trained)), about, rep)
    scored = groups[args.left_out]
    logits = model.fraud_logits(features.matrix([features.analyse(e.text, rep) for e in scored], rep))
    fraud = np.array([e.is_fraud for e in scored])
    print(f"fitted on {len(examples) + len(trained)} texts in {time.perf_counter() - started:.0f}s")
    print(f"{args.left_out}: recall at " + " / ".join(f"{r:.0%}" for r in RATES) + " false positives")
    for register in REGISTERS:
        mine = np.array([e.register == register for e in scored])
        if mine.any():
            cuts = [threshold_for_fpr(logits[mine], fraud[mine], r) for r in RATES]
            recalls = [(logits[mine & fraud] >= cut).mean() for cut in cuts]
            print(f"  {register:7s} " + " / ".join(f"{x:.3f}" for x in recalls))


if __name__ == "__main__":
    main()

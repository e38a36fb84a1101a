"""Per-register figures on the training corpus's validation split (training.validate): the model
fitted on the other ~80%, judged with the one global threshold and with each register's own, with
the register given by the data and inferred by the register head. Aggregates only.

Usage: FANZHA_DATASETS=../shared/datasets .venv/bin/python scripts/detect_validation.py
"""

import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from detect_sources import shipped_recipe

from fanzha.detect.detector import Detector
from fanzha.detect.registers import REGISTERS
from fanzha.detect.training import evaluate, validate


def main() -> None:
    started = time.perf_counter()
    examples, about = shipped_recipe()
    checked = validate(examples, about)
    model = checked.model
    one = Detector(replace(model, register_thresholds=np.full(len(REGISTERS), model.threshold_logit)))
    own = Detector(model)
    print(
        f"{about}; validation share {len(checked.held)} texts; global threshold {model.threshold_logit:.3f}"
    )
    print(
        "| register (fraud / normal) | threshold | one threshold: R / FPR | own, given: R / FPR "
        "| own, inferred: R / FPR | register head right |"
    )
    print("|---|---|---|---|---|---|")
    for i, register in enumerate(REGISTERS):
        mine = [e for e in checked.held if e.register == register]
        reports = [evaluate(one, mine), evaluate(own, mine), evaluate(own, mine, infer_registers=True)]
        cells = [f"{r.recall:.3f} / {r.fpr:.3f}" for r in reports]
        n_fraud = sum(e.is_fraud for e in mine)
        print(
            f"| {register} ({n_fraud} / {len(mine) - n_fraud}) | {model.register_thresholds[i]:.3f} | "
            + " | ".join(cells)
            + f" | {reports[2].registers[register] / max(1, len(mine)):.2f} |"
        )
    rest = [e for e in checked.held if e.register is None]
    if rest:
        r = evaluate(own, rest)
        print(f"| (no register: {len(rest)}) | inferred | | | {r.recall:.3f} / {r.fpr:.3f} | |")
    print(f"\n(ran in {time.perf_counter() - started:.0f}s)")


if __name__ == "__main__":
    main()

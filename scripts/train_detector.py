"""Builds the shipped detector model: src/fanzha/detect/data/model.npz.

Recipe: the project's own written corpus (corpus/*.jsonl, never corpus/heldout) plus the
TeleAntiFraud synthetic dialogues (Apache-2.0, attributed in NOTICE) when ../shared is present, plus
the writer groups in corpus/calibration/<group>/ (texts from writers who never saw the corpus). The
groups are trained on too; the thresholds are set on each group's scores from a model fitted without
that group (``training.fit_crossed``), so they say where a new writer's genuine texts fall.
Usage: .venv/bin/python scripts/train_detector.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from detect_sources import ROOT, shipped_recipe

from fanzha.detect.corpus import load
from fanzha.detect.registers import REGISTERS
from fanzha.detect.training import fit_crossed

CALIBRATION = ROOT / "corpus" / "calibration"


def main() -> None:
    started = time.perf_counter()
    examples, about = shipped_recipe()
    groups = [load(d) for d in sorted(CALIBRATION.iterdir()) if d.is_dir()]
    about += f"; trained on and thresholds crossed over {len(groups)} writer groups in corpus/calibration"
    about += f" ({sum(len(g) for g in groups)} texts)"
    model = fit_crossed(
        examples,
        about,
        groups,
        on_fit=lambda done, total: print(
            f"fit {done}/{total} done at {time.perf_counter() - started:.0f}s", flush=True
        ),
    )
    out = ROOT / "src" / "fanzha" / "detect" / "data" / "model.npz"
    model.save(out)
    print(
        f"trained on {about}; threshold logit {model.threshold_logit:.3f}, per register "
        + ", ".join(f"{r} {t:.3f}" for r, t in zip(REGISTERS, model.register_thresholds, strict=True))
        + "; "
        f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f}s"
    )


if __name__ == "__main__":
    main()

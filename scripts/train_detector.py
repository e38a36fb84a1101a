"""Builds the shipped detector model: src/fanzha/detect/data/model.npz.

Recipe: the project's own written corpus (corpus/*.jsonl, never corpus/heldout) plus the
TeleAntiFraud synthetic dialogues (Apache-2.0, attributed in NOTICE) when ../shared is present.
Usage: .venv/bin/python scripts/train_detector.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from detect_sources import SHARED, teleantifraud

from fanzha.detect.corpus import project_corpus
from fanzha.detect.training import fit

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    started = time.perf_counter()
    examples = project_corpus(ROOT / "corpus")
    weights = [1.0] * len(examples)
    about = f"project corpus ({len(examples)} texts)"
    if SHARED.is_dir():
        taf = teleantifraud()
        examples += taf
        weights += [0.3] * len(taf)
        about += f" + TeleAntiFraud dialogues ({len(taf)}, Apache-2.0)"
    model = fit(examples, about)
    out = ROOT / "src" / "fanzha" / "detect" / "data" / "model.npz"
    model.save(out)
    print(
        f"trained on {about}; threshold logit {model.threshold_logit:.3f}; "
        f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f}s"
    )


if __name__ == "__main__":
    main()

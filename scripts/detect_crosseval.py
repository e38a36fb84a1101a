"""Cross-source evaluation of the detector: train on some sources, test on others.

Usage: .venv/bin/python scripts/detect_crosseval.py [--no-heldout] [--shipped-only] [--model FILE] [--exact]
(needs ../shared/datasets). Prints a markdown table for docs/detection.md. --no-heldout leaves
out corpus/heldout (while the model is still being changed, only the lead evaluates on it);
--shipped-only skips the reverse baseline (trained on the research-only sets); --model scores a
candidate's weights instead of the shipped ones; --exact prints three decimals and the false
positives counted, as the adoption rule in docs/detection.md compares them. In-distribution
scores on these sets are inflated by shortcuts, so every test set here comes from a different
source than training.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import detect_sources as src

from fanzha.detect.corpus import Example, load, project_corpus
from fanzha.detect.detector import Detector
from fanzha.detect.model import LinearModel
from fanzha.detect.training import evaluate, fit

ROOT = Path(__file__).resolve().parents[1]


def row(name: str, detector: Detector, tests: dict[str, list[Example]], exact: bool = False) -> list[str]:
    digits = 3 if exact else 2
    cells = []
    for test in tests.values():
        r = evaluate(detector, test)
        has_neg = r.fp + r.tn > 0
        has_pos = r.tp + r.fn > 0
        parts = []
        if has_pos:
            parts.append(f"R {r.recall:.{digits}f}")
        if has_neg:
            parts.append(f"FPR {r.fpr:.{digits}f}" + (f" ({r.fp} / {r.fp + r.tn})" if exact else ""))
        if has_pos and has_neg:
            parts.append(f"F1 {r.f1:.{digits}f}")
        if r.per_type():
            parts.append(f"type-F1 {r.macro_f1():.{digits}f}")
        cells.append(" · ".join(parts))
    return [name, *cells]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Cross-source evaluation of the detector (needs ../shared/datasets)."
    )
    parser.add_argument("--no-heldout", action="store_true", help="leave out corpus/heldout")
    parser.add_argument("--shipped-only", action="store_true", help="skip the research-only baseline")
    parser.add_argument("--model", type=Path, help="a weights file to score instead of the shipped one")
    parser.add_argument("--exact", action="store_true", help="three decimals and the false positives counted")
    args = parser.parse_args()
    if args.model is not None and not args.model.is_file():
        parser.error(f"--model: no file {args.model}")
    return args


def main() -> None:
    args = _arguments()
    started = time.perf_counter()
    heldout = ROOT / "corpus" / "heldout" / "heldout_sms_chat.jsonl"
    tests = {name: load_set() for name, load_set in src.CROSS_SOURCE.items()}
    with_heldout = not args.no_heldout and heldout.is_file()
    if with_heldout:
        tests["project held-out SMS/chat"] = load(heldout)
    print("| trained on | " + " | ".join(tests) + " |")
    print("|---" * (len(tests) + 1) + "|")
    model = LinearModel.load(args.model) if args.model else LinearModel.shipped()
    label = f"{args.model.name}: " if args.model else "shipped: "
    print("| " + " | ".join(row(label + model.about, Detector(model), tests, args.exact)) + " |")
    if args.shipped_only:
        print(f"\n(ran in {time.perf_counter() - started:.0f}s)")
        return
    research = src.tf5() + src.tf8()
    baseline = Detector(fit(research, "TF5+TF8 (research-only sets)"))
    corpus_tests = {
        "project corpus": project_corpus(ROOT / "corpus"),
        **({"held-out": load(heldout)} if with_heldout else {}),
    }
    print()
    print("| trained on | " + " | ".join(corpus_tests) + " |")
    print("|---" * (len(corpus_tests) + 1) + "|")
    print("| " + " | ".join(row("TF5+TF8 (research-only sets)", baseline, corpus_tests)) + " |")
    print(f"\n(ran in {time.perf_counter() - started:.0f}s)")


if __name__ == "__main__":
    main()

"""Detection speed: `fanzha screen` throughput and single-message latency in process.

Usage: python -m benchmarks.bench_detect [N_MESSAGES]
Messages are drawn from the project corpus (short SMS to long dialogues), repeated to N.
Baseline for the ratio: tokenising the same messages with the hashing vectorizer alone.
"""

import io
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import machine, summary_ms
from fanzha.detect import Detector
from fanzha.detect.corpus import project_corpus
from fanzha.detect.features import vectorizer
from fanzha.detect.screening import screen

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    texts = [e.text for e in project_corpus(ROOT / "corpus")]
    messages = [texts[i % len(texts)] for i in range(n)]
    mean_len = sum(map(len, messages)) / n
    print(f"bench_detect: {n:,} messages (mean {mean_len:.0f} chars); {machine()}")
    detector = Detector.default()
    detector.classify(messages[:100])  # warm-up
    vectorizer().transform(messages[:100])  # built and imported on first use: not part of the baseline

    t = time.perf_counter()
    vectorizer().transform(messages)
    base = time.perf_counter() - t
    print(f"  baseline: hashing vectorizer alone  {n / base:>9,.0f} msg/s")

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.jsonl"
        source.write_text(
            "".join(
                json.dumps({"id": i, "text": m}, ensure_ascii=False) + "\n" for i, m in enumerate(messages)
            ),
            encoding="utf-8",
        )
        for workers in (1, 2):
            t = time.perf_counter()
            screen(source, io.StringIO(), workers=workers)
            elapsed = time.perf_counter() - t
            print(
                f"  screen --workers {workers}: {n / elapsed:>9,.0f} msg/s"
                f"  ({elapsed / base:.1f}x baseline time)"
            )

    samples = []
    for m in messages[:3000]:
        t = time.perf_counter()
        detector.classify([m])
        samples.append(time.perf_counter() - t)
    print(f"  single message, in process: {summary_ms(samples)}")


if __name__ == "__main__":
    main()

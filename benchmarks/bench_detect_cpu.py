"""Detection cost per message in CPU time, steadier than wall clock on a shared machine.

Usage: python -m benchmarks.bench_detect_cpu [N_MESSAGES] [K]
One screening worker's whole job (classify chunks of 2,000 corpus messages and encode their JSON
lines) against the baseline of bench_detect (the hashing vectorizer alone), both in this
process's CPU time, each the best of K alternating runs, so that other jobs' moments on the
cores drop out. The ratio is what a worker costs per message in baselines. Then single messages
in process, each the best of 3 (wall clock), over the first 3,000.
"""

import statistics
import sys
import time
from pathlib import Path

from fanzha.detect.corpus import project_corpus
from fanzha.detect.features import vectorizer
from fanzha.detect.screening import CHUNK, Row, load_detector, screen_lines

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    best_of = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    detector = load_detector()  # as a screening worker loads it, before the rows it will screen
    texts = [e.text for e in project_corpus(ROOT / "corpus")]
    messages = [texts[i % len(texts)] for i in range(n)]
    rows = [Row(i, i, m) for i, m in enumerate(messages)]
    vectorizer().transform(messages[:100])

    def worker() -> None:
        for start in range(0, n, CHUNK):
            screen_lines(rows[start : start + CHUNK], detector)

    base = work = float("inf")
    for _ in range(best_of):
        t = time.process_time()
        vectorizer().transform(messages)
        base = min(base, time.process_time() - t)
        t = time.process_time()
        worker()
        work = min(work, time.process_time() - t)
    print(
        f"bench_detect_cpu: {n:,} messages, best of {best_of}: baseline {base / n * 1e6:.0f} us/msg, "
        f"one worker {work / n * 1e6:.0f} us/msg, {work / base:.2f}x baseline"
    )
    single = []
    for m in messages[:3000]:
        fastest = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            detector.classify([m])
            fastest = min(fastest, time.perf_counter() - t)
        single.append(fastest * 1000)
    single.sort()
    p99 = single[int(0.99 * len(single))]
    print(f"  single message, best of 3 each: median {statistics.median(single):.2f} ms, p99 {p99:.2f} ms")


if __name__ == "__main__":
    main()

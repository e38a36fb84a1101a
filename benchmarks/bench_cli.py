"""CLI start-up: wall time of `fanzha --help`, `fanzha warnings --help` and `fanzha check` as a user
runs them (a fresh process each), median of several runs.

Usage: python -m benchmarks.bench_cli [RUNS]
Baseline for the ratio: a bare `python -c pass` in the same run (interpreter start-up alone).
"""

import os
import resource
import statistics
import subprocess
import sys
import time

from benchmarks.common import machine

COMMANDS = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "fanzha --help": [sys.executable, "-m", "fanzha", "--help"],
    "fanzha warnings --help": [sys.executable, "-m", "fanzha", "warnings", "--help"],
    "fanzha check TEXT": [sys.executable, "-m", "fanzha", "check", "您的银行卡涉嫌洗钱，请转入安全账户"],
}


def _medians_s(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of the child; on a shared, loaded
    machine the CPU time is the steadier figure."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=os.environ)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    print(f"bench_cli: {runs} runs each, median wall time; {machine()}; load {os.getloadavg()[0]:.2f}")
    baseline = None
    for label, command in COMMANDS.items():
        wall, cpu = _medians_s(command, runs)
        baseline = baseline or cpu
        print(
            f"  {label:<28} wall {wall * 1000:6.0f} ms, CPU {cpu * 1000:6.0f} ms "
            f"({cpu / baseline:5.1f}× baseline CPU)"
        )
    print(f"  load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

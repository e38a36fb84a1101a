"""Single-warning POSTs at a steady rate against a real server: throughput, latency, /health,
and how fast SIGTERM stops the server while the load is on.

Usage: python -m benchmarks.bench_load [DATABASE_URL] [--rates 50,100,200,500] [--seconds 20]
[--driver python|wrk] [--workers N] [--connections C]
(default: a temporary SQLite file; a PostgreSQL database given here is emptied first). The
issue's aim, 500/s for 5 minutes on PostgreSQL, with the load from wrk:
``bench_load postgresql+psycopg://… --driver wrk --rates 500 --seconds 300``.

The demo city (772 grids, its gazetteer) is built, its due bulletins issued (as on a server that
has been up: the first scheduler pass would render them beside the load), and ``fanzha serve``
started on 127.0.0.1 (scheduler on). At each rate, POST /api/v1/warnings requests are due at
even intervals and sent by 64 threads with keep-alive connections; latency is from the moment a
request was due to its response, so a server falling behind shows as queueing. A probe reads
/health every 200 ms. The lowest rate is the baseline the others are compared with. After the
last rate, SIGTERM is sent with the load still on, and the time until the process exits is
reported.

``--driver wrk`` sends the same items from wrk (benchmarks/load_wrk.py, load_warnings.lua) over
``--connections`` kept-alive connections (default 128): the Python client costs 5–7 ms of CPU a
request and cannot offer 500/s on two cores, wrk about 0.1 ms. Latency is again from each
request's due instant to its answer; statuses are wrk's counts (its run lasts 2 s past the last
due instant, so its requests a second are over seconds + 2), the warnings stored are counted in
the database after each rate (with those the scheduler's series index has not reached yet: at
500/s it has as many to index as the intake stores), and the CPU a request of the server's
processes and PostgreSQL's backends is reported. ``--workers`` starts that many server
processes. wrk's line ends with the p99 of each minute of due instants. ``--jobs-process`` starts
the server with ``--no-jobs`` and the periodic jobs (the series index among them) in ``fanzha
jobs`` beside it, at its default lower priority; its CPU a request is reported apart.
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from benchmarks import load_wrk
from benchmarks.bench_exams import CpuMeter, _cpu_s
from benchmarks.bench_warnings import _feed_key, _items, _prepare, _serve, issue_due_bulletins
from benchmarks.common import machine, summary_ms
from fanzha.clues.models import RecordKind, SeriesCursor
from fanzha.core.db import new_session
from fanzha.core.demo_context import DemoContext
from fanzha.warnings.models import EarlyWarning

SENDERS = 64


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


class Health:
    """Reads /health every 200 ms in the background; keeps the slowest answer."""

    def __init__(self, base: str) -> None:
        self.base, self.slowest, self.failures = base, 0.0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._probe, daemon=True)
        self._thread.start()

    def _probe(self) -> None:
        while not self._stop.is_set():
            start = time.perf_counter()
            try:
                httpx.get(f"{self.base}/health", timeout=5).raise_for_status()
                self.slowest = max(self.slowest, time.perf_counter() - start)
            except httpx.HTTPError:
                self.failures += 1
            self._stop.wait(0.2)

    def stop(self) -> str:
        self._stop.set()
        self._thread.join()
        return f"/health slowest {self.slowest * 1000:.0f} ms, {self.failures} failed"


def _run_rate(
    base: str, key: str, items: list[dict[str, Any]], rate: float, stop: threading.Event | None = None
) -> tuple[Counter[str], list[float], float]:
    """Sends ``items`` one per request at ``rate``/s; returns status counts, latencies, wall time."""
    local = threading.local()
    statuses: Counter[str] = Counter()
    samples: list[float] = []

    def post(k: int, t0: float) -> None:
        if stop is not None and stop.is_set():
            return
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30)
        due = t0 + k / rate
        time.sleep(max(0.0, due - time.perf_counter()))
        try:
            statuses[str(local.client.post("/api/v1/warnings", json=items[k]).status_code)] += 1
            samples.append(time.perf_counter() - due)
        except httpx.HTTPError as exc:
            statuses[type(exc).__name__] += 1

    with ThreadPoolExecutor(SENDERS) as pool:
        t0 = time.perf_counter() + 0.5
        for f in [pool.submit(post, k, t0) for k in range(len(items))]:
            f.result()
    return statuses, samples, time.perf_counter() - t0


def _terminate(proc: Any) -> str:
    """SIGTERM to the server (2 s into a load); how long it took to exit."""
    time.sleep(2)
    start = time.perf_counter()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
        return f"stopped {time.perf_counter() - start:.1f} s after SIGTERM"
    except subprocess.TimeoutExpired:
        proc.kill()
        return "did NOT stop within 30 s of SIGTERM (killed)"


def _sigterm_under_load(proc: Any, base: str, key: str, items: list[dict[str, Any]], rate: float) -> str:
    stop = threading.Event()
    sender = threading.Thread(target=_run_rate, args=(base, key, items, rate, stop))
    sender.start()
    took = _terminate(proc)
    stop.set()
    sender.join()
    return took


def _stored() -> int:
    with new_session() as s:
        return s.scalar(select(func.count(EarlyWarning.id))) or 0


def _unindexed() -> str:
    with new_session() as s:
        last = (
            s.scalar(select(SeriesCursor.last_id).where(SeriesCursor.kind == RecordKind.WARNING.value)) or 0
        )
        behind = s.scalar(select(func.count(EarlyWarning.id)).where(EarlyWarning.id > last)) or 0
    return f"{behind:,} warnings not yet in the series index"


def _start_jobs(url: str) -> subprocess.Popen[bytes]:
    """``fanzha jobs`` beside a server started with ``--no-jobs``."""
    cmd = [sys.executable, "-m", "fanzha", "-d", url, "jobs"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def _wrk_rate(
    server: tuple[int, str],
    url: str,
    key: str,
    items: list[dict[str, Any]],
    rate: float,
    seconds: float,
    conns: int,
    jobs: int | None,
) -> str:
    """One rate from wrk; what it saw, the warnings stored, /health, and CPU a request (of the
    server's processes and PostgreSQL's backends, and of the jobs process ``jobs`` if any: unlike
    the rate, it hardly depends on what else the machine does)."""
    pid, base = server
    bodies = load_wrk.write_bodies(Path(tempfile.mkdtemp()) / "bodies.jsonl", items)
    before, health = _stored(), Health(base)
    meter = CpuMeter(pid, make_url(url).database or "")
    jobs_before = _cpu_s(jobs) if jobs else 0.0
    run = load_wrk.finish(load_wrk.start(base, key, bodies, rate, seconds + 2, conns))
    requests = max(run.requests, 1)
    server_ms, database_ms = meter.per_request_ms(requests)
    stored = _stored() - before
    answers = f"{run.line(201)} (latency from the due instant)"
    cpu = f"CPU a request: server {server_ms:.2f} ms + PostgreSQL {database_ms:.2f} ms"
    if jobs:
        cpu += f" + jobs process {(_cpu_s(jobs) - jobs_before) * 1000 / requests:.2f} ms"
    return (
        f"{len(items):,} due; {answers}; {stored:,} warnings stored, {_unindexed()}; {cpu}; {health.stop()}"
    )


def _wrk_sigterm(proc: Any, base: str, key: str, items: list[dict[str, Any]], rate: float, conns: int) -> str:
    bodies = load_wrk.write_bodies(Path(tempfile.mkdtemp()) / "bodies.jsonl", items)
    sender = load_wrk.start(base, key, bodies, rate, 60, conns)
    took = _terminate(proc)
    sender.send_signal(signal.SIGINT)
    return f"{took}; wrk meanwhile: {load_wrk.finish(sender).line(201)}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--rates", default="50,100,200,500")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--driver", choices=["python", "wrk"], default="python")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--connections", type=int, default=128)
    parser.add_argument("--jobs-process", action="store_true", help="periodic jobs in `fanzha jobs`")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/bench-load.db"
    rates = [float(r) for r in args.rates.split(",")]
    print(
        f"{machine()}; {url.split('@')[-1]}; driver {args.driver};"
        f" {args.workers} server process(es);"
        f" jobs {'in their own process' if args.jobs_process else 'in the server'}; {_load()}"
    )
    ctx: DemoContext = _prepare(url)
    key = _feed_key(ctx)
    issue_due_bulletins()
    proc, base = _serve(url, workers=args.workers, jobs=not args.jobs_process)
    jobs = _start_jobs(url) if args.jobs_process else None
    jobs_pid = jobs.pid if jobs else None
    rng, offset = random.Random(18), 0
    baseline: float | None = None
    try:
        for rate in rates:
            n = int(rate * args.seconds)
            items = _items(ctx, rng, offset, n)
            offset += n
            if args.driver == "wrk":
                result = _wrk_rate(
                    (proc.pid, base), url, key, items, rate, args.seconds, args.connections, jobs_pid
                )
                print(f"  {rate:>5.0f}/s for {args.seconds:.0f} s: {result}; {_load()}")
                continue
            health = Health(base)
            statuses, samples, wall = _run_rate(base, key, items, rate)
            p99 = sorted(samples)[int(0.99 * (len(samples) - 1))] if samples else float("inf")
            baseline = baseline or p99
            print(
                f"  {rate:>5.0f}/s for {args.seconds:.0f} s: {n / wall:,.0f} answered/s; "
                f"statuses {dict(statuses)}; due → answered {summary_ms(samples) if samples else '-'} "
                f"(p99 {p99 / baseline:.1f}× the {rates[0]:.0f}/s baseline); {health.stop()}; {_load()}"
            )
        last = _items(ctx, rng, offset, int(rates[-1] * 60))
        if args.driver == "wrk":
            stopped = _wrk_sigterm(proc, base, key, last, rates[-1], args.connections)
        else:
            stopped = _sigterm_under_load(proc, base, key, last[:10_000], rates[-1])
        print(f"  SIGTERM at {rates[-1]:.0f}/s: {stopped}")
    finally:
        for child in (proc, jobs):
            if child is not None:
                child.kill()
                child.wait()


if __name__ == "__main__":
    main()

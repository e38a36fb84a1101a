"""Bulk intake with routing, and queue claims under concurrency, on SQLite or PostgreSQL.

Usage: python -m benchmarks.bench_warnings [DATABASE_URL]   (default: a temporary SQLite file)
A PostgreSQL database given here is emptied first. The demo city (772 grids, its gazetteer)
is built, then the process warms up as the server does at start (``fanzha.app.warm_up``:
routing index built, start-up objects frozen for the garbage collector) and the cold first
batch is reported on its own line. Then:

1. back-to-back batches of 1 to 10,000 through ``intake`` (validation, in-memory routing,
   set-based insert, one audit batch), each committed: "receipt → routed" is the time from a
   batch's arrival to its commit (every warning in it is routed when its batch commits);
2. a feed over HTTP against a real ``fanzha serve`` process (scheduler on, the bulletins due
   issued beforehand, as a server that has been up has done): warnings arrive at a steady
   500, 1,000, then 2,000/s (20 s each) in batches of 20–100 sent over 8 connections with one
   API key; latency is from the moment a
   batch was due to be sent to its response (after the commit), so a server falling behind
   shows as queueing time rather than as a slower sender;
3. 8 threads drain a queue of 2,000 warnings with ``claim_next``; none may be claimed twice.
"""

import gc
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, insert, select, text

from benchmarks.common import machine, summary_ms
from fanzha.accounts.repository import user_by_username
from fanzha.accounts.schemas import ApiKeyIn
from fanzha.accounts.service import create_api_key, principal_for_user
from fanzha.bulletins import service as bulletins
from fanzha.cli import use_database
from fanzha.core.db import new_session
from fanzha.core.demo_context import DemoContext
from fanzha.core.principal import system_principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import utcnow
from fanzha.demo import city
from fanzha.migrations.runner import upgrade
from fanzha.warnings import service
from fanzha.warnings.demo import _gazetteer_rows
from fanzha.warnings.intake import intake, warm_up
from fanzha.warnings.models import EarlyWarning, GazetteerEntry

# A fixed "now", so every run measures the same city and history.
DEMO_NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

FEED = system_principal(name="bench-feed")
TOTAL = 40_000


def _prepare(url: str) -> DemoContext:
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine

        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    elif url.startswith("sqlite:///"):  # a file from an earlier run is started afresh too
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    upgrade(url)
    use_database(url)
    ctx = DemoContext(rng=random.Random(7), scale=1, now=DEMO_NOW)
    with new_session() as s:
        city.build(s, ctx)
        s.flush()
        ids = {n.code: n.id for n in [*ctx.districts, *ctx.stations, *ctx.grids]}
        s.execute(insert(GazetteerEntry), _gazetteer_rows(ctx, ids))
        s.commit()
    return ctx


def _items(ctx: DemoContext, rng: random.Random, start: int, n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(start, start + n):
        st = rng.choice(ctx.streets)
        out.append(
            {
                "source": "province",
                "source_id": f"B-{i}",
                "issued_at": "2026-11-20T08:00:00+08:00",
                "level": rng.choice(["high", "medium", "low"]),
                "victim_name": "张三",
                "victim_phone": "13900001234",
                "victim_address": f"{st.road}{rng.randint(st.first_no, st.last_no)}号",
                "fraud_type": "rebate_task",
                "evidence": [{"kind": "phone", "value": "17000001111"}],
            }
        )
    return out


def _send(items: list[dict[str, Any]]) -> float:
    start = time.perf_counter()
    with new_session() as s:
        result = intake(s, items, FEED)
        s.commit()
    assert result.created == len(items)
    return time.perf_counter() - start


class Pauses:
    """What else happened during a run: the longest garbage-collector pause of this process and,
    on PostgreSQL, how many checkpoints the server went through (each a burst of disk writes)."""

    def __init__(self) -> None:
        self.longest, self._start = 0.0, 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.longest = max(self.longest, time.perf_counter() - self._start)

    @staticmethod
    def checkpoints() -> int:
        with new_session() as s:
            if s.get_bind().dialect.name != "postgresql":
                return 0
            return int(
                s.scalar(text("SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter")) or 0
            )

    def run(self, work: Any) -> tuple[Any, str]:
        self.longest, before = 0.0, self.checkpoints()
        result = work()
        return (
            result,
            f"[longest GC pause {self.longest * 1000:.1f} ms, checkpoints {self.checkpoints() - before}]",
        )


PAUSES = Pauses()


def bench_intake(ctx: DemoContext, batch: int, total: int, offset: int) -> None:
    rng = random.Random(batch)
    batches = [_items(ctx, rng, offset + k, batch) for k in range(0, total, batch)]
    t0 = time.perf_counter()
    samples, pauses = PAUSES.run(lambda: [_send(items) for items in batches])
    elapsed = time.perf_counter() - t0
    rate = f"{total / elapsed:,.0f} warnings/s"
    print(f"  batch {batch:>5}: {rate}; receipt → routed {summary_ms(samples)} {pauses}")


def _feed_key(ctx: DemoContext) -> str:
    assert ctx.centre is not None
    with new_session() as s:
        scopes = [Perm.WARNINGS_INTAKE]
        key = ApiKeyIn(name="bench-feed", unit_id=ctx.centre.id, scopes=scopes, sources=["province"])
        _, token = create_api_key(s, key, FEED)
        s.commit()
    return token


def _serve(
    url: str, log: str | None = None, workers: int = 1, jobs: bool = True
) -> tuple[subprocess.Popen[bytes], str]:
    """Starts ``fanzha serve`` on a free port (``workers`` processes, the periodic jobs in them
    unless ``jobs`` is false); its output goes to the file ``log`` if given."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    cmd = [sys.executable, "-m", "fanzha", "-d", url, "serve", "--port", str(port), "--workers", str(workers)]
    cmd += [] if jobs else ["--no-jobs"]
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def _feed(
    base: str, headers: dict[str, str], batches: list[list[dict[str, Any]]], due: list[float]
) -> tuple[float, list[float]]:
    """Sends each batch at its due instant (8 connections); returns the wall time and latencies."""
    local = threading.local()
    samples: list[float] = []

    def post(k: int, t0: float) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, headers=headers, timeout=60)
        time.sleep(max(0.0, t0 + due[k] - time.perf_counter()))
        res = local.client.post("/api/v1/warnings/batch", json=batches[k])
        assert res.status_code == 200 and res.json()["created"] == len(batches[k]), res.text
        samples.append(time.perf_counter() - (t0 + due[k]))

    with ThreadPoolExecutor(8) as pool:
        t0 = time.perf_counter() + 0.5
        for f in [pool.submit(post, k, t0) for k in range(len(batches))]:
            f.result()
    return time.perf_counter() - t0, samples


def issue_due_bulletins() -> None:
    """A fresh database has the latest day's, week's and month's scheduled bulletins due for the
    city and its districts: the server's scheduler would render them as PDFs (seconds each) beside
    the intake, for minutes. A server that has been up has issued them, so issue them here first
    (the stall itself is reported in docs/benchmarks.md)."""
    with new_session() as s:
        while bulletins.tick(s, utcnow()):
            s.commit()


def bench_feed(ctx: DemoContext, url: str, offset: int, rates: tuple[int, ...], seconds: int = 20) -> int:
    """Open loop: batch k is due at a fixed instant whatever happened to batch k-1."""
    issue_due_bulletins()
    proc, base = _serve(url)
    headers = {"Authorization": f"Bearer {_feed_key(ctx)}"}
    sent = 0
    try:
        for rate in rates:
            rng = random.Random(rate)
            batches, due, at, n = [], [], 0.0, 0
            while at < seconds:
                size = rng.randint(20, 100)
                batches.append(_items(ctx, rng, offset + sent + n, size))
                due.append(at)
                n += size
                at += size / rate
            before = PAUSES.checkpoints()
            took, samples = _feed(base, headers, batches, due)
            print(
                f"  feed over HTTP, {rate:,}/s offered in {len(batches):,} batches of 20–100: "
                f"{n / took:,.0f} warnings/s taken; arrival → routed (response after commit) "
                f"{summary_ms(samples)} [checkpoints {PAUSES.checkpoints() - before}]"
            )
            sent += n
    finally:
        proc.terminate()
        proc.wait()
    return sent


def bench_duplicates(ctx: DemoContext, offset: int) -> None:
    rng = random.Random(1)
    items = _items(ctx, rng, offset, 2000)
    with new_session() as s:
        intake(s, items, FEED)
        s.commit()
    start = time.perf_counter()
    with new_session() as s:
        result = intake(s, items, FEED)
        s.commit()
    took = time.perf_counter() - start
    print(f"  re-sent batch of 2,000 (all existing): {took * 1000:.0f} ms, {result.existing} existing")


def bench_claims(threads: int = 8) -> None:
    with new_session() as s:
        user = user_by_username(s, "dissuader")
        assert user is not None
        who = principal_for_user(user)
    claimed: list[int] = []
    lock = threading.Lock()

    def drain() -> None:
        while True:
            with new_session() as s:
                w = service.claim_next(s, who)
                s.commit()
            if w is None:
                return
            with lock:
                claimed.append(w.id)

    with new_session() as s:
        open_before = s.scalar(select(func.count()).where(EarlyWarning.state == "routed")) or 0
    start = time.perf_counter()
    workers = [threading.Thread(target=drain) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    took = time.perf_counter() - start
    assert len(claimed) == len(set(claimed)) == open_before, "double or missed claim"
    rate = len(claimed) / took
    print(f"  {threads} threads drained {len(claimed):,} warnings: {rate:,.0f} claims/s, none claimed twice")


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/bench-warnings.db"
    print(machine())
    print(f"database: {url.split('://')[0]}")
    ctx = _prepare(url)
    cold = _send(_items(ctx, random.Random(0), 0, 100))
    print(f"  first batch of 100 in a fresh process without warm-up: {cold * 1000:.0f} ms")
    with new_session() as s:  # what fanzha.app.warm_up does when the server starts
        warm_up(s)
    gc.collect()
    gc.freeze()
    offset = 1_000
    for batch, total in ((1, 1_000), (10, 5_000), (100, 30_000), (1_000, TOTAL), (10_000, TOTAL)):
        bench_intake(ctx, batch, total, offset)
        offset += total
    offset += bench_feed(ctx, url, offset, (500, 1_000, 2_000))
    bench_duplicates(ctx, offset)
    with new_session() as s:  # leave 2,000 routed warnings in the queue for the claim race
        s.execute(text("UPDATE warnings_items SET state = 'closed' WHERE id > 2000"))
        s.commit()
    bench_claims()
    os.environ.pop("FANZHA_DATABASE_URL", None)


if __name__ == "__main__":
    main()

"""Bulk intake with routing, and queue claims under concurrency, on SQLite or PostgreSQL.

Usage: python -m benchmarks.bench_warnings [DATABASE_URL]   (default: a temporary SQLite file)
A PostgreSQL database given here is emptied first. The demo city (772 grids, its gazetteer)
is built, then batches of generated warnings go through ``intake`` (validation, in-memory
routing, set-based insert, one audit batch) and are committed. "Receipt → routed" is the time
from a batch's arrival to its commit: every warning in it is routed when its batch commits.
Then 8 threads drain a queue of 2,000 warnings with ``claim_next``; no warning may be claimed twice.
"""

import os
import random
import sys
import tempfile
import threading
import time
from typing import Any

from sqlalchemy import func, insert, select, text

from benchmarks.common import machine, summary_ms
from fanzha.accounts.principal import system_principal
from fanzha.accounts.repository import user_by_username
from fanzha.accounts.service import principal_for_user
from fanzha.cli import use_database
from fanzha.core.db import new_session
from fanzha.demo import city
from fanzha.demo.builder import DEMO_NOW
from fanzha.demo.context import DemoContext
from fanzha.migrations.runner import upgrade
from fanzha.warnings import service
from fanzha.warnings.demo import _gazetteer_rows
from fanzha.warnings.intake import intake
from fanzha.warnings.models import EarlyWarning, GazetteerEntry

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


def bench_intake(ctx: DemoContext, batch: int, total: int, offset: int) -> None:
    rng = random.Random(batch)
    batches = [_items(ctx, rng, offset + k, batch) for k in range(0, total, batch)]
    samples = []
    t0 = time.perf_counter()
    for items in batches:
        start = time.perf_counter()
        with new_session() as s:
            result = intake(s, items, FEED)
            s.commit()
        samples.append(time.perf_counter() - start)
        assert result.created == len(items)
    elapsed = time.perf_counter() - t0
    print(f"  batch {batch:>5}: {total / elapsed:,.0f} warnings/s; receipt → routed {summary_ms(samples)}")


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
    offset = 0
    for batch in (100, 1_000, 10_000):
        bench_intake(ctx, batch, TOTAL if batch > 100 else 10_000, offset)
        offset += TOTAL
    bench_duplicates(ctx, offset)
    with new_session() as s:  # leave 2,000 routed warnings in the queue for the claim race
        s.execute(text("UPDATE warnings_items SET state = 'closed' WHERE id > 2000"))
        s.commit()
    bench_claims()
    os.environ.pop("FANZHA_DATABASE_URL", None)


if __name__ == "__main__":
    main()

"""Subtree scoping cost: materialized-path range filter vs. no filter, on 1M rows.

Usage: python -m benchmarks.bench_scope [DATABASE_URL]   (default: a temporary SQLite file)
Prints the time to count one station's rows and one grid's rows among 1,000,000 records
spread over the demo city's 772 grids, relative to counting the whole table.
"""

import sys
import tempfile
import time

from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select

from benchmarks.common import machine, summary_ms
from fanzha.core.db import make_engine, node_path_type
from fanzha.core.scope import within

ROWS = 1_000_000


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/scope.db"
    engine = make_engine(url)
    meta = MetaData()
    table = Table(
        "bench_scope_records",
        meta,
        Column("id", Integer, primary_key=True),
        Column("node_path", node_path_type(), index=True),
    )
    meta.drop_all(engine)
    meta.create_all(engine)
    grids = [
        f"/369900/3699{d:02d}/3699{d:02d}{s:03d}/3699{d:02d}{s:03d}{g:03d}/"
        for d in range(1, 6)
        for s in range(1, 9)
        for g in range(1, 20)
    ]
    with engine.begin() as conn:
        batch = [{"node_path": grids[i % len(grids)]} for i in range(ROWS)]
        for k in range(0, ROWS, 100_000):
            conn.execute(insert(table), batch[k : k + 100_000])
    station, grid = "/369900/369901/369901001/", grids[3]
    col = table.c.node_path
    cases = {
        "whole table (baseline)": select(func.count()).select_from(table),
        "one station subtree": select(func.count()).where(within(col, station)),  # type: ignore[arg-type]
        "one grid": select(func.count()).where(within(col, grid)),  # type: ignore[arg-type]
    }
    print(f"bench_scope on {engine.dialect.name}; {ROWS:,} rows over {len(grids)} grids; {machine()}")
    with engine.connect() as conn:
        base = None
        for name, stmt in cases.items():
            samples = []
            for _ in range(20):
                t = time.perf_counter()
                count = conn.execute(stmt).scalar_one()
                samples.append(time.perf_counter() - t)
            med = sorted(samples)[len(samples) // 2]
            base = base or med
            print(f"  {name:<24} rows={count:>9,}  {summary_ms(samples)}  ratio to baseline {med / base:.3f}")
    meta.drop_all(engine)


if __name__ == "__main__":
    main()

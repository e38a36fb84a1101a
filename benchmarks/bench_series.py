"""The series index (串并案) over 5 million identifiers and 1 million cases: incremental add of one
case, and the full recompute per engine (DuckDB, Spark local).

Usage: python -m benchmarks.bench_series [--scales 0.01,0.1,1] [--adds 200] [--engines duckdb,spark]
       [--spark-upto SCALE]
       [--db postgresql+psycopg://postgres@127.0.0.1:5432/fz_bench_series]
Each scale runs on a fresh database (a SQLite file in a temporary folder unless ``--db``, which
is emptied): scale 1 is 1,000,000 cases naming 5,000,000 distinct identifiers. The first scale
is the baseline the others are given as ratios against, in the same run.

The index is generated, not indexed case by case: 60 % of the cases belong to gangs of 12 whose
members are chained by shared identifiers (member j names the gang's identifiers j and j+1, so a
gang is one series with a long chain, the slow shape for label propagation); every case also
names identifiers of its own (4 or 5, to make up the total). Gang members are spread through the
id range like cases arriving over months. Rows go in with executemany (SQLite) or COPY (PG).

Then ``--adds`` cases are indexed one at a time through ``index_record`` and committed (each
names 3 new identifiers and one of a gang; every fourth also one of another gang, so it merges
two series), and the full recompute is timed in its parts: reading the linking edges, the
components per engine, and writing the result once (DuckDB's).
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from benchmarks.common import machine, summary_ms
from fanzha.clues import recompute
from fanzha.clues.index import Indexable, index_record
from fanzha.clues.models import RecordKind
from fanzha.core.db import make_engine
from fanzha.migrations.runner import upgrade

GANG = 12  # cases per gang, chained through GANG + 1 shared identifiers
NOW = datetime(2026, 11, 20, 9, 0)  # naive UTC, as SQLite hands it back
PATH = "/369900/369901/"
BATCH = 200_000


def _value(ident: int) -> tuple[str, str]:
    """Identifier number → (kind, normal form): phones and bank accounts, alternately."""
    return ("phone", f"13{ident:09d}") if ident % 2 == 0 else ("bank_account", f"6222{ident:012d}")


class Graph:
    """The generated index: cases, identifiers, links and each one's series, as arrays."""

    def __init__(self, cases: int, identifiers: int) -> None:
        c = np.arange(cases, dtype=np.int64)
        gang_case = c % 5 < 3
        k = (c // 5) * 3 + c % 5  # rank among gang cases
        gangs = int(gang_case.sum()) // GANG
        gang_case &= k < gangs * GANG
        gang, member = k % max(gangs, 1), k // max(gangs, 1)
        shared = gangs * (GANG + 1)
        own_total = identifiers - shared
        assert own_total >= cases, "fewer identifiers than cases"
        # Identifiers 0..shared-1 belong to gangs; the rest, in turn, to cases (case i gets
        # shared + i, shared + i + cases, ...).
        own = shared + np.arange(own_total, dtype=np.int64)
        self.cases, self.identifiers, self.gangs = cases, identifiers, gangs
        g_rows, g_ids = c[gang_case], gang[gang_case] * (GANG + 1) + member[gang_case]
        self.link_rec = np.concatenate([(own - shared) % cases, g_rows, g_rows])
        self.link_ident = np.concatenate([own, g_ids, g_ids + 1])
        # Series ids: gang g → g + 1; a case outside gangs → gangs + 1 + its number.
        self.case_series = np.where(gang_case, gang + 1, gangs + 1 + c)
        ident_series = np.empty(identifiers, dtype=np.int64)
        ident_series[self.link_ident] = self.case_series[self.link_rec]
        self.ident_series = ident_series
        self.series_sizes = np.bincount(self.case_series)

    def rows(self, table: str) -> Iterator[tuple[Any, ...]]:
        if table == "series":
            for sid in np.nonzero(self.series_sizes)[0].tolist():
                n = int(self.series_sizes[sid])
                yield (sid, NOW, NOW, n, n, None)
        elif table == "series_records":
            for i, sid in enumerate(self.case_series.tolist()):
                at = NOW - timedelta(minutes=(self.cases - i) * 5)
                yield (i + 1, "case", i + 1, f"BENCH-{i + 1}", PATH, at, 1000 + i % 50_000, sid, NOW)
        elif table == "series_identifiers":
            degree = np.bincount(self.link_ident, minlength=self.identifiers)
            for i, (sid, d) in enumerate(zip(self.ident_series.tolist(), degree.tolist(), strict=True)):
                kind, value = _value(i)
                yield (i + 1, kind, value, d, False, None, sid)
        else:
            for r, i in zip(self.link_rec.tolist(), self.link_ident.tolist(), strict=True):
                yield (r + 1, i + 1, _value(i)[1])


COLUMNS = {
    "series": "id, created_at, updated_at, record_count, case_count, merged_into",
    "series_records": "id, kind, record_id, label, node_path, occurred_at, amount, series_id, indexed_at",
    "series_identifiers": "id, kind, value, degree, hub, hub_reason, series_id",
    "series_links": "record_row_id, identifier_id, raw",
}


def _load(engine: Engine, graph: Graph) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        postgres = engine.dialect.name == "postgresql"
        if not postgres:  # the engine's connections run pysqlite in autocommit: one transaction here
            cur.execute("PRAGMA foreign_keys=OFF")
            cur.execute("BEGIN")
        for table, cols in COLUMNS.items():
            if postgres:
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in graph.rows(table):
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(cols.split(",")))
                rows = graph.rows(table)
                while chunk := [r for _, r in zip(range(BATCH), rows, strict=False)]:
                    cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", chunk)
        if postgres:
            for table in ("series", "series_records", "series_identifiers"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
            for table in COLUMNS:
                cur.execute(f"ANALYZE {table}")
        else:
            cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def _fresh(url: str | None, folder: Path, scale: float) -> tuple[str, Engine]:
    if url is None:
        url = f"sqlite:///{folder}/series-{scale}.db"
    elif url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as con:
            con.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)
    return url, make_engine(url)


def _adds(engine: Engine, graph: Graph, count: int) -> list[float]:
    samples = []
    fresh = graph.identifiers
    with Session(engine) as session:
        for n in range(count):
            gang = (n * 7919) % graph.gangs
            idents = [fresh + 3 * n + j for j in range(3)] + [gang * (GANG + 1) + n % GANG]
            if n % 4 == 0:
                idents.append(((gang + graph.gangs // 2) % graph.gangs) * (GANG + 1))
            item = Indexable(
                kind=RecordKind.CASE,
                record_id=graph.cases + 1 + n,
                label=f"ADD-{n}",
                node_path=PATH,
                occurred_at=NOW,
                amount=None,
                identifiers=tuple(_value(i) for i in idents),
            )
            start = time.perf_counter()
            index_record(session, item, NOW)
            session.commit()
            samples.append(time.perf_counter() - start)
    return samples


def _timed(what: str, fn: Any, *args: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn(*args)
    took = time.perf_counter() - start
    print(f"  {what}: {took:.2f} s", flush=True)
    return out, took


def _uptime() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def run_scale(
    url: str | None, folder: Path, scale: float, adds: int, engines: list[str], spark_upto: float
) -> dict[str, float]:
    graph = Graph(int(1_000_000 * scale), int(5_000_000 * scale))
    print(
        f"scale {scale}: {graph.cases:,} cases, {graph.identifiers:,} identifiers, "
        f"{len(graph.link_rec):,} links, {graph.gangs:,} gangs (load {_uptime()})",
        flush=True,
    )
    url, engine = _fresh(url, folder, scale)
    figures: dict[str, float] = {}
    _, figures["load"] = _timed("bulk load", _load, engine, graph)
    samples = _adds(engine, graph, adds)
    figures["add"] = statistics.median(samples)
    print(f"  incremental add: {summary_ms(samples)} (load {_uptime()})", flush=True)
    with Session(engine) as session:
        links, figures["edges"] = _timed("read linking edges", recompute.linking_edges, session)
        labels: dict[int, int] = {}
        for name in (e for e in engines if e != "spark" or scale <= spark_upto):
            fn = recompute.components_duckdb if name == "duckdb" else recompute.components_spark
            found, figures[name] = _timed(f"components, {name} (load {_uptime()})", fn, links)
            assert not labels or found == labels, f"{name} disagrees"
            labels = found
        print(f"  {len(set(labels.values())):,} components over {len(labels):,} records", flush=True)
        _, figures["apply"] = _timed("write the result", recompute.apply, session, labels, NOW)
        session.rollback()
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scales", default="0.01,0.1,1")
    parser.add_argument("--adds", type=int, default=200)
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--spark-upto", type=float, default=1.0, help="run Spark only up to this scale")
    parser.add_argument(
        "--db", default=None, help="PostgreSQL URL (emptied); SQLite in a temp folder if absent"
    )
    args = parser.parse_args()
    print(machine(), flush=True)
    engines = args.engines.split(",")
    results: list[tuple[float, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as folder:
        for scale in (float(s) for s in args.scales.split(",")):
            results.append(
                (scale, run_scale(args.db, Path(folder), scale, args.adds, engines, args.spark_upto))
            )
            base_scale, base = results[0]
            ratios = ", ".join(f"{k} ×{v / base[k]:.1f}" for k, v in results[-1][1].items() if base.get(k))
            print(f"  vs scale {base_scale}: {ratios}", flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()

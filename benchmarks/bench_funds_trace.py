"""Tracing on a generated graph of 5 million transfers: a 4-hop, 72-hour trace from a victim.

Background: 5M transfers over 30 days between 1M accounts, skewed so some accounts are
busy hubs. Injected: 100 victims whose money fans out through four layers of mules within
hours. The store is DuckDB as in production; the index is built once, then each victim is
traced under both rules, and the mule scores of the accounts a trace page shows are computed.
Run: .venv/bin/python -m benchmarks.bench_funds_trace [--transfers N] [--score-all]
"""

import argparse
import csv
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import machine, summary_ms
from fanzha.funds.graph import GraphIndex
from fanzha.funds.scoring import score_accounts, score_all
from fanzha.funds.store import TransactionStore
from fanzha.funds.trace import TraceParams, trace

START = datetime(2026, 10, 1, tzinfo=UTC)
ACCOUNTS = 1_000_000
VICTIMS = 100

BACKGROUND_SQL = """
INSERT INTO tx
SELECT CAST(i AS VARCHAR), CAST(s AS VARCHAR), CAST(d AS VARCHAR), 'B' || CAST(s % 7 AS VARCHAR), 'out',
       CAST(round(50 + random() * random() * 20000, 2) AS DECIMAL(14, 2)), NULL,
       TIMESTAMP '2026-10-01 00:00:00' + to_seconds(CAST(random() * 30 * 86400 AS BIGINT)),
       NULL, NULL, 'bench'
FROM (SELECT i, CAST(floor(pow(random(), 2) * {n}) AS BIGINT) AS s,
             CAST(floor(pow(random(), 2) * {n}) AS BIGINT) AS d FROM range({count}) t(i))
"""


def _chains(rng: random.Random, path: Path) -> list[tuple[str, datetime]]:
    """Victim → 2–4 mules → … four layers; each mule keeps 5–30 % and forwards within hours."""
    victims = []
    with path.open("w", newline="") as f:
        w = csv.writer(f)

        def send(src: str, cents: int, at: datetime, depth: int) -> None:
            if depth == 0:
                return
            for _ in range(rng.randint(2, 4)):
                dst = str(rng.randrange(ACCOUNTS))
                share = cents // 3
                when = at + timedelta(minutes=rng.randint(5, 600))
                w.writerow(
                    [f"c{rng.getrandbits(60)}", src, dst, "B1", "out", f"{share / 100:.2f}", "", when, "", ""]
                )
                send(dst, share * rng.randint(70, 95) // 100, when, depth - 1)

        for k in range(VICTIMS):
            victim, at = f"V{k}", START + timedelta(days=rng.uniform(1, 25))
            send(victim, rng.randint(5_000_000, 50_000_000), at, 4)
            victims.append((victim, at - timedelta(minutes=1)))
    return victims


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transfers", type=int, default=5_000_000)
    parser.add_argument("--score-all", action="store_true", help="also score the whole store once (a minute)")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        store = TransactionStore(Path(tmp) / "bench.duckdb")
        started = time.perf_counter()
        victims = _chains(random.Random(7), Path(tmp) / "chains.csv")
        with store.connect() as con:
            con.execute(BACKGROUND_SQL.format(n=ACCOUNTS, count=args.transfers))
            con.execute(
                "INSERT INTO tx SELECT *, 'chains' FROM read_csv(?, header=false, all_varchar=true)",
                [str(Path(tmp) / "chains.csv")],
            )
            total = con.execute("SELECT count(*) FROM tx").fetchone()
        took = time.perf_counter() - started
        print(f"store: {total[0] if total else 0:,} transfers generated in {took:.1f} s")
        started = time.perf_counter()
        index = GraphIndex.from_store(store)
        print(
            f"index: {len(index.accounts):,} accounts built in {time.perf_counter() - started:.1f} s (once)"
        )
        if args.score_all:
            started = time.perf_counter()
            everyone = score_all(store)
            took = time.perf_counter() - started
            print(f"mule scores of the whole store: {len(everyone):,} accounts in {took:.1f} s")
    for rule in ("fifo", "proportional"):
        samples, sizes = [], []
        for victim, since in victims:
            params = TraceParams(victim, since, rule, max_hops=4, window_s=72 * 3600, min_cents=10_000)  # type: ignore[arg-type]
            t0 = time.perf_counter()
            result = trace(index, params)
            samples.append(time.perf_counter() - t0)
            sizes.append(len(result.accounts))
        print(
            f"trace 4 hops / 72 h, {rule:<12}: {summary_ms(samples)}; accounts in result: "
            f"median {statistics.median(sizes):.0f}, max {max(sizes)}"
        )
    # What the trace page adds: the mule scores of the ranked accounts it shows (at most 100).
    samples, sizes = [], []
    for victim, since in victims:
        shown = [a.account for a in trace(index, TraceParams(victim, since)).ranked()[:100]]
        t0 = time.perf_counter()
        score_accounts(index, shown)
        samples.append(time.perf_counter() - t0)
        sizes.append(len(shown))
    median = statistics.median(sizes)
    print(f"mule scores of the accounts shown: {summary_ms(samples)}; accounts: median {median:.0f}")


if __name__ == "__main__":
    main()

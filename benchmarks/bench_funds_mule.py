"""Mule scoring on IBM AMLSim samples (../shared/datasets/amlsim_sample): precision@k and PR-AUC.

Baseline: rank by degree (distinct counterparties). AMLSim's ``time`` is a simulation step,
read here as a day. Run: .venv/bin/python benchmarks/bench_funds_mule.py
"""

import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import machine
from fanzha.funds.scoring import score_all
from fanzha.funds.store import TransactionStore

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "amlsim_sample"
SETS = ["20K_cycle200", "20K_fanin200", "20K_fanin200cycle200"]
DAY0 = 1_767_225_600  # 2026-01-01T00:00:00Z, step 1 of the simulation


def load(store: TransactionStore, folder: Path) -> dict[str, int]:
    """Transactions as outgoing statement lines; labels per account id."""
    with store.connect() as con:
        con.execute(
            "INSERT INTO tx SELECT CAST(row_number() OVER () AS VARCHAR), CAST(sourceNodeId AS VARCHAR), "
            "CAST(targetNodeId AS VARCHAR), 'AML', 'out', CAST(value AS DECIMAL(14, 2)), NULL, "
            "to_timestamp(? + (time - 1) * 86400)::TIMESTAMP, NULL, NULL, 'amlsim' "
            "FROM read_csv(?, header=true)",
            [DAY0, str(folder / "transactions.csv")],
        )
        rows = con.execute(
            "SELECT CAST(nodeid AS VARCHAR), isFraud FROM read_csv(?, header=true)",
            [str(folder / "nodes.csv")],
        ).fetchall()
    return {str(a): int(y) for a, y in rows}


def average_precision(labels: np.ndarray, order: np.ndarray) -> float:
    """Area under the precision-recall curve (step-wise, as average precision)."""
    ranked = labels[order]
    hits = np.cumsum(ranked)
    precision = hits / np.arange(1, len(ranked) + 1)
    return float((precision * ranked).sum() / max(ranked.sum(), 1))


def evaluate(name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = TransactionStore(Path(tmp) / "aml.duckdb")
        labels = load(store, DATA / name)
        started = time.perf_counter()
        scores = score_all(store)
        took = time.perf_counter() - started
    accounts = sorted(labels)
    pos = {a: i for i, a in enumerate(accounts)}
    y = np.array([labels[a] for a in accounts])
    ours = np.zeros(len(accounts))
    degree = np.zeros(len(accounts))
    for s in scores:
        if s.account in pos:
            ours[pos[s.account]], degree[pos[s.account]] = s.score, s.degree
    rng = np.random.default_rng(0)
    tie = rng.random(len(accounts))  # random tie-break, the same for both rankings
    print(
        f"\n{name}: {len(accounts)} accounts, {int(y.sum())} labelled laundering; scoring took {took:.2f} s"
    )
    print(f"{'ranking':<10} {'PR-AUC':>7} {'P@100':>6} {'P@500':>6} {'P@1000':>7}")
    for label, values in (("mule", ours), ("degree", degree)):
        order = np.lexsort((tie, -values))
        row = [y[order[:k]].mean() for k in (100, 500, 1000)]
        print(f"{label:<10} {average_precision(y, order):7.3f} {row[0]:6.3f} {row[1]:6.3f} {row[2]:7.3f}")
    print(f"{'random':<10} {y.mean():7.3f}")


def main() -> None:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is not present")
        return
    print(machine())
    for name in SETS:
        evaluate(name)


if __name__ == "__main__":
    main()

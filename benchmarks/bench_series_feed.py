"""The scheduler's series-index job (串并案) catching up on new warnings: the cost a warning adds
to the index, which a server taking 500 warnings a second must keep up with beside the intake.

Usage: python -m benchmarks.bench_series_feed DATABASE_URL [--warnings 4000] [--rounds 2]
[--against TREE]

For each shape, the demo city is built in DATABASE_URL (emptied first), ``--warnings`` warnings
are stored through the intake in batches of 200, and ``clues.service.index_job`` is run and
committed until it reports nothing more, as the scheduler does. Shapes: ``hubs``, every warning
naming the same victim phone and suspect phone (bench_load's warnings: both turn into hubs and
link nothing); ``linked``, each naming its own victim phone and a suspect phone and account drawn
from pools of 2,000 and 3,000 (so series form and about one warning in four merges two). Printed
per shape: the job's process CPU, wall clock and SQL statements a warning (the database
server's CPU is not in the first), the series and merges it made, and how long its transactions
took at the median and at most (on SQLite, how long a request may wait behind the job for the
write lock). With ``--against`` (another checkout, e.g. ``git worktree add /tmp/base <commit>``)
each round runs both trees in turn; the figures are the medians over rounds and the ratio is this
tree's against TREE's.
"""

import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, machine, tree_env, trees_parser

SHAPES = ("hubs", "linked")


def _warnings(shape: str, n: int, ctx: Any) -> list[dict[str, Any]]:
    from benchmarks.bench_warnings import _items

    rng = random.Random(2)
    items = _items(ctx, rng, 0, n)
    if shape == "linked":
        for item in items:
            item["victim_phone"] = f"139{rng.randint(0, 99_999_999):08d}"
            item["evidence"] = [
                {"kind": "phone", "value": f"170{rng.randint(0, 1999):08d}"},
                {"kind": "bank_account", "value": f"6222{rng.randint(0, 2999):012d}"},
            ]
    return items


def _child(url: str, shape: str, n: int) -> None:
    """Runs with the measured tree on PYTHONPATH; prints one JSON line."""
    from sqlalchemy import Engine, event, func, select

    from benchmarks.bench_warnings import _prepare
    from fanzha.clues.models import SeriesMerge
    from fanzha.clues.service import index_job
    from fanzha.core.db import new_session
    from fanzha.core.principal import system_principal
    from fanzha.core.timeutil import utcnow
    from fanzha.warnings.intake import intake

    items = _warnings(shape, n, _prepare(url))
    with new_session() as s:
        for start in range(0, n, 200):
            intake(s, items[start : start + 200], system_principal(name="bench"))
            s.commit()
    statements = [0]
    event.listen(Engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
    cpu, wall, indexed, spans = time.process_time(), time.perf_counter(), 0, []
    with new_session() as s:
        while True:
            started = time.perf_counter()
            batch = index_job(s, utcnow())
            s.commit()
            spans.append(time.perf_counter() - started)
            indexed += batch.indexed
            if not batch.more:
                break
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        merges = s.scalar(select(func.count(SeriesMerge.id)))
    assert indexed == n, (indexed, n)
    print(json.dumps({"cpu_ms": 1000 * cpu / n, "wall_ms": 1000 * wall / n, "statements": statements[0] / n,
                      "merges": merges, "median_tx_ms": 1000 * statistics.median(spans),
                      "longest_tx_ms": 1000 * max(spans)}))  # fmt: skip


def _run(tree: Path, url: str, shape: str, n: int) -> dict[str, float]:
    env = tree_env(tree)
    command = [sys.executable, "-m", "benchmarks.bench_series_feed", url, "--child", shape, str(n)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the run failed for {tree}:\n{done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = trees_parser(child_args=2)
    parser.add_argument("--warnings", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.child:
        _child(args.url, args.child[0], int(args.child[1]))
        return
    print(f"{machine()}; {args.url.split('@')[-1]}; {args.warnings} warnings a run, {args.rounds} round(s)")
    trees = [ROOT] + ([args.against.resolve()] if args.against else [])
    for shape in SHAPES:
        runs: dict[Path, list[dict[str, float]]] = {tree: [] for tree in trees}
        for _ in range(args.rounds):
            for tree in trees:
                runs[tree].append(_run(tree, args.url, shape, args.warnings))
        med = {t: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for t, rs in runs.items()}
        for tree in trees:
            m = med[tree]
            ratio = (
                f" (CPU {m['cpu_ms'] / med[trees[-1]]['cpu_ms']:.2f}× {trees[-1].name})"
                if len(trees) > 1
                else ""
            )
            print(
                f"  {shape}, {tree}: CPU {m['cpu_ms']:.2f} ms, wall {m['wall_ms']:.2f} ms,"
                f" {m['statements']:.1f} statements a warning; {m['merges']:.0f} merges;"
                f" transactions {m['median_tx_ms']:.0f} ms at the median,"
                f" {m['longest_tx_ms']:.0f} at most{ratio}"
            )


if __name__ == "__main__":
    main()

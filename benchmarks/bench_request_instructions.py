"""Instructions a single-warning POST costs, counted by callgrind: a CPU figure that does not
move with whatever else the machine is running, so two trees of the code can be compared on a
shared, noisy machine where CPU seconds differ by ±20% from run to run of one tree.

Usage: python -m benchmarks.bench_request_instructions DATABASE_URL [--posts 400] [--group 8]
[--against TREE]

The demo city is built in DATABASE_URL (a PostgreSQL database is emptied first) with a feed key
and the warnings to send. Then, for this tree and for TREE if given (another checkout, for
example ``git worktree add /tmp/base <commit>``), the application is started in process under
``valgrind --tool=callgrind`` twice: once sending only the warm-up POSTs, once sending
``--posts`` more, ``--group`` started together at a time (as a busy feed's are; warnings.group
stores each group in two batches, the first request's alone and the rest together). The
difference of the two runs' instruction totals, over ``--posts``, is the figure: the server
process's own work (event loop, worker threads, driver), not the database server's. The
interpreter runs about 50 times slower under callgrind, so a run takes minutes; the trees' runs
go two at a time. Needs Debian's ``valgrind``.
"""

import asyncio
import json
import random
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.bench_warnings import _feed_key, _items, _prepare
from benchmarks.common import ROOT, machine, tree_env, trees_parser

WARM_UP = 16


def _child(work: Path, first: int, count: int, group: int) -> None:
    """Runs inside callgrind: the application of the tree on PYTHONPATH, ``count`` POSTs."""
    from benchmarks.bench_request_cpu import _call
    from fanzha.app import create_app, warm_up

    token = (work / "token").read_text()
    items = json.loads((work / "items.json").read_text())[first : first + count]
    bodies = [json.dumps(item).encode() for item in items]
    app = create_app()
    warm_up()

    async def send() -> None:
        for start in range(0, len(bodies), group):
            posts = (_call(app, "POST", "/api/v1/warnings", b, token) for b in bodies[start : start + group])
            statuses = await asyncio.gather(*posts)
            assert set(statuses) == {201}, statuses

    asyncio.run(send())


def _instructions(tree: Path, url: str, work: Path, run: tuple[int, int], group: int) -> int:
    """Callgrind's total for one run: ``run`` is (first item, items sent)."""
    first, count = run
    out = work / f"callgrind.{first}"
    env = {**tree_env(tree), "FANZHA_DATABASE_URL": url, "PYTHONHASHSEED": "0"}
    command = [
        "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
        sys.executable, "-m", "benchmarks.bench_request_instructions", url,
        "--child", str(work), str(first), str(count), "--group", str(group),
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"the run under callgrind failed for {tree}:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = trees_parser(child_args=3)
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--group", type=int, default=8)
    args = parser.parse_args()
    if args.child:
        work, first, count = args.child
        _child(Path(work), int(first), int(count), args.group)
        return
    print(f"{machine()}; {args.url.split('@')[-1]}; {args.posts} POSTs in groups of {args.group}")
    trees = [ROOT] + ([args.against.resolve()] if args.against else [])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ctx = _prepare(args.url)
        (work / "token").write_text(_feed_key(ctx))
        per_run = WARM_UP + args.posts
        items = _items(ctx, random.Random(18), 0, 2 * len(trees) * per_run)
        (work / "items.json").write_text(json.dumps(items, ensure_ascii=False))
        runs = [(tree, WARM_UP + posts) for tree in trees for posts in (0, args.posts)]
        with ThreadPoolExecutor(2) as pool:
            jobs = [
                pool.submit(_instructions, tree, args.url, work, (k * per_run, count), args.group)
                for k, (tree, count) in enumerate(runs)
            ]
            totals = [job.result() for job in jobs]
    per_post = [(b - a) / args.posts for a, b in zip(totals[::2], totals[1::2], strict=True)]
    for tree, value in zip(trees, per_post, strict=True):
        ratio = f" ({value / per_post[-1]:.3f}× {trees[-1].name})" if len(trees) > 1 else ""
        print(f"  {tree}: {value / 1e6:.3f} M instructions a POST{ratio}")


if __name__ == "__main__":
    main()

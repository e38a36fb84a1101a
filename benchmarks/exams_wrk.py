"""Part 1 of benchmarks/bench_exams.py with ``--driver wrk``: the load comes from wrk (Debian's
``wrk`` package, a C load generator driven by benchmarks/exam_answers.lua) instead of Python, so
that the server and PostgreSQL get the two cores.

Three phases, each against the running server, with the load average before and after:
1. ``GET /health`` from ``connections`` kept-alive connections: the baseline of a request that does
   nothing.
2. Saves: ``connections`` kept-alive connections send ``PUT …/answers`` with ``batch`` answers a
   request, round-robin over every started attempt, for ``seconds``. Answers persisted per second
   are counted on the server's side: the rows PostgreSQL updated in ``exam_attempt_items``
   (``pg_stat_user_tables.n_tup_upd``), which only saves touch in this phase.
3. Submissions under the save load: the attempts are split in two; wrk keeps ``connections``
   connections saving the answers of the first half while a second wrk, a connection for each
   attempt, hands in the second half (whose answers phase 2 saved) at ``submit_rate`` a second
   (open loop): its latencies are the submissions' own. That save load runs as fast as the server
   answers (saturating it, like phase 2) or, with ``save_rate``, paced at that many answers a
   second (open loop).
"""

import asyncio
import json
import os
import resource
import shutil
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

SCRIPT = Path(__file__).with_name("exam_answers.lua")
STATS_FLUSH_S = 11  # PostgreSQL 15 backends report their table statistics within 10 s of going idle

Sitting = tuple[int, str, int]  # attempt id, candidate token, number of items


@dataclass(frozen=True)
class WrkRun:
    """What one wrk run reported (latencies in ms) and the CPU seconds wrk itself used."""

    statuses: dict[int, int]
    requests: int
    seconds: float
    socket_errors: dict[str, int]
    p50: float
    p95: float
    p99: float
    max: float
    cpu_s: float
    p99_by_minute: tuple[float, ...] = ()

    def count(self, status: int) -> int:
        return self.statuses.get(status, 0)

    def unexpected(self, expected: int) -> dict[int, int]:
        return {s: n for s, n in self.statuses.items() if s != expected}

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def line(self, expected: int) -> str:
        others = self.unexpected(expected)
        errors = {k: n for k, n in self.socket_errors.items() if n}
        return (
            f"{self.requests} requests in {self.seconds:.1f} s = {self.rate:.0f}/s;"
            f" {self.count(expected)} answered {expected}, other statuses {others or 'none'},"
            f" socket errors {errors or 'none'}; latency p50 {self.p50:.1f} ms, p95 {self.p95:.1f} ms,"
            f" p99 {self.p99:.1f} ms, max {self.max:.1f} ms;"
            f" wrk CPU {self.cpu_s * 1000 / self.requests:.3f} ms a request{self._by_minute()}"
        )

    def _by_minute(self) -> str:
        if not self.p99_by_minute:
            return ""
        return f"; p99 by minute {', '.join(f'{ms:.0f}' for ms in self.p99_by_minute)} ms"


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def wrk(
    base: str,
    mode: str,
    args: list[str],
    seconds: float,
    load: list[int],
    until: asyncio.Event | None = None,
    rate: float = 0,
) -> WrkRun:
    """Run wrk with the exam script in ``mode`` (``args`` after ``--``; ``rate`` requests a second,
    0: as fast as answered) for ``seconds``, or until ``until`` is set (wrk stops on SIGINT and
    reports), and read the line its done() prints."""
    connections, threads = load
    exe = shutil.which("wrk")
    if exe is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (docs/benchmarks.md)")
    cpu = _children_cpu_s()
    proc = await asyncio.create_subprocess_exec(
        *[exe, "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "60s"],
        *["-s", str(SCRIPT), base, "--", *args, str(threads)],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "EXAM_WRK_MODE": mode, "EXAM_WRK_RATE": f"{rate:g}"},
    )
    if until is not None:
        await until.wait()
        proc.send_signal(signal.SIGINT)
    out, _ = await proc.communicate()
    cpu = _children_cpu_s() - cpu
    return read_run(out.decode(), proc.returncode, "exam_wrk ", cpu)


def read_run(out: str, returncode: int | None, prefix: str, cpu_s: float) -> WrkRun:
    """The run a wrk script's done() printed on its line starting with ``prefix`` (JSON: statuses,
    requests, duration_us, errors, latency_us)."""
    found = [line for line in out.splitlines() if line.startswith(prefix)]
    if returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({returncode}): {out[-2000:]}")
    data = json.loads(found[0].removeprefix(prefix))
    latency = {k: v / 1000 for k, v in data["latency_us"].items()}
    return WrkRun(
        statuses={int(s): n for s, n in data["statuses"].items()},
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        socket_errors=data["errors"],
        cpu_s=cpu_s,
        p99_by_minute=tuple(us / 1000 for us in data.get("p99_by_minute_us", [])),
        **latency,
    )


def write_sittings(path: Path, sittings: list[Sitting]) -> Path:
    path.write_text("".join(f"{attempt} {token} {items}\n" for attempt, token, items in sittings))
    return path


def items_updated(url: str) -> int:
    """Rows of exam_attempt_items PostgreSQL has updated so far, as the server's backends reported
    them (they report within 10 s of going idle: wait STATS_FLUSH_S after a load first)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.scalar(
            text("SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'exam_attempt_items'")
        )
    engine.dispose()
    return int(found or 0)


async def _submit_under_load(
    base: str, files: list[Path], count: int, rates: list[float], load: list[int], batch: int
) -> tuple[WrkRun, WrkRun]:
    """wrk saving over ``files[0]`` at ``rates[0]`` requests a second (0: as fast as answered)
    until a second wrk, one connection an attempt, has handed in every attempt of ``files[1]`` at
    ``rates[1]`` a second (open loop)."""
    answering, submitting = files
    save_rate, rate = rates
    handed_in = asyncio.Event()
    save_args = [str(answering), str(batch)]
    saves = asyncio.create_task(wrk(base, "save", save_args, 3600, load, handed_in, save_rate))
    try:
        await asyncio.sleep(2)  # the save load is running when the first candidate hands in
        submits = await wrk(base, "submit", [str(submitting), str(batch)], 3600, [count, 1], rate=rate)
    finally:
        handed_in.set()  # the save load ends with the last submission (or a failure)
    return await saves, submits


async def _saves(
    url: str, base: str, args: list[str], seconds: float, load: list[int]
) -> tuple[WrkRun, float]:
    """The save load, and the answers PostgreSQL counted as written per second in its steady middle
    (from a quarter to nine tenths of the run; a busy backend reports at most a second late)."""
    run = asyncio.create_task(wrk(base, "save", args, seconds, load))
    await asyncio.sleep(seconds / 4)
    start, first = time.perf_counter(), await asyncio.to_thread(items_updated, url)
    await asyncio.sleep(seconds * 0.65)
    written = await asyncio.to_thread(items_updated, url) - first
    return await run, written / (time.perf_counter() - start)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(
    url: str,
    base: str,
    sittings: list[Sitting],
    cpu: Callable[[], tuple[float, float]],
    *,
    seconds: float,
    batch: int,
    submit_rate: float,
    save_rate: float,
    connections: int,
    threads: int,
    workdir: Path,
) -> None:
    """The three phases (module docstring); ``cpu`` gives the CPU seconds so far of the server's
    processes and of PostgreSQL's backends."""
    load = [connections, threads]
    half = len(sittings) // 2
    every = write_sittings(workdir / "attempts.txt", sittings)
    answering = write_sittings(workdir / "answering.txt", sittings[:half])

    def per_request(before: tuple[float, float], requests: int) -> str:
        server, database = (after - b for after, b in zip(cpu(), before, strict=True))
        return f"server {server * 1000 / requests:.2f} ms + PostgreSQL {database * 1000 / requests:.2f} ms"

    print(f"load before /health: {_load()}")
    before = cpu()
    health = asyncio.run(wrk(base, "health", [], 10, load))
    print(f"wrk GET /health, {connections} connections, 10 s: {health.line(200)}")
    print(f"  CPU a request: {per_request(before, health.requests)}; load after: {_load()}")

    updated, before = items_updated(url), cpu()  # /health updated nothing
    saves, steady = asyncio.run(_saves(url, base, [str(every), str(batch)], seconds, load))
    load_after = _load()
    cpu_saves = per_request(before, saves.requests)
    time.sleep(STATS_FLUSH_S)
    answers = items_updated(url) - updated
    print(
        f"wrk saves, {connections} connections over {len(sittings)} attempts, {batch} answers a request,"
        f" {seconds:g} s: {saves.line(204)}"
    )
    print(
        f"  answers persisted (rows updated, PostgreSQL's count): {steady:.0f}/s in the run's steady middle;"
        f" {answers} in all ({answers / max(saves.count(204), 1):.2f} a 204 save: wrk stops counting"
        " with a request in flight on each connection, which the server completes)"
    )
    print(f"  CPU a request: {cpu_saves}; load after: {load_after}")

    handing_in = sittings[half:]
    submitting = write_sittings(workdir / "submitting.txt", handing_in)
    updated, before = items_updated(url), cpu()
    under, submits = asyncio.run(
        _submit_under_load(
            base, [answering, submitting], len(handing_in), [save_rate / batch, submit_rate], load, batch
        )
    )
    load_after = _load()
    time.sleep(STATS_FLUSH_S)
    marks = sum(items for _, _, items in handing_in)  # a submission marks all its items
    answers = items_updated(url) - updated - marks
    print(
        f"submissions under the save load: wrk, {len(handing_in)} connections, one submission each, the"
        f" k-th at k / {submit_rate:g} s, while wrk saved over the other {half} attempts"
        f" ({f'paced at {save_rate:g} answers/s' if save_rate else 'as fast as answered'})"
        " (started 2 s before, stopped after the last submission)"
    )
    print(f"  submit: {submits.line(200)}")
    print(f"  saves meanwhile: {under.line(204)}")
    print(f"  answers persisted meanwhile (PostgreSQL's count): {answers} ≈ {answers / under.seconds:.0f}/s")
    print(f"  CPU a request (saves + submits): {per_request(before, under.requests + submits.requests)}")
    print(f"  load after: {load_after}")
    phases = {
        "/health": (health, 200),
        "saves": (saves, 204),
        "saves during submissions": (under, 204),
        "submissions": (submits, 200),
    }
    wrong = {name: run.unexpected(ok) for name, (run, ok) in phases.items() if run.unexpected(ok)}
    if submits.count(200) != len(handing_in):
        wrong["submissions"] = {200: submits.count(200)}
    if wrong:
        raise SystemExit(f"responses that were not as expected (status: count): {wrong}")
    print("every response was 2xx and every attempt was handed in (wrk counted each in exam_answers.lua)")

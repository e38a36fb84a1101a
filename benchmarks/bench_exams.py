"""Exams under load on PostgreSQL: concurrent candidates saving answers and submitting, and the
results page of an exam with many submissions.

Usage: python -m benchmarks.bench_exams POSTGRES_URL [--candidates 500] [--batch 5] [--think 0]
       [--submissions 200000] [--workers 2] [--driver python|wrk] [--seconds 20] [--submit-rate 25]
       [--save-rate 0]
The database's public schema is dropped and re-migrated. Part 1 joins the candidates (through the
service), starts `fanzha serve`, measures the server's /health rate with the same concurrency as a
baseline, then lets every candidate, on its own kept-alive connection, send its answers over HTTP
``--batch`` at a time as the page does (PUT …/answers, one request for the answers changed since
the last save), pausing ``--think`` seconds between requests, and submit. It reports answers
persisted per second (an answer counts once the request that carried it got 204) and requests per
second (save requests + submissions), the latencies, and the CPU per request of the server, of
PostgreSQL and of this client. Part 2 adds synthetic submissions with a few INSERT … SELECT
statements and times the results (service and console page).

With ``--driver wrk`` part 1 is benchmarks/exams_wrk.py instead: twice ``--candidates`` attempts are
started, and wrk (``--candidates`` connections) makes the load, so that the client does not take the
server's cores.
"""

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, make_url, select, text
from sqlalchemy.orm import Session

from benchmarks import exams_wrk
from benchmarks.common import machine, send, summary_ms
from fanzha.accounts import service as accounts
from fanzha.accounts.schemas import UserIn
from fanzha.core import db
from fanzha.core.principal import system_principal
from fanzha.core.roles import Role
from fanzha.core.timeutil import utcnow
from fanzha.exams import bank, results, service, tally
from fanzha.exams.models import Exam, Submission
from fanzha.exams.schemas import BlueprintItem, ExamIn, JoinIn, SchoolIn
from fanzha.exams.starter import STARTER_BANK
from fanzha.jurisdiction import service as jurisdiction
from fanzha.jurisdiction.models import UnitKind
from fanzha.jurisdiction.schemas import UnitIn
from fanzha.migrations.runner import upgrade

SYSTEM = system_principal(name="bench")
PASSWORD = "bench-password-1"


def prepare(url: str, candidates: int) -> tuple[int, list[tuple[int, str, int]]]:
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(url)
    with Session(engine, expire_on_commit=False) as s:
        jurisdiction.import_nodes(
            s,
            [
                {"code": "360100", "name": "基准市", "level": 1},
                {"code": "360101", "name": "基准区", "level": 2, "parent_code": "360100"},
            ],
            "b",
        )
        unit = jurisdiction.create_unit(
            s, UnitIn(name="基准中心", kind=UnitKind.CENTRE, node_code="360100"), SYSTEM
        )
        accounts.create_user(
            s,
            UserIn(
                username="officer",
                display_name="officer",
                password=PASSWORD,
                role=Role.PREVENTION_OFFICER,
                unit_id=unit.id,
            ),
            SYSTEM,
        )
        bank.import_file(s, STARTER_BANK.read_bytes(), "q.csv", SYSTEM)
        now = utcnow()
        exam = service.create_exam(
            s,
            ExamIn(
                title="基准考试",
                node_code="360100",
                schools=[SchoolIn(name=f"大学{i}", enrolment=40_000, node_code="360101") for i in range(6)],
                blueprint=[
                    BlueprintItem(kind="single", count=4),
                    BlueprintItem(kind="multiple", count=2),
                    BlueprintItem(kind="true_false", count=2),
                    BlueprintItem(kind="scenario", count=2),
                ],
                opens_at=now,
                closes_at=now + timedelta(days=1),
                time_limit_min=60,
            ),
            SYSTEM,
        )
        joined = [
            service.join(
                s,
                JoinIn(
                    code=exam.code, school=f"大学{n % 6}", class_name=f"{n % 40}班", student_no=f"S{n:07d}"
                ),
                utcnow(),
            )
            for n in range(candidates)
        ]
        s.commit()
        sittings = [(j.attempt.id, j.token, service.item_count(s, j.attempt.id)) for j in joined]
        exam_id = exam.id
    engine.dispose()
    return exam_id, sittings


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FANZHA_SCHEDULER_ENABLED": "false", "FANZHA_DATABASE_URL": url}
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "fanzha", "-d", url, *serve],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def _limits(connections: int) -> httpx.Limits:
    """One kept-alive connection per client, as a phone's browser keeps its connection to the site."""
    return httpx.Limits(max_connections=connections, max_keepalive_connections=connections)


async def baseline(base: str, concurrency: int, seconds: float) -> float:
    """GET /health from ``concurrency`` clients for ``seconds``: requests per second."""
    done = 0
    stop = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=base, limits=_limits(concurrency), timeout=300) as c:

        async def loop() -> None:
            nonlocal done
            while time.perf_counter() < stop:
                (await send(c, "GET", "/health"))[0].raise_for_status()
                done += 1

        start = time.perf_counter()
        await asyncio.gather(*(loop() for _ in range(concurrency)))
        return done / (time.perf_counter() - start)


@dataclass
class Run:
    """What the candidates did: answers persisted, requests, latencies, time and the client's CPU."""

    answers: int = 0
    resent: int = 0  # requests sent again after a transport error
    saves: list[float] = field(default_factory=list)
    submits: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0
    client_cpu_s: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.saves) + len(self.submits)


async def candidates_run(base: str, sittings: list[tuple[int, str, int]], batch: int, think_s: float) -> Run:
    """Every candidate answers each question and sends the answers ``batch`` at a time, as the
    page does (one request carries the answers changed since the last save), pausing ``think_s``
    between requests (0: each sends its next request as soon as the last is answered); then
    submits."""
    run = Run()
    async with httpx.AsyncClient(base_url=base, limits=_limits(len(sittings)), timeout=300) as c:

        async def candidate(attempt_id: int, token: str, items: int) -> None:
            headers = {"X-Exam-Token": token}
            await asyncio.sleep(random.uniform(0, think_s))  # candidates do not start in step
            for first in range(1, items + 1, batch):
                answers = {str(p): [0] for p in range(first, min(items, first + batch - 1) + 1)}
                t = time.perf_counter()
                r, again = await send(
                    c,
                    "PUT",
                    f"/api/v1/public/exams/attempts/{attempt_id}/answers",
                    json={"answers": answers},
                    headers=headers,
                )
                assert r.status_code == 204, r.text
                run.resent += again
                run.saves.append(time.perf_counter() - t)
                run.answers += len(answers)
                await asyncio.sleep(think_s)
            t = time.perf_counter()
            r, again = await send(
                c, "POST", f"/api/v1/public/exams/attempts/{attempt_id}/submit", headers=headers
            )
            # Sent again, a submission that had gone through is refused as handed in already.
            assert r.status_code == 200 or (again and r.status_code == 409), r.text
            run.resent += again
            run.submits.append(time.perf_counter() - t)

        start, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(candidate(*s) for s in sittings))
        run.elapsed_s, run.client_cpu_s = time.perf_counter() - start, time.process_time() - cpu
    return run


BULK_SQL = """
WITH c AS (
  INSERT INTO exam_candidates (exam_id, identity, school, class_name, student_no, node_path, created_at)
  SELECT :exam, 'bulk|' || g, '大学' || (g % 6), (g % 40) || '班', 'B' || g, :path, now()
  FROM generate_series(1, :n) g RETURNING id, school)
INSERT INTO exam_attempts (exam_id, candidate_id, attempt_no, token_hash, started_at, deadline_at)
SELECT :exam, c.id, 1, md5(c.id::text), now() - interval '10 minutes', now() + interval '50 minutes'
FROM c;
INSERT INTO exam_attempt_items (attempt_id, exam_id, position, question_id, version_id, fraud_type,
                                "order", chosen, correct)
SELECT a.id, :exam, p.pos, v.question_id, v.id, q.fraud_type, '[0,1,2,3]', '[0]', (random() < 0.75)
FROM exam_attempts a
CROSS JOIN LATERAL (SELECT pos, vid FROM unnest(CAST(:versions AS int[])) WITH ORDINALITY AS t(vid, pos)
                    ORDER BY random() + a.id * 0 LIMIT 10) p
JOIN exam_question_versions v ON v.id = p.vid JOIN exam_questions q ON q.id = v.question_id
WHERE a.exam_id = :exam AND a.token_hash = md5(a.candidate_id::text);
INSERT INTO exam_submissions (attempt_id, exam_id, candidate_id, school, class_name, node_path, submitted_at,
                              correct_count, total, score, passed)
SELECT a.id, :exam, a.candidate_id, c.school, c.class_name, c.node_path, now(), k.n, 10, k.n * 10, k.n >= 6
FROM exam_attempts a JOIN exam_candidates c ON c.id = a.candidate_id
JOIN LATERAL (SELECT count(*) FILTER (WHERE correct) AS n FROM exam_attempt_items i
              WHERE i.attempt_id = a.id) k ON true
WHERE a.exam_id = :exam AND a.token_hash = md5(a.candidate_id::text);
"""


def bulk_submissions(url: str, exam_id: int, n: int) -> float:
    engine = db.make_engine(url)
    start = time.perf_counter()
    with Session(engine) as s:
        exam = s.get(Exam, exam_id)
        assert exam is not None
        versions = "{" + ",".join(str(v) for pool in exam.pool for v in pool) + "}"
        for statement in BULK_SQL.strip().split(";\n"):
            s.execute(
                text(statement),
                {"exam": exam_id, "n": n, "path": exam.node_path + "360101/", "versions": versions},
            )
        tally.rebuild(s, exam_id)
        s.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return time.perf_counter() - start


def time_results(url: str, base: str, exam_id: int, rounds: int) -> tuple[list[float], list[float], int]:
    engine = db.make_engine(url)
    service_s: list[float] = []
    with Session(engine) as s:
        exam = s.get(Exam, exam_id)
        assert exam is not None
        total = (
            s.scalar(select(func.count()).select_from(Submission).where(Submission.exam_id == exam_id)) or 0
        )
        for _ in range(rounds):
            t = time.perf_counter()
            results.exam_results(s, exam, "大学1", results.node_names(s, exam.node_path))
            service_s.append(time.perf_counter() - t)
    engine.dispose()
    page_s: list[float] = []
    with httpx.Client(base_url=base, timeout=120) as c:
        c.post("/api/v1/auth/login", json={"username": "officer", "password": PASSWORD}).raise_for_status()
        for _ in range(rounds):
            t = time.perf_counter()
            r = c.get(f"/exams/{exam_id}?school=大学1", headers={"Accept": "text/html"})
            assert r.status_code == 200 and "各学校" in r.text, r.status_code
            page_s.append(time.perf_counter() - t)
    return service_s, page_s, total


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process and its children that have exited have used so far;
    0 once it is gone (a child's seconds then count in its parent's)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            found.append((int(entry.name), ppid, cmd))
    return found


def cpu_of(server: int, database: str) -> tuple[float, float]:
    """CPU seconds so far of the server's process tree, and of PostgreSQL's backends serving
    ``database`` (the processes whose title names it)."""
    procs = _processes()
    tree = {server}
    for _ in range(3):
        tree |= {pid for pid, ppid, _ in procs if ppid in tree}
    backends = [pid for pid, _, cmd in procs if cmd.startswith("postgres: ") and f" {database} " in cmd]
    return sum(map(_cpu_s, tree)), sum(map(_cpu_s, backends))


class CpuMeter:
    """CPU per request of the server and of its database backends over a stretch of the run:
    unlike requests per second, it hardly depends on what else the machine is doing."""

    def __init__(self, server: int, database: str) -> None:
        self.server, self.database = server, database
        self.start = cpu_of(server, database)

    def per_request_ms(self, requests: int) -> tuple[float, float]:
        server, database = cpu_of(self.server, self.database)
        return (server - self.start[0]) * 1000 / requests, (database - self.start[1]) * 1000 / requests


def part_two(args: argparse.Namespace, base: str, exam_id: int) -> None:
    """Bulk submissions, then the results of the exam (service and console page)."""
    if not args.submissions:
        return
    took = bulk_submissions(args.url, exam_id, args.submissions)
    service_s, page_s, total = time_results(args.url, base, exam_id, args.rounds)
    print(f"{total:,} submissions (bulk insert {took:.0f} s); results for one exam:")
    median_ms = statistics.median(service_s) * 1000
    print(f"  service exam_results: median {median_ms:.0f} ms (n={len(service_s)})")
    print(f"  console page /exams/{{id}}: {summary_ms(page_s)}")
    print(f"load after part 2: {Path('/proc/loadavg').read_text().split()[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--submissions", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1, help="fanzha serve --workers")
    parser.add_argument("--batch", type=int, default=5, help="answers per save request (the page batches)")
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a candidate pauses between requests"
    )
    parser.add_argument(
        "--driver", choices=["python", "wrk"], default="python", help="who makes part 1's load"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="wrk: how long the save load runs")
    parser.add_argument("--submit-rate", type=float, default=25.0, help="wrk: submissions a second under it")
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk -t")
    parser.add_argument(
        "--save-rate",
        type=float,
        default=0.0,
        help="wrk: answers/s saved during submissions (0: max)",
    )
    args = parser.parse_args()
    print(machine())
    print(f"load before: {Path('/proc/loadavg').read_text().split()[:3]}")
    started = args.candidates * (2 if args.driver == "wrk" else 1)
    exam_id, sittings = prepare(args.url, started)
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(args.url, args.port, args.workers)
    print(f"fanzha serve --workers {args.workers}")
    try:
        database = make_url(args.url).database or ""
        if args.driver == "wrk":
            with tempfile.TemporaryDirectory() as workdir:
                exams_wrk.run(
                    args.url,
                    base,
                    sittings,
                    lambda: cpu_of(server.pid, database),
                    seconds=args.seconds,
                    batch=args.batch,
                    submit_rate=args.submit_rate,
                    save_rate=args.save_rate,
                    connections=args.candidates,
                    threads=args.wrk_threads,
                    workdir=Path(workdir),
                )
            part_two(args, base, exam_id)
            return
        meter = CpuMeter(server.pid, database)
        health = asyncio.run(baseline(base, args.candidates, 10.0))
        health_cpu = meter.per_request_ms(int(health * 10.0))
        print(f"baseline GET /health, {args.candidates} kept-alive clients: {health:.0f} req/s")
        print(f"  CPU per request: server {health_cpu[0]:.2f} ms")
        meter = CpuMeter(server.pid, database)
        run = asyncio.run(candidates_run(base, sittings, args.batch, args.think))
        server_ms, db_ms = meter.per_request_ms(run.requests)
        per_request = run.answers / len(run.saves)
        print(
            f"{args.candidates} candidates, {per_request:.1f} answers a save request, think {args.think:g} s:"
            f" {run.answers / run.elapsed_s:.0f} answers persisted/s;"
            f" {run.requests / run.elapsed_s:.0f} requests/s"
            f" ({len(run.saves)} saves + {len(run.submits)} submits"
            f" in {run.elapsed_s:.1f} s; {run.requests / run.elapsed_s / health:.2f}× the /health rate;"
            f" {run.resent} sent again after a transport error)"
        )
        print(f"  save request {summary_ms(run.saves)}")
        print(f"  submit       {summary_ms(run.submits)}")
        cores = os.cpu_count() or 1
        idle_rate = 1000 * cores / (server_ms + db_ms)
        print(
            f"  CPU per request (save or submit): server {server_ms:.2f} ms, PostgreSQL {db_ms:.2f} ms,"
            f" this client {run.client_cpu_s * 1000 / run.requests:.2f} ms;"
            f" server + PostgreSQL on {cores} idle cores ≈ {idle_rate:.0f} requests/s"
            f" ≈ {idle_rate * run.answers / run.requests:.0f} answers/s"
        )
        print(f"load after part 1: {Path('/proc/loadavg').read_text().split()[:3]}")
        part_two(args, base, exam_id)
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()

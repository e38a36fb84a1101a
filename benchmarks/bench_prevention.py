"""Prevention: the aiming list over the demo city and a 10× city, and the outbox sending 1,000 pushes.

Usage: python -m benchmarks.bench_prevention [--url URL] [--db SOURCE] [--keep TARGET] [--now ISO]
           [--scale N] [--only aim|outbox] [--pushes N] [--rounds N] [--webhook-ms MS]
Runs on ``--url`` (default: a new SQLite file; a PostgreSQL database there is dropped and made
again). The demo city is built with its clock at ``--now`` (minutes), or copied from ``--db``, a
city an earlier run kept with ``--keep`` (a SQLite file, or on PostgreSQL a database name, copied
as a template). Aiming: the city-wide list computed ``--rounds`` times (target: under 1 s). With
``--scale N`` the cases and warnings are then multiplied to N× in bulk — ``INSERT … SELECT`` in
the database, only the columns aiming reads (and those that may not be empty), the table's
secondary indexes dropped during the load and built again after it — and aiming is measured
again. Outbox: one alert pushed to ``--pushes`` groups whose robot webhook is a local HTTP
server in a process of its own (like a real one, it shares no interpreter lock with the outbox),
answering ``{"errcode": 0}`` (after ``--webhook-ms``, for a robot across a network); passes of
the outbox run until every delivery is sent (target: ≥ 200 per second, none lost).
"""

import argparse
import json
import multiprocessing
import os
import random
import sqlite3
import tempfile
import time
from contextlib import closing
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.sharedctypes import Synchronized
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Engine,
    Text,
    create_engine,
    func,
    insert,
    literal,
    make_url,
    select,
    text,
)
from sqlalchemy.orm import Session

from benchmarks.common import machine, summary_ms
from fanzha.cli import use_database
from fanzha.core.config import get_settings
from fanzha.core.db import Base, get_engine, new_session, sqlite_file
from fanzha.core.demo_context import DemoContext
from fanzha.core.principal import system_principal
from fanzha.core.timeutil import utcnow
from fanzha.demo import city
from fanzha.demo.builder import build_demo
from fanzha.jurisdiction.models import Node
from fanzha.migrations.runner import upgrade
from fanzha.prevention import aiming, groups, outbox
from fanzha.prevention.models import Delivery, DeliveryStatus
from fanzha.prevention.schemas import AlertIn, GroupIn, PushIn

# Tables the N× city multiplies, and the unique column each copy suffixes.
MULTIPLIED = {"cases": "case_no", "warnings_items": "source_id"}
# Columns that may be empty but that aiming reads (the audience); the copies leave the others empty.
AIMING_READS = {"victim_group", "victim_age"}
# The clock of a city this benchmark builds, unless ``--now`` says otherwise.
DEMO_NOW = "2026-12-01T14:45:00+00:00"


def _serve(port: "Synchronized[int]", received: "Synchronized[int]", delay_s: float) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two small writes: without this, Nagle's algorithm holds the
        # body until the client's delayed ACK (40 ms), and every send looks 40 ms slow.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(delay_s)
            with received.get_lock():
                received.value += 1
            body = b'{"errcode": 0, "errmsg": "ok"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port.value = server.server_address[1]
    server.serve_forever()


def _webhook(delay_s: float) -> tuple[multiprocessing.Process, int, "Synchronized[int]"]:
    """A local robot webhook in a child process, answering after ``delay_s``: the process, its port
    and its count of requests."""
    port, received = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
    process = multiprocessing.Process(target=_serve, args=(port, received, delay_s), daemon=True)
    process.start()
    while not port.value:
        time.sleep(0.01)
    return process, int(port.value), received


def _copied(column: Column[Any], unique: str, copy: int) -> Any:
    """What a copy holds in ``column``: its source's value (``~copy`` appended to the unique
    column), or an empty value for text and JSON (aiming reads neither)."""
    if column.name == unique:
        return column + literal(f"~{copy}")
    if isinstance(column.type, JSON):
        return literal([], JSON)
    if isinstance(column.type, Text):
        return literal("")
    return column


def multiply(session: Session, scale: int) -> None:
    """Bring every case and warning to ``scale`` copies, set-based: one ``INSERT … SELECT`` per copy
    of the columns that may not be empty and those aiming reads, into the table without its
    secondary indexes, which are built again (sorted, once) after the load."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET maintenance_work_mem = '256MB'"))
    for name, unique in MULTIPLIED.items():
        table = Base.metadata.tables[name]
        last = session.scalar(select(func.max(table.c.id)))
        columns = [c for c in table.c if c.name != "id" and (not c.nullable or c.name in AIMING_READS)]
        for index in table.indexes:
            index.drop(session.connection())
        for copy in range(2, scale + 1):
            source = select(*(_copied(c, unique, copy) for c in columns)).where(table.c.id <= last)
            session.execute(insert(table).from_select([c.name for c in columns], source))
        for index in table.indexes:
            index.create(session.connection())
        session.commit()


def _counts(session: Session) -> str:
    return ", ".join(f"{session.scalar(select(func.count()).select_from(Base.metadata.tables[n])):,} {n}"
                     for n in MULTIPLIED)  # fmt: skip


def bench_aim(rounds: int, now: datetime) -> None:
    with new_session() as session:
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            lines = aiming.aim(session, "/", now)
            samples.append(time.perf_counter() - started)
        first = lines[0].reason if lines else "-"
        print(f"aiming, whole city: {summary_ms(samples)}; {len(lines)} lines; first: {first}", flush=True)


def bench_outbox(pushes: int, delay_s: float) -> None:
    settings = get_settings()
    settings.prevention_rate_per_s = {"wecom": 1_000_000.0}
    settings.prevention_approval_groups = pushes
    server, port, received = _webhook(delay_s)
    url = f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=bench"
    actor = system_principal(name="bench")
    with new_session() as session:
        grid = session.scalars(select(Node.code).where(Node.level == 4).order_by(Node.path).limit(1)).one()
        ids = [groups.create_group(session, _group(grid, i, url), actor).id for i in range(pushes)]
        alert_in = AlertIn(title="压测", fraud_type="other", node_code=grid, body="正文")
        alert = groups.create_alert(session, alert_in, actor, utcnow())
        push = PushIn(alert_id=alert.id, group_ids=ids, request_key=f"bench-push-{time.time_ns()}")
        outbox.request_push(session, push, actor, utcnow())
        session.commit()
        started, cpu = time.perf_counter(), time.process_time()
        passes = 0
        unsent = (
            select(func.count()).select_from(Delivery).where(Delivery.status != DeliveryStatus.SENT.value)
        )
        while session.scalar(unsent):
            outbox.run_outbox(session, utcnow())
            session.commit()
            passes += 1
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    server.terminate()
    print(f"outbox: {pushes} pushes in {elapsed:.2f} s = {pushes / elapsed:.0f}/s over {passes} passes "
          f"({cpu * 1000 / pushes:.2f} ms of the outbox process's CPU per push); "
          f"webhook received {received.value}", flush=True)  # fmt: skip


def _group(grid: str, i: int, url: str) -> GroupIn:
    row = {"grid_code": grid, "name": f"压测群{i}", "kind": "owners", "platform": "wecom", "members": 100,
           "channel": "wecom", "address": url}  # fmt: skip
    return GroupIn.model_validate(row)


def _admin(url: str) -> Engine:
    """An autocommit connection to the server's ``postgres`` database (to copy databases)."""
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _copy(url: str, source: str, target: str) -> None:
    """A consistent copy of a city: a SQLite file (pages still in its write-ahead log included), or a
    PostgreSQL database made from ``source`` as its template (nobody may be connected to it)."""
    if url.startswith("sqlite"):
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
        return
    get_engine().dispose()
    with _admin(url).connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target}"'))
        conn.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{source}"'))


def _settle(url: str) -> None:
    """On PostgreSQL, what autovacuum would do after a load: statistics, and the visibility map
    that lets a covering index be read without the rows (index-only scans)."""
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
        engine.dispose()  # no connection left open: a database in use cannot be a template


def _city(args: argparse.Namespace, url: str) -> None:
    """The city at ``url``: copied from ``--db``, or built (on PostgreSQL into a new database)."""
    target = sqlite_file(url)
    if target is None:
        name = str(make_url(url).database)
        if args.db:
            _copy(url, args.db, name)
        else:
            with _admin(url).connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    elif args.db:
        _copy(url, args.db, str(target))
    upgrade(url)
    use_database(url)
    if args.db:
        _settle(url)
        return
    started = time.perf_counter()
    with new_session() as session:
        if args.only == "outbox":  # the jurisdiction tree is all the outbox needs
            city.build(session, DemoContext(rng=random.Random(2026), scale=1, now=args.now))
        else:
            build_demo(session, now=args.now)
        session.commit()
    _settle(url)
    print(f"demo city built in {time.perf_counter() - started:.0f} s", flush=True)


def _keep(url: str, keep: str) -> None:
    _copy(url, str(sqlite_file(url) or make_url(url).database), keep)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="the database to run in (default: a new SQLite file)")
    parser.add_argument("--db", help="start from a copy of this city (SQLite file, PostgreSQL database)")
    parser.add_argument("--keep", help="keep a copy of the city (built, and multiplied) here")
    parser.add_argument("--now", type=datetime.fromisoformat, default=DEMO_NOW, help="the city's clock")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--only", choices=["aim", "outbox"])
    parser.add_argument("--pushes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--webhook-ms", type=float, default=0.0, help="the webhook's time to answer")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'bench.db')}"
    print(machine(), "|", make_url(url).get_backend_name(), "| load", os.getloadavg(), flush=True)
    _city(args, url)
    aims = args.only != "outbox"
    if aims:
        bench_aim(args.rounds, args.now)
    if args.scale > 1:
        started = time.perf_counter()
        with new_session() as session:
            multiply(session, args.scale)
            print(f"cases and warnings × {args.scale} in {time.perf_counter() - started:.0f} s: "
                  f"{_counts(session)}", flush=True)  # fmt: skip
        _settle(url)
        if aims:
            bench_aim(args.rounds, args.now)
    if args.keep:
        _keep(url, args.keep)
    if args.only != "aim":
        bench_outbox(args.pushes, args.webhook_ms / 1000)
    print("load", os.getloadavg(), json.dumps({"scale": args.scale}))


if __name__ == "__main__":
    main()

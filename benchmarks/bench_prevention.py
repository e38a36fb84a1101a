"""Prevention: the aiming list over the demo city, and the outbox sending 1,000 pushes to a local webhook.

Usage: python -m benchmarks.bench_prevention [--scale N] [--pushes N] [--skip-aim]
Runs on a fresh SQLite file. Aiming: the demo city (``--scale`` × its cases) is built, then the
city-wide aiming list is computed several times (target: under 1 s). Outbox: one alert pushed to
``--pushes`` groups whose robot webhook is a local HTTP server answering ``{"errcode": 0}``; passes
of the outbox run until every delivery is sent (target: ≥ 200 per second, none lost).
"""

import argparse
import json
import os
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import func, select

from benchmarks.common import machine, summary_ms
from fanzha.cli import use_database
from fanzha.core.config import get_settings
from fanzha.core.db import new_session
from fanzha.core.principal import system_principal
from fanzha.core.timeutil import utcnow
from fanzha.demo.builder import build_demo
from fanzha.jurisdiction.models import Node
from fanzha.migrations.runner import upgrade
from fanzha.prevention import aiming, groups, outbox
from fanzha.prevention.models import Delivery, DeliveryStatus
from fanzha.prevention.schemas import AlertIn, GroupIn, PushIn


def _webhook() -> tuple[ThreadingHTTPServer, list[int]]:
    received = [0]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two small writes: without this, Nagle's algorithm holds the
        # body until the client's delayed ACK (40 ms), and every send looks 40 ms slow.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                received[0] += 1
            body = b'{"errcode": 0, "errmsg": "ok"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def bench_aim(rounds: int, now: datetime) -> None:
    with new_session() as session:
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            lines = aiming.aim(session, "/", now)
            samples.append(time.perf_counter() - started)
        first = lines[0].reason if lines else "-"
        print(f"aiming, whole city: {summary_ms(samples)}; {len(lines)} lines; first: {first}")


def bench_outbox(pushes: int) -> None:
    settings = get_settings()
    settings.prevention_rate_per_s = {"wecom": 1_000_000.0}
    settings.prevention_approval_groups = pushes
    server, received = _webhook()
    url = f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=bench"
    actor = system_principal(name="bench")
    with new_session() as session:
        grid = session.scalars(select(Node.code).where(Node.level == 4).order_by(Node.path).limit(1)).one()
        ids = [groups.create_group(session, _group(grid, i, url), actor).id for i in range(pushes)]
        alert_in = AlertIn(title="压测", fraud_type="other", node_code=grid, body="正文")
        alert = groups.create_alert(session, alert_in, actor, utcnow())
        push = PushIn(alert_id=alert.id, group_ids=ids, request_key="bench-push-1")
        outbox.request_push(session, push, actor, utcnow())
        session.commit()
        started = time.perf_counter()
        passes = 0
        unsent = (
            select(func.count()).select_from(Delivery).where(Delivery.status != DeliveryStatus.SENT.value)
        )
        while session.scalar(unsent):
            outbox.run_outbox(session, utcnow())
            session.commit()
            passes += 1
        elapsed = time.perf_counter() - started
    server.shutdown()
    print(f"outbox: {pushes} pushes in {elapsed:.2f} s = {pushes / elapsed:.0f}/s over {passes} passes; "
          f"webhook received {received[0]}")  # fmt: skip


def _group(grid: str, i: int, url: str) -> GroupIn:
    row = {"grid_code": grid, "name": f"压测群{i}", "kind": "owners", "platform": "wecom", "members": 100,
           "channel": "wecom", "address": url}  # fmt: skip
    return GroupIn.model_validate(row)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--pushes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(machine(), "| load", os.getloadavg())
    path = os.path.join(tempfile.mkdtemp(), "bench.db")
    url = f"sqlite:///{path}"
    upgrade(url)
    use_database(url)
    started = time.perf_counter()
    with new_session() as session:
        ctx = build_demo(session, scale=args.scale)
        session.commit()
    print(f"demo city (scale {args.scale}) built in {time.perf_counter() - started:.0f} s")
    bench_aim(args.rounds, ctx.now)
    bench_outbox(args.pushes)
    print("load", os.getloadavg(), json.dumps({"scale": args.scale}))


if __name__ == "__main__":
    main()

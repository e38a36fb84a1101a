"""Server time of every console page against the full demo city.

Usage: python -m benchmarks.bench_pages [DATABASE_URL] [--rounds N] [--match funds]
Builds the demo city into the database first if it is empty (default: /tmp/fanzha-bench-pages.db,
reused between runs), then requests each page through the ASGI app in-process (no network, so
the figure is the server's own time) as the user who would open it, and prints median/p95.
"""

import argparse
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from benchmarks.common import machine, summary_ms
from fanzha.accounts.models import User
from fanzha.app import create_app
from fanzha.cli import use_database
from fanzha.core.config import get_settings
from fanzha.core.db import new_session
from fanzha.core.demo_context import DEMO_PASSWORD
from fanzha.demo.builder import build_demo
from fanzha.funds.store import TransactionStore
from fanzha.migrations.runner import upgrade

DEFAULT_URL = "sqlite:////tmp/fanzha-bench-pages.db"
BUDGET_MS = 300.0
HTML = {"Accept": "text/html"}

# (user, path); a path with {first:<list path>} is resolved to the first detail link on that list,
# {trace:funds/case} / {trace:funds/victim} to a trace of a demo case (see resolve_trace).
PAGES = [
    ("commander", "/"),
    ("commander", "/dashboard"),
    ("commander", "/dashboard/panel?grain=month"),
    ("commander", "/queue"),
    ("commander", "/warnings"),
    ("commander", "{first:/warnings}"),
    ("commander", "/cases"),
    ("commander", "{first:/cases}"),
    ("commander", "/admin/tree"),
    ("commander", "/admin/units"),
    ("commander", "/admin/users"),
    ("commander", "/admin/keys"),
    ("commander", "/admin/deadlines"),
    ("dissuader", "/queue"),
    ("police", "/warnings"),
    ("police", "/dashboard"),
    ("police", "/dashboard/panel?grain=month"),
    ("commander", "/funds/requests"),
    ("commander", "{first:/funds/requests}"),
    ("commander", "{trace:funds/case}"),
    ("commander", "{trace:funds/victim}"),
    ("commander", "/funds/mule-scores"),
    ("commander", "/funds/punishment"),
    ("police", "/funds/punishment"),
    ("bank", "/funds/requests"),
    ("bank", "{first:/funds/requests}"),
    ("bank2", "/funds/requests"),
    ("bank2", "{first:/funds/requests}"),
    (None, "/check"),
    (None, "/report"),
]


def prepare(url: str) -> None:
    upgrade(url)
    use_database(url)
    with new_session() as session:
        if session.scalar(select(func.count()).select_from(User)):
            return
        print("building the demo city (first run only)…")
        build_demo(session)
        session.commit()


def client_for(app: object, username: str | None) -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    if username is not None:
        form = {"username": username, "password": DEMO_PASSWORD}
        r = client.post("/login", data=form, follow_redirects=False)
        if r.status_code != 303:
            raise SystemExit(f"login as {username} failed: {r.status_code}")
    return client


def resolve_trace(client: TestClient, start: str) -> str | None:
    """The trace page for the case of the first request, as the case page links it (it starts from the
    account the request stops, a first-layer mule); or, for ``victim``, from the victim's account (who
    paid that mule after the case's time), which walks the demo's whole chain of three mule layers."""
    detail = resolve(client, "{first:/funds/requests}")
    case = re.search(r'href="/cases/(\d+)"', client.get(detail, headers=HTML).text) if detail else None
    if case is None:
        return None
    path = f"/funds/trace?case_id={case.group(1)}"
    if start == "case":
        return path
    form = client.get(path, headers=HTML).text
    mule = re.search(r'name="account"[^>]* value="([^"]+)"', form)
    since = re.search(r'name="since" value="([^"]+)"', form)
    if mule is None or since is None:
        return None
    at = datetime.fromisoformat(since.group(1)).replace(tzinfo=get_settings().tz).astimezone(UTC)
    rows = TransactionStore().query(
        "SELECT account FROM tx WHERE counterparty = ? AND direction = 'out' AND ts >= ? ORDER BY ts LIMIT 1",
        [mule.group(1), at.replace(tzinfo=None)],
    )
    query = {"case_id": case.group(1), "account": rows[0][0], "since": since.group(1)} if rows else None
    return f"/funds/trace?{urlencode(query)}" if query else None


def resolve(client: TestClient, path: str) -> str | None:
    trace = re.fullmatch(r"\{trace:funds/(case|victim)\}", path)
    if trace:
        return resolve_trace(client, trace.group(1))
    match = re.fullmatch(r"\{first:(.+)\}", path)
    if not match:
        return path
    listing = client.get(match.group(1), headers=HTML)
    link = re.search(rf'href="({re.escape(match.group(1))}/\d+)"', listing.text)
    return link.group(1) if link else None


def timed(call: Callable[[], int], rounds: int) -> tuple[list[float], int]:
    call()  # warm-up: templates compiled, caches filled
    samples, status = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        status = call()
        samples.append(time.perf_counter() - start)
    return samples, status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--match", default="", help="only the pages whose path contains this")
    args = parser.parse_args()
    prepare(args.url)
    app = create_app()
    clients: dict[str | None, TestClient] = {}
    print(f"machine: {machine()}")
    print(f"database: {args.url.split(':', 1)[0]}, {args.rounds} rounds per page, budget {BUDGET_MS:.0f} ms")
    for user, raw in [(u, p) for u, p in PAGES if args.match in p]:
        client = clients.setdefault(user, client_for(app, user))
        path = resolve(client, raw)
        label = f"{user or 'public':<10} {raw}"
        if path is None:
            print(f"{label:<46} (no record to open)")
            continue
        samples, status = timed(lambda p=path, c=client: c.get(p, headers=HTML).status_code, args.rounds)
        if status == 404 and path == raw:
            print(f"{label:<46} (page not installed)")
            continue
        worst = sorted(samples)[int(0.95 * len(samples)) - 1] * 1000
        flag = "OK " if worst < BUDGET_MS else "SLOW"
        print(f"{flag} {label:<46} HTTP {status}  {summary_ms(samples)}")


if __name__ == "__main__":
    main()

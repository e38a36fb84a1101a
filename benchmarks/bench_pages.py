"""Server time of every console page against the full demo city.

Usage: python -m benchmarks.bench_pages [DATABASE_URL] [--rounds N]
Builds the demo city into the database first if it is empty (default: /tmp/fanzha-bench-pages.db,
reused between runs), then requests each page through the ASGI app in-process (no network, so
the figure is the server's own time) as the user who would open it, and prints median/p95.
"""

import argparse
import re
import time
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from benchmarks.common import machine, summary_ms
from fanzha.accounts.models import User
from fanzha.app import create_app
from fanzha.cli import use_database
from fanzha.core.db import new_session
from fanzha.demo.builder import build_demo
from fanzha.demo.context import DEMO_PASSWORD
from fanzha.migrations.runner import upgrade

DEFAULT_URL = "sqlite:////tmp/fanzha-bench-pages.db"
BUDGET_MS = 300.0
HTML = {"Accept": "text/html"}

# (user, path); a path with {first:<list path>} is resolved to the first detail link on that list.
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


def resolve(client: TestClient, path: str) -> str | None:
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
    args = parser.parse_args()
    prepare(args.url)
    app = create_app()
    clients: dict[str | None, TestClient] = {}
    print(f"machine: {machine()}")
    print(f"database: {args.url.split(':', 1)[0]}, {args.rounds} rounds per page, budget {BUDGET_MS:.0f} ms")
    for user, raw in PAGES:
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

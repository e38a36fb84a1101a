"""Fuzz every API operation with schemathesis against a demo-sized server; count server errors.

Usage: python -m benchmarks.fuzz_api [DATABASE_URL] [--max-examples 10]
(default: a temporary SQLite file; a PostgreSQL database given here is emptied first).

The demo city (772 grids, its gazetteer) is built and ``fanzha serve`` started on 127.0.0.1.
schemathesis (pinned dev dependency) reads /api/v1/openapi.json and sends up to
``--max-examples`` generated requests per operation and phase, signed in as a commander at the
city centre (every user permission), checking ``not_a_server_error``. The server's access log is the
count: every request it answered, and those answered 5xx, by route.
"""

import argparse
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import httpx

from benchmarks.bench_warnings import FEED, _prepare, _serve
from benchmarks.common import machine
from fanzha.accounts.deps import CSRF_HEADER, SESSION_COOKIE
from fanzha.accounts.schemas import UserIn
from fanzha.accounts.service import create_user, login
from fanzha.core.db import new_session
from fanzha.core.demo_context import DemoContext
from fanzha.core.roles import Role

ACCESS = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3})')


def _commander_session(ctx: DemoContext) -> tuple[str, str]:
    """A commander (指挥长, every user permission) at the city centre, signed in: its session
    cookie and CSRF token. Machine keys cannot hold user permissions."""
    assert ctx.centre is not None
    password = "fuzz-password-1"
    with new_session() as s:
        data = UserIn(
            username="fuzz",
            display_name="fuzz",
            password=password,
            role=Role.COMMANDER,
            unit_id=ctx.centre.id,
        )
        create_user(s, data, FEED)
        signed_in = login(s, "fuzz", password, "127.0.0.1")
        s.commit()
    return signed_in.token, signed_in.csrf_token


def _route(path: str) -> str:
    """The path with its ids and query replaced, so errors group by operation."""
    return re.sub(r"/\d+", "/{id}", path.split("?", 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--max-examples", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    url = args.url or f"sqlite:///{work}/fuzz.db"
    print(f"{machine()}; {url.split('@')[-1]}")
    ctx = _prepare(url)
    token, csrf = _commander_session(ctx)
    log = work / "server.log"
    proc, base = _serve(url, str(log))
    try:
        # The first build of the OpenAPI document is slow on a busy machine; schemathesis waits 10 s.
        httpx.get(f"{base}/api/v1/openapi.json", timeout=120).raise_for_status()
        cmd = [
            *(sys.executable, "-m", "schemathesis.cli", "run", f"{base}/api/v1/openapi.json"),
            *("--checks", "not_a_server_error", "-H", f"Cookie: {SESSION_COOKIE}={token}"),
            *("-H", f"{CSRF_HEADER}: {csrf}"),
            *("--max-examples", str(args.max_examples), "--seed", "18", "--workers", "2"),
            *("--request-timeout", "60", "--continue-on-failure", "--suppress-health-check", "all"),
            *("--generation-database", "none", "--no-color"),
            # Otherwise it sends a made-up bearer key, which takes precedence over the session
            # cookie: most writes were then answered 401 and never reached their handlers.
            *("--generation-with-security-parameters", "false"),
            *("--exclude-path", "/api/v1/auth/logout"),  # it would end the session fuzzed with
        ]
        run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    summary = [line for line in run.stdout.splitlines() if re.search(r"passed|failed|error|Test cases", line)]
    print("\n".join(f"  schemathesis: {line.strip()}" for line in summary[-6:]))
    answered = [m for m in map(ACCESS.search, log.read_text().splitlines()) if m]
    errors = Counter(
        f"{m['method']} {_route(m['path'])} {m['status']}" for m in answered if m["status"][0] == "5"
    )
    print(f"  server answered {len(answered)} requests, {sum(errors.values())} with 5xx")
    for what, n in errors.most_common():
        print(f"    {n:>5} × {what}")
    (work / "schemathesis.txt").write_text(run.stdout)
    print(f"  schemathesis output: {work / 'schemathesis.txt'}; server log: {log}")


if __name__ == "__main__":
    main()

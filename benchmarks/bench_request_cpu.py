"""CPU time per request through the real application, in process, against a trivial Starlette app.

Usage: python -m benchmarks.bench_request_cpu DATABASE_URL [-n 200] [--profile FILE]

The demo city and its gazetteer are built in DATABASE_URL (a PostgreSQL database is emptied
first). Requests are handed to the ASGI application directly on one event loop (no HTTP client,
no sockets), so what is measured is the application's own work: ``GET /ping`` on a bare
Starlette app (the baseline), ``GET /health`` on ``create_app()`` (what every request pays), and
single-warning ``POST /api/v1/warnings`` with a feed key, one at a time and then 16 started together
(grouped, as a busy feed's are: the first leads a batch of its own, the other 15 share the next).
CPU is ``time.process_time`` of the whole process (the event loop, FastAPI's worker threads, the
database driver; not the database server) over n requests after 20 warm-up requests; wall time is beside it.

With ``--profile FILE`` n more POSTs run under cProfile (CPU time) and the stats go to FILE; the
work FastAPI hands to worker threads then runs in the event loop's thread, so that the profile
sees all of it.
"""

import argparse
import asyncio
import cProfile
import json
import os
import random
import time
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from benchmarks.bench_warnings import _feed_key, _items, _prepare
from benchmarks.common import machine
from fanzha.app import create_app, warm_up

WARM_UP = 20
GROUP = 16
ASGIApp = Callable[..., Any]


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


async def _call(app: ASGIApp, method: str, path: str, body: bytes = b"", token: str = "") -> int:
    """One request straight through the ASGI interface; returns the response status."""
    headers = [(b"host", b"bench"), (b"content-length", str(len(body)).encode())]
    if body:
        headers.append((b"content-type", b"application/json"))
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": headers, "client": ("127.0.0.1", 50000), "server": ("bench", 80),
    }  # fmt: skip
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # the client never disconnects
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _per_request(n: int, request: Callable[[int], Any], expected: int) -> tuple[float, float]:
    """CPU and wall seconds per request over n requests, after WARM_UP requests not counted."""
    for k in range(WARM_UP):
        assert await request(n + k) == expected
    cpu, wall = time.process_time(), time.perf_counter()
    for k in range(n):
        status = await request(k)
        assert status == expected, status
    return (time.process_time() - cpu) / n, (time.perf_counter() - wall) / n


async def _measure(app: ASGIApp, token: str, bodies: list[bytes], n: int) -> None:
    bare = Starlette(routes=[Route("/ping", lambda _: JSONResponse({"status": "ok"}))])
    ping = lambda _: _call(bare, "GET", "/ping")  # noqa: E731

    def post(k: int) -> Any:
        return _call(app, "POST", "/api/v1/warnings", bodies[k], token)

    async def grouped(k: int) -> int:
        """GROUP single POSTs started together (a feed's concurrent requests): two batches, the
        first request's alone and the rest's together (warnings.group)."""
        first = n + WARM_UP + k * GROUP  # after the bodies the single POSTs took
        statuses = await asyncio.gather(*(post(first + i) for i in range(GROUP)))
        return statuses[0] if len(set(statuses)) == 1 else 0

    rows = [
        ("bare Starlette GET /ping (baseline)", await _per_request(n, ping, 200)),
        ("GET /health", await _per_request(n, lambda _: _call(app, "GET", "/health"), 200)),
        ("single-warning POST /api/v1/warnings", await _per_request(n, post, 201)),
    ]
    cpu, wall = await _per_request(n // GROUP, grouped, 201)
    rows.append((f"the same, {GROUP} at once, a POST", (cpu / GROUP, wall / GROUP)))
    base_cpu, base_wall = rows[0][1]
    for name, (cpu, wall) in rows:
        print(
            f"  {name:<38} CPU {cpu * 1000:6.2f} ms ({cpu / base_cpu:5.1f}× baseline)  "
            f"wall {wall * 1000:6.2f} ms ({wall / base_wall:5.1f}×)  n={n}"
        )


async def _profile(app: ASGIApp, token: str, bodies: list[bytes], out: str) -> None:
    async def inline(func: Callable[..., Any], *args: Any, **_: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = inline  # type: ignore[assignment]
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for body in bodies:
        assert await _call(app, "POST", "/api/v1/warnings", body, token) == 201
    profiler.disable()
    profiler.dump_stats(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--profile")
    args = parser.parse_args()
    print(f"{machine()}; {args.url.split('@')[-1]}; {_load()}")
    ctx = _prepare(args.url)
    token = _feed_key(ctx)
    app = create_app()
    warm_up()
    singles = 2 * args.n + (GROUP + 1) * WARM_UP  # one at a time, then GROUP at once
    items = _items(ctx, random.Random(18), 0, singles + args.n)
    bodies = [json.dumps(item).encode() for item in items]
    asyncio.run(_measure(app, token, bodies[:singles], args.n))
    print(f"  {_load()}")
    if args.profile:
        asyncio.run(_profile(app, token, bodies[singles:], args.profile))
        print(f"  profile of {args.n} POSTs in {args.profile}")


if __name__ == "__main__":
    main()

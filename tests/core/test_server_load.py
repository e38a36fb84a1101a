"""A real server under a burst of concurrent single-warning POSTs: every request answers,
/health stays responsive, and SIGTERM stops the server within seconds even mid-burst.

The burst is wider than the server's thread pool (40), which is what once hung PostgreSQL for
good: requests waiting for the audit chain's lock held every thread, so the lock holder never
got one to finish its response and commit.
"""

import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.server import free_port, start_server, world_database
from tests.warnings.factories import item

BURST = 120
# Generous for a busy shared machine (about 10 s when idle); before the fix nothing answered.
DEADLINE_S = 60.0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A running server on its own committed database; yields (base URL, intake key)."""
    with world_database(tmp_path, "load") as (url, key):
        port = free_port()
        proc = start_server(url, port, tmp_path / "server.log")
        try:
            yield f"http://127.0.0.1:{port}", key
        finally:
            proc.kill()
            proc.wait()


def _burst(base: str, key: str, tag: str) -> list[int | str]:
    """Fires BURST single POSTs at once, one per thread; returns each status or error name."""
    gate = threading.Barrier(BURST)

    def post(i: int) -> int | str:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=DEADLINE_S) as c:
            gate.wait()
            try:
                return c.post("/api/v1/warnings", json=item(source_id=f"{tag}-{i}")).status_code
            except httpx.HTTPError as exc:
                return type(exc).__name__

    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(post, range(BURST)))


def test_a_burst_wider_than_the_thread_pool_is_answered_and_health_stays_up(
    server: tuple[str, str],
) -> None:
    base, key = server
    health: list[float] = []
    done = threading.Event()

    def probe() -> None:
        while not done.is_set():
            started = time.monotonic()
            try:
                httpx.get(f"{base}/health", timeout=DEADLINE_S / 4).raise_for_status()
                health.append(time.monotonic() - started)
            except httpx.HTTPError:
                health.append(float("inf"))
            time.sleep(0.2)

    prober = threading.Thread(target=probe)
    prober.start()
    started = time.monotonic()
    statuses = _burst(base, key, "BURST")
    elapsed = time.monotonic() - started
    done.set()
    prober.join()
    assert statuses == [201] * BURST, sorted(set(map(str, statuses)))
    assert elapsed < DEADLINE_S
    assert health and max(health) < DEADLINE_S / 4


def test_sigterm_mid_burst_stops_the_server_within_seconds(tmp_path: Path) -> None:
    with world_database(tmp_path, "term") as (url, key):
        port = free_port()
        proc = start_server(url, port, tmp_path / "server.log")
        try:
            poster = threading.Thread(target=_burst, args=(f"http://127.0.0.1:{port}", key, "TERM"))
            poster.start()
            time.sleep(1.0)
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
        finally:
            proc.kill()
            proc.wait()
            poster.join()

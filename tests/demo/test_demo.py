"""The README's promise: `fanzha demo` builds a city into SQLite and the server starts on it."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from fanzha.core.demo_context import DEMO_PASSWORD
from tests.demo_city import DemoCity


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_builds_and_server_serves_it(demo_city: DemoCity, tmp_path: Path) -> None:
    fanzha = [sys.executable, "-m", "fanzha"]
    built = demo_city.built
    assert built.returncode == 0, built.stderr
    assert "772 个警格" in built.stdout
    env = {**os.environ, "FANZHA_DATABASE_URL": demo_city.url}
    again = subprocess.run([*fanzha, "demo"], env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "--reset" in again.stderr
    # The server's scheduler writes to what it serves; the other tests read the city as built.
    served = tmp_path / "served.db"
    shutil.copyfile(demo_city.path, served)
    env = {**os.environ, "FANZHA_DATABASE_URL": f"sqlite:///{served}"}
    port = _free_port()
    server = subprocess.Popen(
        [*fanzha, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/ready").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        # The scheduler's first pass over the fresh city (series index, escalations) holds SQLite's
        # write lock for seconds; a login waits behind it rather than failing.
        with httpx.Client(base_url=base, timeout=60) as c:
            r = c.post("/api/v1/auth/login", json={"username": "commander", "password": DEMO_PASSWORD})
            assert r.status_code == 200
            nodes = c.get("/api/v1/nodes", params={"max_level": 4}).json()
            assert sum(1 for n in nodes if n["level"] == 4) == 772
            city = next(n for n in nodes if n["level"] == 1)
            assert 4_900_000 <= city["population"] <= 5_100_000
    finally:
        server.terminate()  # graceful: the scheduler finishes its current job first
        try:
            server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

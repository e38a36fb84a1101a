"""A real server subprocess on its own committed database, for tests that need real
connections, threads and signals (crash safety, load, outages).

The database is of the suite's kind: a temporary SQLite file, or, when
FANZHA_TEST_DATABASE_URL names PostgreSQL, a scratch database created on that server and
dropped afterwards (the server commits for real, so it cannot use the suite's rolled-back
test transaction).
"""

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from fanzha.core import db
from fanzha.migrations.runner import upgrade
from tests.factories import build_world


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, log: Path | None = None) -> subprocess.Popen[bytes]:
    """Starts ``fanzha serve`` on 127.0.0.1 and waits until /health answers; its output goes
    to ``log`` when given (a file, never a pipe: a full pipe would stall the server)."""
    env = {**os.environ, "FANZHA_SCHEDULER_ENABLED": "false"}
    cmd = [sys.executable, "-m", "fanzha", "-d", url, "serve", "--port", str(port)]
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it
    return wait_until_healthy(subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT), port)


def wait_until_healthy(proc: subprocess.Popen[bytes], port: int) -> subprocess.Popen[bytes]:
    """``proc`` once /health on ``port`` answers; killed, and the test failed, if it never does."""
    deadline = time.monotonic() + 60  # a start on a machine busy with other suites takes a while
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start")


@contextmanager
def scratch_database(tmp_path: Path, prefix: str) -> Iterator[str]:
    """A fresh, empty database of the kind the suite runs on; the suite's own is left alone."""
    suite = os.environ.get("FANZHA_TEST_DATABASE_URL", "")
    if not suite.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / f'{prefix}.db'}"
        return
    name = f"fz_{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(make_url(suite).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(suite).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:  # FORCE: a killed server's sessions may not be gone yet
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def world_database(tmp_path: Path, prefix: str) -> Iterator[tuple[str, str]]:
    """A scratch database, migrated, with the test world committed; yields (url, intake key)."""
    with scratch_database(tmp_path, prefix) as url:
        upgrade(url)
        engine = db.make_engine(url)
        with Session(engine) as s:
            key = build_world(s).keys["feed"]
            s.commit()
        engine.dispose()
        yield url, key

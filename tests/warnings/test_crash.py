"""Crash safety: SIGKILL the server during bulk intake; every acknowledged warning survives once.

Runs on the suite's database kind: a temporary SQLite file, or, when FANZHA_TEST_DATABASE_URL
names PostgreSQL, a scratch database created on that server and dropped afterwards (the server
process commits for real, so it cannot use the suite's rolled-back test transaction).
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from fanzha.core import db
from fanzha.migrations.runner import upgrade
from fanzha.warnings.models import EarlyWarning
from tests.factories import build_world
from tests.warnings.factories import item

BATCH = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FANZHA_SCHEDULER_ENABLED": "false"}
    cmd = [sys.executable, "-m", "fanzha", "-d", url, "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
def _scratch_database(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of the kind the suite runs on; the suite's own is left alone."""
    suite = os.environ.get("FANZHA_TEST_DATABASE_URL", "")
    if not suite.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'crash.db'}"
        return
    name = f"fz_crash_{secrets.token_hex(4)}"
    admin = create_engine(make_url(suite).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(suite).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:  # FORCE: a killed server's sessions may not be gone yet
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _count_by_source_id(url: str) -> dict[str, int]:
    engine = db.make_engine(url)
    with Session(engine) as s:
        counts = dict(
            s.execute(select(EarlyWarning.source_id, func.count()).group_by(EarlyWarning.source_id)).all()
        )
    engine.dispose()
    return {str(k): int(v) for k, v in counts.items()}


@pytest.fixture
def server_db(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A separate, committed database with the test world; returns (url, intake key)."""
    with _scratch_database(tmp_path) as url:
        upgrade(url)
        engine = db.make_engine(url)
        with Session(engine) as s:
            key = build_world(s).keys["feed"]
            s.commit()
        engine.dispose()
        yield url, key


def test_sigkill_during_bulk_intake_loses_no_acknowledged_warning(server_db: tuple[str, str]) -> None:
    url, key = server_db
    port = _free_port()
    headers = {"Authorization": f"Bearer {key}"}
    batches = [[item(source="ministry", source_id=f"CRASH-{b}-{i}") for i in range(BATCH)] for b in range(40)]
    acked: list[int] = []
    unacked: list[int] = []
    proc = _start(url, port)

    def post_all() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as client:
            for b, batch in enumerate(batches):
                try:
                    res = client.post("/api/v1/warnings/batch", json=batch)
                except httpx.HTTPError:
                    unacked.extend(range(b, len(batches)))
                    return
                if res.is_success:
                    acked.append(b)
                else:
                    unacked.append(b)

    poster = threading.Thread(target=post_all)
    poster.start()
    while len(acked) < 4 and poster.is_alive():
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    poster.join()
    assert acked and unacked, "the kill must land in the middle of the intake"
    stored = _count_by_source_id(url)
    for batch in batches:  # one transaction per batch: all of it or none of it
        assert sum(stored.get(w["source_id"], 0) for w in batch) in (0, BATCH)

    proc = _start(url, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as client:
            resent: list[dict[str, Any]] = client.post(
                "/api/v1/warnings/batch", json=batches[unacked[0]]
            ).json()["items"]
    finally:
        proc.terminate()
        proc.wait()
    assert all(r["status"] in ("created", "existing") for r in resent)
    counts = _count_by_source_id(url)
    for b in acked:
        assert all(counts.get(w["source_id"]) == 1 for w in batches[b]), f"batch {b} lost or doubled"
    assert all(n == 1 for n in counts.values())

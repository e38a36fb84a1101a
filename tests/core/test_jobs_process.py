"""The periodic jobs in a process of their own: ``fanzha jobs`` does the work the server's
scheduler would, stops on SIGTERM, and ``fanzha serve --no-jobs`` leaves it to that process."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.core import db
from fanzha.core.timeutil import utcnow
from fanzha.migrations.runner import upgrade
from fanzha.warnings.models import EarlyWarning
from tests.factories import build_world
from tests.server import free_port, scratch_database, wait_until_healthy
from tests.warnings.factories import add_gazetteer, make_warning


@contextmanager
def overdue_warning(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A scratch database with one warning whose first contact was due an hour ago."""
    with scratch_database(tmp_path, "jobs") as url:
        upgrade(url)
        engine = db.make_engine(url)
        with Session(engine) as s:
            world = build_world(s)
            add_gazetteer(s, world)
            warning = make_warning(s, world)
            warning.contact_due_at = utcnow() - timedelta(hours=1)
            s.commit()
            warning_id = warning.id
        try:
            yield url, warning_id
        finally:
            engine.dispose()


def _flagged(url: str, warning_id: int) -> bool:
    engine = db.make_engine(url)
    try:
        with Session(engine) as s:
            column = EarlyWarning.contact_overdue_at
            return s.scalar(select(column).where(EarlyWarning.id == warning_id)) is not None
    finally:
        engine.dispose()


def _wait_flagged(url: str, warning_id: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _flagged(url, warning_id):
            return True
        time.sleep(0.2)
    return False


def _fanzha(url: str, *args: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "FANZHA_SCHEDULER_ENABLED"}
    cmd = [sys.executable, "-m", "fanzha", "-d", url, *args]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_the_jobs_process_flags_an_overdue_warning_and_stops_on_sigterm(tmp_path: Path) -> None:
    with overdue_warning(tmp_path) as (url, warning_id):
        proc = _fanzha(url, "jobs")
        try:
            assert _wait_flagged(url, warning_id, 60)
        finally:
            status = _stop(proc)
        assert status == 0


def test_a_server_started_without_jobs_leaves_overdue_warnings_to_the_jobs_process(tmp_path: Path) -> None:
    with overdue_warning(tmp_path) as (url, warning_id):
        port = free_port()
        server = wait_until_healthy(_fanzha(url, "serve", "--port", str(port), "--no-jobs"), port)
        try:
            # A server with its scheduler flags the warning on its first pass, within a second or two.
            assert not _wait_flagged(url, warning_id, 4)
            jobs = _fanzha(url, "jobs", "--nice", "0")
            try:
                assert _wait_flagged(url, warning_id, 60)
            finally:
                assert _stop(jobs) == 0
        finally:
            _stop(server)

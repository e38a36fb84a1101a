"""Periodic jobs run on their interval, one failing job does not stop the others."""

import logging
import os
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.cli import use_database
from fanzha.core import db
from fanzha.core.scheduler import Job, Scheduler, run_job
from fanzha.migrations.runner import upgrade
from fanzha.warnings.models import EarlyWarning
from fanzha.warnings.tick import tick
from tests.factories import build_world
from tests.server import scratch_database
from tests.warnings.factories import add_gazetteer, make_warning


def test_failing_job_is_logged_and_reported(caplog: pytest.LogCaptureFixture) -> None:
    def broken(session: Session, now: datetime) -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="fanzha.scheduler"):
        assert run_job(Job("broken", 1, broken)) is False
    assert "job broken failed" in caplog.text


def test_scheduler_runs_each_job_repeatedly_until_stopped() -> None:
    seen: list[str] = []
    twice = threading.Event()

    def fast(session: Session, now: datetime) -> None:
        seen.append("fast")
        if seen.count("fast") >= 3:
            twice.set()

    def broken(session: Session, now: datetime) -> None:
        raise RuntimeError("boom")

    scheduler = Scheduler([Job("broken", 0.01, broken), Job("fast", 0.01, fast)], tick_s=0.01)
    scheduler.start()
    assert twice.wait(timeout=10)
    scheduler.stop()
    count = len(seen)
    threading.Event().wait(0.05)
    assert len(seen) == count  # stopped means stopped


def test_a_pass_over_a_backlog_commits_batch_by_batch_and_writers_get_in_between(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first pass over a fresh city's backlog once held SQLite's write lock for seconds (a
    login waited 5.9 s): each batch is now committed, and another writer commits between them."""
    with scratch_database(tmp_path, "batches") as url:
        upgrade(url)
        engine = db.make_engine(url)
        with Session(engine, expire_on_commit=False) as s:
            world = build_world(s)
            add_gazetteer(s, world)
            received = make_warning(s, world).received_at
            for _ in range(24):
                make_warning(s, world)
            s.commit()
        seen: list[int] = []  # escalated warnings another writer sees, each time it gets in
        writing = threading.Lock()

        def other_writer(_: Session) -> None:
            if not writing.acquire(blocking=False):  # the other writer's own commit
                return
            try:
                with Session(engine) as other:
                    audit.record(other, "user:1:test", "test.write", "warning", 0)
                    escalated = select(EarlyWarning.id).where(EarlyWarning.escalated_at.is_not(None))
                    seen.append(len(other.scalars(escalated).all()))
                    other.commit()
            finally:
                writing.release()

        monkeypatch.setenv("FANZHA_DATABASE_URL", url)
        use_database(None)
        event.listen(Session, "after_commit", other_writer)
        try:
            assert run_job(Job("warnings", 1, partial(tick, limit=10)), now=received + timedelta(minutes=6))
        finally:
            event.remove(Session, "after_commit", other_writer)
            monkeypatch.undo()
            use_database(None)
            engine.dispose()
    assert seen == [10, 20, 25]


# A stand-in for a process with a scheduler: its one job waits on a child process, as the
# bulletins' PDF render does, when the process is told to stop.
WAITING_ON_A_CHILD = """
import multiprocessing, os, threading, time
from concurrent.futures import ProcessPoolExecutor
from fanzha.core.scheduler import Job, Scheduler
started = threading.Event()
def render(session, now):
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(os.getpid).result()
        started.set()
        pool.submit(time.sleep, 600).result()
scheduler = Scheduler([Job("render", 60, render)])
scheduler.start()
assert started.wait(60)
scheduler.stop()
"""


def test_a_stop_while_a_job_waits_on_a_child_process_is_not_held_up_by_it(tmp_path: Path) -> None:
    """A jobs process told to stop while the bulletins job rendered a PDF in its child process
    exited only when the render was done (the interpreter's exit waits for a process pool's work
    in flight): in CI that was over 15 s. The child is now terminated and the process exits."""
    env = {**os.environ, "FANZHA_DATABASE_URL": f"sqlite:///{tmp_path / 'stop.db'}"}
    stand_in = [sys.executable, "-c", WAITING_ON_A_CHILD]
    done = subprocess.run(stand_in, env=env, timeout=60, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


# A stand-in for `fanzha jobs` told to stop while a job waits on a thread pool's worker, as the
# prevention outbox does on a webhook that does not answer; the stop comes from the job itself.
WAITING_ON_A_WORKER = """
import os, signal, time
from concurrent.futures import ThreadPoolExecutor
from fanzha.core.scheduler import Job, run_until_signalled
def send(session, now):
    os.kill(os.getpid(), signal.SIGTERM)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(time.sleep, 600).result()
def after(session, now):
    print("the pass went on after the stop", flush=True)
run_until_signalled([Job("send", 60, send), Job("after", 60, after)], 0)
"""


def test_a_jobs_process_told_to_stop_is_not_held_up_by_a_job_still_running(tmp_path: Path) -> None:
    """In CI a `fanzha jobs` process was still running 15 s after SIGTERM. The interpreter's exit
    waits for thread and process pools, so a job still running after the stop's wait is left to
    die with the process, and the jobs after it in the pass do not start."""
    env = {**os.environ, "FANZHA_DATABASE_URL": f"sqlite:///{tmp_path / 'stop.db'}"}
    stand_in = [sys.executable, "-c", WAITING_ON_A_WORKER]
    done = subprocess.run(stand_in, env=env, timeout=60, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    assert b"went on" not in done.stdout
    assert b"job send still running at stop" in done.stderr


def test_a_job_cut_short_by_a_stop_is_logged_as_stopped_not_failed(caplog: pytest.LogCaptureFixture) -> None:
    stop = threading.Event()

    def cut_short(session: Session, now: datetime) -> None:
        stop.set()  # as Scheduler.stop does before it terminates the job's child process
        raise BrokenProcessPool("a child process terminated abruptly")

    with caplog.at_level(logging.WARNING, logger="fanzha.scheduler"):
        assert run_job(Job("render", 1, cut_short), stop=stop) is False
    assert "job render was stopped midway" in caplog.text
    assert "failed" not in caplog.text


@dataclass(frozen=True)
class _Left:
    more: bool


def test_a_request_waiting_for_sqlite_gets_in_while_a_long_pass_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh demo's backlog kept the scheduler busy for minutes and a login waited out the
    30 s busy timeout (503): the pass began each batch as soon as it committed the last, and a
    waiting writer, polling, never found the lock free. Another writer with a 1 s busy timeout
    now gets in, three times, while a pass of 30 lock-holding batches is still running."""
    batches = 30
    done: list[int] = []

    def busy_batch(session: Session, now: datetime) -> _Left:
        session.execute(text("SELECT 1"))  # the batch's transaction holds the write lock (IMMEDIATE)
        threading.Event().wait(0.05)  # as long as a real batch over a backlog
        done.append(1)
        return _Left(len(done) < batches)

    url = f"sqlite:///{tmp_path / 'waiting.db'}"  # SQLite's busy handler is the subject, on either suite
    upgrade(url)
    monkeypatch.setenv("FANZHA_DATABASE_URL", url)
    use_database(None)
    passing = threading.Thread(target=run_job, args=(Job("busy", 1, busy_batch),))
    passing.start()
    writes_during_pass = 0
    try:
        while not done:
            threading.Event().wait(0.01)
        other = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=1, isolation_level=None)
        for _ in range(3):
            other.execute("BEGIN IMMEDIATE")
            other.execute("COMMIT")
            writes_during_pass += len(done) < batches
        other.close()
    finally:
        passing.join()
        monkeypatch.undo()
        use_database(None)
    assert writes_during_pass == 3

"""Periodic jobs run on their interval, one failing job does not stop the others."""

import logging
import threading
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import event, select
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

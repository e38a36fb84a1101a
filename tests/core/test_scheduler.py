"""Periodic jobs run on their interval, one failing job does not stop the others."""

import logging
import threading
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from fanzha.core.scheduler import Job, Scheduler, run_job


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

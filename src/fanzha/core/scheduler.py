"""Periodic jobs (escalation, expiry warnings, scheduled bulletins, the series index) run inside
the server, or in a process of their own (``fanzha jobs``, beside ``fanzha serve --no-jobs``).

Deadlines live in the database, so a job is a pass over rows that are due: a restart loses
nothing, and several server processes may run the same job at once as long as each job
changes rows with conditional updates (``… WHERE escalated_at IS NULL``).

A job changes at most ``BATCH_ROWS`` rows per call and says with ``more`` when rows were left
(see ``Batched``); each call is its own transaction and the pass calls again until none are
left. On SQLite a request then waits behind one short batch, not behind a whole first pass over
a city's backlog (which once held the write lock for seconds). Between batches the pass pauses on
SQLite: a request waiting for the write lock polls it (SQLite's busy handler sleeps up to 100 ms
between tries), and a pass that began its next batch at once after each commit kept winning, so
a login behind a fresh demo's backlog waited out the 30 s busy timeout (503).
"""

import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from sqlalchemy.orm import Session

from fanzha.core.db import new_session
from fanzha.core.timeutil import utcnow

log = logging.getLogger("fanzha.scheduler")
STOP_WAIT_S = 3.0
BATCH_ROWS = 200  # most rows a job changes in one transaction
SQLITE_BATCH_PAUSE_S = 0.15  # longer than the busy handler's longest sleep: a waiting writer gets in


@runtime_checkable
class Batched(Protocol):
    """A job's result that says whether the job stopped at its bound with rows still due."""

    @property
    def more(self) -> bool: ...


@dataclass(frozen=True)
class Job:
    name: str
    interval_s: float
    run: Callable[[Session, datetime], object]


def run_job(job: Job, now: datetime | None = None, stop: threading.Event | None = None) -> bool:
    """One pass of one job: a transaction per batch until the job reports nothing more due or
    ``stop`` is set; a failure is logged, not raised (the batches before it stay committed)."""
    session = new_session()
    at = now or utcnow()
    pause = SQLITE_BATCH_PAUSE_S if session.get_bind().dialect.name == "sqlite" else 0.0
    stop = stop or threading.Event()
    try:
        while True:
            result = job.run(session, at)
            session.commit()
            if not (isinstance(result, Batched) and result.more) or stop.wait(pause):
                return True
    except Exception:
        session.rollback()
        if stop.is_set():  # cut short by Scheduler.stop: an expected end, not a fault
            log.warning("job %s was stopped midway; the next pass does its rows", job.name)
        else:
            log.exception("job %s failed", job.name)
        return False
    finally:
        session.close()


class Scheduler:
    """A daemon thread that runs each job every ``interval_s`` seconds until stopped."""

    def __init__(self, jobs: Sequence[Job], tick_s: float = 1.0) -> None:
        self._jobs = list(jobs)
        self._tick_s = tick_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="fanzha-scheduler", daemon=True)
        self._running: str | None = None

    def start(self) -> None:
        if self._jobs:
            self._thread.start()

    def stop(self) -> bool:
        """Asks the loop to stop and gives a running job a moment to finish; says whether the
        loop ended. A job still running after that dies with the process (a daemon thread): its
        transaction is rolled back and the next start's pass does its rows, so a SIGTERM is not
        held up for it.

        A job waiting on a child process (the bulletins' PDF render) would hold the exit up all
        the same, since the interpreter's exit waits for a process pool's work in flight; so
        this process's children are terminated, and the job fails at once with a broken pool."""
        self._stop.set()
        if not self._thread.is_alive():
            return True
        self._thread.join(timeout=STOP_WAIT_S)
        if not self._thread.is_alive():
            return True
        log.warning("job %s still running at stop; it is not waited for", self._running)
        for child in multiprocessing.active_children():
            child.terminate()
        return False

    def _loop(self) -> None:
        next_run = {job.name: 0.0 for job in self._jobs}
        clock = 0.0
        while not self._stop.is_set():
            for job in self._jobs:
                if self._stop.is_set():  # not the rest of the pass: a stop waits for one job at most
                    return
                if clock >= next_run[job.name]:
                    self._running = job.name
                    run_job(job, stop=self._stop)
                    next_run[job.name] = clock + job.interval_s
            self._running = None
            self._stop.wait(self._tick_s)
            clock += self._tick_s


def run_until_signalled(jobs: Sequence[Job], nice: int) -> None:
    """The jobs in this process until SIGTERM or SIGINT. In a web process the jobs' Python work
    holds the interpreter lock that the event loop needs, so under a heavy intake their batches
    add to every request's wait; in a process of their own at a lower priority (``nice``) the
    kernel gives the server's processes the CPU first, and a backlog is caught up when it is idle."""
    if nice and hasattr(os, "nice"):
        os.nice(nice)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    scheduler = Scheduler(jobs)
    scheduler.start()
    while not stop.wait(1.0):
        pass
    if not scheduler.stop():
        # The interpreter's exit would wait for the job's thread and process pools (a webhook
        # that does not answer, a render started as the stop came): end here, as the job would
        # have ended had the process been killed; its transaction rolls back.
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

"""Running the same work in several threads at once, each on its own connection (race tests)."""

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.core.errors import Conflict


def audit_mark(engine: Engine) -> int:
    """The id of the audit chain's last committed entry, before a test commits for real."""
    with Session(engine) as s:
        return s.scalar(select(func.max(AuditEntry.id))) or 0


def drop_audit_after(engine: Engine, mark: int) -> None:
    """Take the entries a committing test appended off the chain's tail (what is left is still a
    whole chain). Kept, they outlived the rows they name, and a later test's record reusing an id
    (SQLite reuses a deleted row's id) showed another test's history."""
    with Session(engine) as s:
        s.execute(delete(AuditEntry).where(AuditEntry.id > mark))
        s.commit()


def race(n: int, work: Callable[[Session, int], Any], engine: Engine) -> list[Any]:
    """Run ``work`` in ``n`` threads, each with its own connection, released together.
    A thread's result is what ``work`` returned (then committed) or the ``Conflict`` it raised."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            try:
                results[i] = work(session, i)
                session.commit()
            except Conflict as exc:
                session.rollback()
                results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results

"""Engine, declarative base and the request-scoped session.

The session dependency owns the transaction: it commits when the request succeeds and
rolls back on any error, so services only ``flush()`` and a multi-step change (a freeze
request and its case update) lands whole or not at all.
"""

import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager, suppress
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import anyio
from anyio.lowlevel import RunVar
from sqlalchemy import DateTime, MetaData, String, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from fanzha.core.config import get_settings
from fanzha.core.timeutil import as_utc

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware UTC datetimes; SQLite returns naive values, which are re-tagged."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


def node_path_type() -> String:
    """Column type for materialized jurisdiction paths.

    Subtree tests are byte-order range scans, so PostgreSQL must compare them with the
    "C" collation; a linguistic collation ignores the "/" separators.
    """
    return String(200).with_variant(String(200, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (``sqlite:///relative`` or ``sqlite:////absolute``); None otherwise."""
    if not url.startswith("sqlite:///") or url.startswith("sqlite:///:memory:"):
        return None
    return Path(url.removeprefix("sqlite:///").split("?")[0]).resolve()


def display_url(url: str) -> str:
    """Where the database is, for messages: the SQLite file, or the server without user and password."""
    path = sqlite_file(url)
    return str(path) if path is not None else url.split("@")[-1]


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        create_private_sqlite_file(url)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # Every admitted request (see get_session) finds a connection, with room for the scheduler
    # and read_session; a wait past pool_timeout means a leak and fails clearly (503).
    size = request_slots(url) + 4
    return create_engine(
        url, pool_size=size, max_overflow=size, pool_timeout=10, pool_pre_ping=True, hide_parameters=True
    )


def create_private_sqlite_file(url: str) -> None:
    """Creates a new SQLite file readable by its owner only: it holds victims' personal data.
    SQLite gives the -wal and -shm files the database file's mode. Whatever opens a database
    first (the server, ``fanzha db upgrade``) calls this."""
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:") or os.path.exists(path):
        return
    with suppress(OSError):  # a missing folder: SQLite's own open reports it on first use
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not pysqlite, decide when transactions begin, so SAVEPOINTs work.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


# Execution option marking a connection whose transactions only read (see read_session).
READ_ONLY = "fanzha_read_only"


def _sqlite_begin(conn: Any) -> None:
    # IMMEDIATE takes the write lock up front: a transaction that read first and writes later
    # would otherwise fail with "database is locked" as soon as another connection committed
    # (the scheduler thread, a second worker); this way writers wait on the busy timeout.
    # Read-only work begins deferred instead: under WAL it then never blocks a writer.
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@lru_cache
def _session_factory() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


def forget_engine() -> None:
    """Drop the cached engine and session factory, so the next session reads the settings again."""
    get_engine.cache_clear()
    _session_factory.cache_clear()


def new_session() -> Session:
    return _session_factory()()


@contextmanager
def read_session(like: Session) -> Iterator[Session]:
    """A session on ``like``'s database for long read-only work (scheduled reports) that must
    not hold SQLite's write lock while it computes; it is rolled back, never committed.

    When ``like`` is bound to a connection rather than an engine (the tests' one transaction),
    the reader shares that connection inside a savepoint, so it sees what ``like`` flushed."""
    bind = like.get_bind()
    if isinstance(bind, Engine):
        bind = bind.execution_options(**{READ_ONLY: True})
    session = Session(bind=bind, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def request_slots(url: str) -> int:
    """How many requests may hold a session at once. SQLite has one writer (every request
    transaction begins IMMEDIATE), so it admits one at a time in arrival order instead of
    letting the others poll the busy timeout; PostgreSQL admits Settings.db_request_slots."""
    return 1 if url.startswith("sqlite") else get_settings().db_request_slots


_slots: RunVar[anyio.Semaphore] = RunVar("fanzha_request_slots")


def _admission_gate() -> anyio.Semaphore:
    """The event loop's semaphore of request slots (first come, first served)."""
    try:
        return _slots.get()
    except LookupError:
        gate = anyio.Semaphore(request_slots(get_settings().database_url))
        _slots.set(gate)
        return gate


def _end(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


@asynccontextmanager
async def gated_session() -> AsyncIterator[Session]:
    """One transaction admitted through the bounded gate: committed when the block succeeds,
    rolled back on any error.

    Requests beyond the slots wait on the event loop, holding neither a thread nor a
    connection. Fewer slots than worker threads means a request holding a lock (the audit
    chain's, SQLite's write lock) always finds a thread to finish on; waiters filling every
    thread once hung PostgreSQL for good. The commit runs in a thread of its own, outside the
    shared pool, for the same reason."""
    async with _admission_gate():
        session = new_session()
        try:
            yield session
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(_end, session, False, limiter=anyio.CapacityLimiter(1))
            raise
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_end, session, True, limiter=anyio.CapacityLimiter(1))


async def get_session() -> AsyncIterator[Session]:
    """FastAPI dependency: one transaction per request (``gated_session``)."""
    async with gated_session() as session:
        yield session


TransactionOpener = Callable[[], AbstractAsyncContextManager[Session]]


async def transaction_opener() -> TransactionOpener:
    """FastAPI dependency for a route that opens its own transactions instead of holding one
    for the whole request (the warnings' group commit); the tests override it, as they do
    ``get_session``, with their rolled-back transaction. Async: FastAPI would run a plain
    function in the worker threads, a thread hop a request that queued behind the batches."""
    return gated_session

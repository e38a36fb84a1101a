"""Test harness: a migrated database per run, each test inside a rolled-back transaction.

SQLite by default; set FANZHA_TEST_DATABASE_URL (e.g. postgresql+psycopg://root@127.0.0.1/test)
to run the same suite on PostgreSQL. The schema there is dropped and re-migrated first.
"""

import os

os.environ.setdefault("FANZHA_PASSWORD_TIME_COST", "1")
os.environ.setdefault("FANZHA_PASSWORD_MEMORY_COST_KIB", "1024")

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fanzha.app import create_app
from fanzha.cli import use_database
from fanzha.core import db
from fanzha.migrations.runner import upgrade
from tests.demo_city import DemoCity, build_demo_city
from tests.factories import World, build_world
from tests.web.browser import chromium

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# No per-example time limit: on a machine shared by several suites an example's database round
# trips take far past hypothesis's default 200 ms, and speed belongs in benchmarks/.
settings.register_profile("fanzha", deadline=None)
settings.load_profile("fanzha")


def _reset_postgres(url: str) -> None:
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("FANZHA_TEST_DATABASE_URL")
    if url:
        _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'fanzha-test.db'}"
    upgrade(url)
    use_database(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Engine:
    return db.get_engine()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one transaction rolled back at the end."""
    connection = engine.connect()
    outer = connection.begin()
    s = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield s
    finally:
        s.close()
        outer.rollback()
        connection.close()


@pytest.fixture(scope="session")
def shared_app(database_url: str) -> FastAPI:
    """One app for the whole run: building one takes 0.2–0.5 s of CPU (FastAPI analyses ~650 routes)."""
    return create_app()


@pytest.fixture
def app(shared_app: FastAPI, session: Session) -> Iterator[FastAPI]:
    """The shared app with its database session bound to the test's rolled-back transaction."""

    def test_session() -> Iterator[Session]:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    @asynccontextmanager
    async def test_transaction() -> AsyncIterator[Session]:
        with contextmanager(test_session)() as s:
            yield s

    shared_app.dependency_overrides[db.get_session] = test_session
    shared_app.dependency_overrides[db.transaction_opener] = lambda: test_transaction
    try:
        yield shared_app
    finally:  # a test's own overrides (e.g. tighter limits) end with it
        shared_app.dependency_overrides.clear()


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


@pytest.fixture
def login(app: FastAPI):  # type: ignore[no-untyped-def]
    """Returns a function giving a logged-in client (with its CSRF header) for a username."""

    def as_user(username: str, password: str = "correct-horse-1") -> TestClient:
        c = TestClient(app)
        r = c.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return c

    return as_user


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium under Playwright for a browser test module (tests/web/browser.py)."""
    yield from chromium()


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present on this machine")
    return SHARED


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory: pytest.TempPathFactory) -> DemoCity:
    """The README's demo city, built once per run by ``fanzha demo`` into its own SQLite file.

    Building it takes minutes; the demo test (build, rebuild refused, serve), the demo clock test
    and the bulletin test (the latest month rendered for a person) share this one build.
    """
    return build_demo_city(tmp_path_factory.mktemp("demo") / "demo.db")

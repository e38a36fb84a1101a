"""Moving the report files to the warnings' table keeps every stored file, on both databases."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import make_url

from fanzha.core import db
from fanzha.migrations.runner import alembic_config


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind the suite runs on (a scratch PostgreSQL database beside it)."""
    base = os.environ.get("FANZHA_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    name = f"{make_url(base).database}_migrate"
    admin = db.make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_files_uploaded_before_the_move_are_still_there(fresh_url: str) -> None:
    cfg = alembic_config(fresh_url)
    command.upgrade(cfg, "0004_warnings")
    command.upgrade(cfg, "0002_web")
    engine = db.make_engine(fresh_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO web_report_files (warning_id, filename, content_type, size, sha256, data, at)"
                " VALUES (7, 'chat.png', 'image/png', 3, 'abc', :data, CURRENT_TIMESTAMP)"
            ),
            {"data": b"PNG"},
        )
    command.upgrade(cfg, "heads")
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT id, warning_id, filename, data FROM warnings_report_files")).all()
        conn.execute(
            text(
                "INSERT INTO warnings_report_files"
                " (warning_id, filename, content_type, size, sha256, data, at)"
                " VALUES (7, 'b.pdf', 'application/pdf', 1, 'def', :data, CURRENT_TIMESTAMP)"
            ),
            {"data": b"%"},
        )
        after = conn.execute(text("SELECT max(id) FROM warnings_report_files")).scalar()
    engine.dispose()
    assert [(r.id, r.warning_id, r.filename, bytes(r.data)) for r in rows] == [(1, 7, "chat.png", b"PNG")]
    assert after == 2

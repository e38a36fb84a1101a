"""Moving the report files to the warnings' table keeps every stored file, on both databases."""

from pathlib import Path

from alembic import command
from sqlalchemy import text

from fanzha.core import db
from fanzha.migrations.runner import alembic_config
from tests.server import scratch_database


def test_files_uploaded_before_the_move_are_still_there(tmp_path: Path) -> None:
    with scratch_database(tmp_path, "move") as url:
        _files_survive(url)


def _files_survive(fresh_url: str) -> None:
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

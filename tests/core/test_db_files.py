"""A new SQLite database holds victims' personal data: only its owner may read it."""

import stat
from pathlib import Path

from sqlalchemy import text

from fanzha.core import db
from fanzha.migrations.runner import upgrade


def test_a_new_sqlite_database_and_its_wal_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
        files = [path, path.with_name("new.db-wal")]
        assert all(f.exists() for f in files)
        assert [stat.S_IMODE(f.stat().st_mode) for f in files] == [0o600, 0o600]
    engine.dispose()


def test_a_database_created_by_the_migrations_is_readable_by_the_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "migrated.db"
    upgrade(f"sqlite:///{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

"""The migration that adds the tallies fills them from the submissions already stored, with the
same figures the submissions write themselves (SQLite and PostgreSQL)."""

from pathlib import Path

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from fanzha.core import db
from fanzha.migrations.runner import alembic_config, upgrade
from tests.exams.test_tally import _history, by_hand, tallied
from tests.factories import build_world
from tests.server import scratch_database


def test_the_migration_tallies_earlier_submissions(tmp_path: Path) -> None:
    with scratch_database(tmp_path, "tally") as url:
        upgrade(url)
        engine = db.make_engine(url)
        with Session(engine, expire_on_commit=False) as s:
            exam_id = _history(s, build_world(s)).id
            s.commit()
            written = tallied(s, exam_id)
        command.downgrade(alembic_config(url), "0001_exams")
        assert not inspect(engine).has_table("exam_class_tallies")
        command.upgrade(alembic_config(url), "heads")
        with Session(engine) as s:
            assert tallied(s, exam_id) == written == by_hand(s, exam_id)
        engine.dispose()

"""Two server processes' index passes at once (PostgreSQL) index each warning once: the second
waits for the first and goes on from where it stopped."""

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.clues.models import IdentifierLink, RecordKind
from fanzha.clues.service import index_new
from fanzha.core import db
from fanzha.core.timeutil import utcnow
from fanzha.migrations.runner import upgrade
from tests.factories import build_world
from tests.race import race
from tests.server import scratch_database
from tests.warnings.factories import add_gazetteer, make_warning

WARNINGS = 12


def test_two_passes_at_once_index_each_warning_once(tmp_path: Path, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's writers are serial from their first statement")
    with scratch_database(tmp_path, "passes") as url:
        upgrade(url)
        engine = db.make_engine(url)
        try:
            with Session(engine) as s:
                world = build_world(s)
                add_gazetteer(s, world)
                for n in range(WARNINGS):
                    make_warning(s, world, victim_phone=f"1390000{n:04d}")
                s.commit()
            done = race(2, lambda s, _: index_new(s, RecordKind.WARNING, utcnow(), batch=WARNINGS), engine)
            assert sorted(done) == [0, WARNINGS]
            with Session(engine) as s:
                assert (s.scalar(select(func.count()).select_from(IdentifierLink)) or 0) >= WARNINGS
        finally:
            engine.dispose()

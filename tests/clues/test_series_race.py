"""Concurrent bridging on PostgreSQL: transactions that each join series the others are merging
leave one series holding every record, with its counts right and no record in an absorbed one.

The writers commit (each runs on its own connection), so the test uses record ids and
identifier values no other test uses and deletes its rows afterwards.
"""

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fanzha.clues.index import Indexable, index_record
from fanzha.clues.models import (
    IdentifierLink,
    RecordKind,
    Series,
    SeriesIdentifier,
    SeriesMerge,
    SeriesRecord,
)
from fanzha.core import db
from fanzha.core.timeutil import utcnow
from tests.race import race

BASE = 1_900_000_000  # record ids far above anything a test registers
SEEDS = 6  # series before the race, each one case naming its own account
WRITERS = 5  # writer i bridges seed i and seed i+1: every writer touches a series another merges


def _account(i: int) -> str:
    return f"62229900{i:08d}"


def _case(record_id: int, *accounts: str) -> Indexable:
    return Indexable(
        kind=RecordKind.CASE,
        record_id=record_id,
        label=f"RACE{record_id}",
        node_path="/369900/",
        occurred_at=None,
        amount=None,
        identifiers=tuple(("bank_account", a) for a in accounts),
    )


@pytest.fixture
def pg_engine(database_url: str) -> Iterator[Engine]:
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL")
    engine = db.make_engine(database_url)
    yield engine
    with Session(engine) as s:
        rows = select(SeriesRecord.id).where(SeriesRecord.record_id >= BASE)
        series = set(s.scalars(select(SeriesRecord.series_id).where(SeriesRecord.record_id >= BASE)))
        series |= set(s.scalars(select(SeriesMerge.from_id).where(SeriesMerge.record_row_id.in_(rows))))
        idents = select(SeriesIdentifier.id).where(SeriesIdentifier.value.like("62229900%"))
        s.execute(
            delete(SeriesMerge).where(or_(SeriesMerge.into_id.in_(series), SeriesMerge.from_id.in_(series)))
        )
        s.execute(delete(IdentifierLink).where(IdentifierLink.record_row_id.in_(rows)))
        s.execute(delete(SeriesRecord).where(SeriesRecord.record_id >= BASE))
        s.execute(delete(SeriesIdentifier).where(SeriesIdentifier.id.in_(idents)))
        s.execute(delete(Series).where(Series.id.in_(series)))
        s.commit()
    engine.dispose()


def test_concurrent_bridges_end_in_one_consistent_series(pg_engine: Engine) -> None:
    with Session(pg_engine) as s:
        for i in range(SEEDS):
            index_record(s, _case(BASE + i, _account(i)), utcnow())
        s.commit()

    def bridge(s: Session, i: int) -> int:
        index_record(s, _case(BASE + 100 + i, _account(i), _account(i + 1)), utcnow())
        return i

    assert race(WRITERS, bridge, pg_engine) == list(range(WRITERS))
    with Session(pg_engine) as s:
        records = s.scalars(select(SeriesRecord).where(SeriesRecord.record_id >= BASE)).all()
        (series_id,) = {r.series_id for r in records}
        series = s.get(Series, series_id)
        assert series is not None and series.merged_into is None
        assert (series.record_count, series.case_count) == (SEEDS + WRITERS, SEEDS + WRITERS)
        idents = s.scalars(select(SeriesIdentifier).where(SeriesIdentifier.value.like("62229900%"))).all()
        assert {i.series_id for i in idents} == {series_id} and len(idents) == SEEDS
        assert all(i.degree == (2 if i.value in (_account(0), _account(SEEDS - 1)) else 3) for i in idents)
        absorbed = s.scalars(select(Series).where(Series.merged_into == series_id)).all()
        assert len(absorbed) == SEEDS - 1 and all(a.record_count == 0 for a in absorbed)

"""Upstream systems resend: two batches carrying the same source ids at the same moment on
PostgreSQL register each clue once, and the later batch answers with the clue the first made.
(Before, both inserted and one failed on the unique index with a server error.)

The batches commit on their own connections, so the test uses its own nodes, source ids and
account numbers, and removes them afterwards."""

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fanzha.clues import workflow
from fanzha.clues.models import (
    Clue,
    ClueAction,
    ClueSource,
    IdentifierLink,
    RecordKind,
    Series,
    SeriesIdentifier,
    SeriesMerge,
    SeriesRecord,
)
from fanzha.clues.schemas import ClueIn
from fanzha.core import db
from fanzha.core.principal import system_principal
from fanzha.jurisdiction import service as jurisdiction
from fanzha.jurisdiction.models import Node
from tests.race import audit_mark, drop_audit_after, race

CITY, DISTRICT = "779700", "779701"
SYSTEM = system_principal(name="clue-race-test")
ITEMS = 20  # source ids per batch, all shared by every racer


def _items() -> list[tuple[int, ClueIn]]:
    return [
        (
            n + 1,
            ClueIn(
                kind="bank_account",
                value=f"6222 8877 {n:08d}",
                source_id=f"RACE-CLUE-{n}",
                node_code=DISTRICT,
            ),
        )
        for n in range(ITEMS)
    ]


@pytest.fixture
def pg_engine(database_url: str) -> Iterator[Engine]:
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL (SQLite runs one writer at a time)")
    engine = db.make_engine(database_url)
    mark = audit_mark(engine)
    with Session(engine) as s:
        jurisdiction.import_nodes(
            s,
            [
                {"code": CITY, "name": "线索并发市", "level": 1, "parent_code": None},
                {"code": DISTRICT, "name": "线索并发区", "level": 2, "parent_code": CITY},
            ],
            "t",
        )
        s.commit()
    try:
        yield engine
    finally:
        _remove_race_rows(engine)
        drop_audit_after(engine, mark)
        engine.dispose()


def _remove_race_rows(engine: Engine) -> None:
    with Session(engine) as s:
        clues = select(Clue.id).where(Clue.source_id.like("RACE-CLUE-%"))
        rows = select(SeriesRecord.id).where(
            SeriesRecord.kind == RecordKind.CLUE.value, SeriesRecord.record_id.in_(clues)
        )
        series = {
            sid for sid in s.scalars(select(SeriesRecord.series_id).where(SeriesRecord.id.in_(rows))) if sid
        }
        s.execute(
            delete(SeriesMerge).where(or_(SeriesMerge.into_id.in_(series), SeriesMerge.from_id.in_(series)))
        )
        s.execute(delete(IdentifierLink).where(IdentifierLink.record_row_id.in_(rows)))
        s.execute(delete(SeriesRecord).where(SeriesRecord.id.in_(rows)))
        s.execute(delete(SeriesIdentifier).where(SeriesIdentifier.value.like("62228877%")))
        s.execute(delete(Series).where(Series.id.in_(series)))
        s.execute(delete(ClueAction).where(ClueAction.clue_id.in_(clues)))
        s.execute(delete(Clue).where(Clue.source_id.like("RACE-CLUE-%")))
        s.execute(delete(Node).where(Node.code.in_([DISTRICT, CITY])))
        s.commit()


@pytest.mark.parametrize("racers", [2, 6])
def test_racing_resends_register_each_clue_once(pg_engine: Engine, racers: int) -> None:
    def send(s: Session, _: int) -> tuple[list[int], list[int]]:
        report = workflow.intake(s, _items(), SYSTEM, ClueSource.UPSTREAM)
        return report.created, report.existing

    results = race(racers, send, pg_engine)

    created = [cid for made, _ in results for cid in made]
    assert len(created) == len(set(created)) == ITEMS
    for made, existing in results:
        assert sorted(made + existing) == sorted(created)  # each racer answers every item
    with Session(pg_engine) as s:
        stored = s.scalar(select(func.count()).select_from(Clue).where(Clue.source_id.like("RACE-CLUE-%")))
    assert stored == ITEMS


def test_racing_analysts_sending_one_source_id_register_one_clue(pg_engine: Engine) -> None:
    """POST /api/v1/clues from two schemathesis workers with one source_id: one 500 each time."""
    _, item = _items()[0]

    def send(s: Session, _: int) -> tuple[int, bool]:
        clue, created = workflow.register(s, item, SYSTEM)
        return clue.id, created

    results = race(4, send, pg_engine)

    assert len({clue_id for clue_id, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, False, False, True]

"""Indexing a backlog at once gives the series the incremental index gives, and the incremental
index carries on from where the bulk load left off."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.clues import bulk, service
from fanzha.clues.models import SeriesIdentifier, SeriesRecord
from fanzha.core.principal import system_principal
from fanzha.core.timeutil import utcnow
from tests.clues.factories import case_with
from tests.clues.test_recompute import _gangs, _partition
from tests.factories import World


def _series_of_cases(session: Session) -> set[frozenset[int]]:
    rows = session.execute(select(SeriesRecord.record_id, SeriesRecord.series_id))
    return _partition({r: s for r, s in rows if s is not None})


def test_bulk_backlog_matches_the_incremental_index(session: Session, world: World) -> None:
    _gangs(session, world)  # indexed one by one
    incremental = _series_of_cases(session)
    degrees = dict(session.execute(select(SeriesIdentifier.value, SeriesIdentifier.degree)).all())
    tables = SeriesRecord.metadata.tables
    for name in ("series_merges", "series_links", "series_records", "series_identifiers", "series_cursors"):
        session.execute(tables[name].delete())
    session.execute(tables["series"].update().values(merged_into=None))
    session.execute(tables["series"].delete())
    last = max(c.id for c in cases.cases_for_index(session, limit=1000))
    assert bulk.index_case_backlog(session, last, system_principal(), utcnow()) == 53
    assert _series_of_cases(session) == incremental
    assert dict(session.execute(select(SeriesIdentifier.value, SeriesIdentifier.degree)).all()) == degrees

    # A later case bridging two gangs joins through the incremental index, from the cursor on.
    bridge = case_with(session, world, ("phone", "13900000000"), ("phone", "139 0100 0000"))
    assert service.index_new_cases(session, utcnow()) == 1
    (link,) = service.series_for_case(session, world.principals["commander"], bridge)
    assert link.case_count == 17 and len(link.via) == 2

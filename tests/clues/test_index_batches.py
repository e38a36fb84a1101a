"""The scheduler indexes records a batch at a time (every warning goes through it): the series,
their counts, the hubs and the merges must come out as if each record had been indexed on its
own, in the same order, whatever the batches' sizes."""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.clues.index import Indexable, index_records
from fanzha.clues.models import RecordKind, Series, SeriesIdentifier, SeriesMerge, SeriesRecord
from fanzha.clues.service import SQLITE_INDEX_BATCH, index_job
from fanzha.core.config import get_settings
from tests.clues.factories import case_with
from tests.factories import World

BASE = 1_800_000_000  # record ids no other test registers
NOW = datetime(2026, 11, 20, 8, 0)
POOL = [("phone", f"1390077{i:04d}") for i in range(6)] + [
    ("bank_account", f"62220077{i:08d}") for i in range(4)
]
VALUES = {v for _, v in POOL}

Snapshot = tuple[object, ...]


@pytest.fixture
def low_hub_cap(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A cap of four records, so that identifiers turn into hubs within one example."""
    monkeypatch.setenv("FANZHA_SERIES_HUB_DEGREE", "4")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("FANZHA_SERIES_HUB_DEGREE")
    get_settings.cache_clear()


def _record(n: int, identifiers: Sequence[tuple[str, str]]) -> Indexable:
    return Indexable(RecordKind.CASE, BASE + n, f"R{n}", "/369900/", None, None, tuple(identifiers))


def _state(session: Session) -> Snapshot:
    """The index over the test's records, with series named by their members, not their ids
    (ids differ between runs)."""
    rows = session.scalars(select(SeriesRecord).where(SeriesRecord.record_id >= BASE)).all()
    members: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row.series_id is not None:
            members[row.series_id].add(row.record_id - BASE)
    idents = session.scalars(select(SeriesIdentifier).where(SeriesIdentifier.value.in_(VALUES))).all()
    series = {s.id: s for s in session.scalars(select(Series).where(Series.id.in_(members)))}
    merges = session.scalars(
        select(SeriesMerge).where(SeriesMerge.record_row_id.in_([r.id for r in rows]))
    ).all()
    return (
        sorted(r.record_id - BASE for r in rows),
        sorted((sorted(m), series[i].record_count, series[i].case_count) for i, m in members.items()),
        sorted(
            (
                i.kind,
                i.value,
                i.degree,
                i.hub,
                sorted(members.get(i.series_id or 0, ())) if not i.hub else None,
            )
            for i in idents
        ),
        len(merges),
    )


def _indexed(session: Session, records: list[Indexable], sizes: list[int]) -> Snapshot:
    """The index after ``records`` in batches of ``sizes`` (the last takes the rest), undone after."""
    with session.begin_nested() as nested:
        start = 0
        for size in [*sizes, len(records)]:
            if start < len(records):
                index_records(session, records[start : start + size], NOW)
                start += size
        state = _state(session)
        nested.rollback()
    return state


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    named=st.lists(st.lists(st.sampled_from(POOL), max_size=3), min_size=1, max_size=14),
    sizes=st.lists(st.integers(1, 6), max_size=5),
    again=st.lists(st.integers(0, 13), max_size=3),
)
def test_a_batch_indexes_as_its_records_one_at_a_time(
    session: Session,
    low_hub_cap: None,
    named: list[list[tuple[str, str]]],
    sizes: list[int],
    again: list[int],
) -> None:
    # A record may come again with an identifier it gained, as a case's edit does.
    records = [_record(n, ids) for n, ids in enumerate(named)]
    records += [_record(n, [*named[n], POOL[-1]]) for n in again if n < len(named)]
    assert _indexed(session, records, sizes) == _indexed(session, records, [1] * len(records))


def test_a_batch_that_bridges_its_own_new_series_into_an_older_one_keeps_one_series(
    session: Session,
) -> None:
    """The older series (two records) absorbs the batch's new one, which exists only in memory
    until the bridge: every record ends in the survivor and its count is right."""
    phone, account, other = POOL[0], POOL[6], POOL[1]
    index_records(session, [_record(0, [phone]), _record(1, [phone])], NOW)
    index_records(
        session, [_record(2, [account]), _record(3, [account, other]), _record(4, [phone, other])], NOW
    )
    rows = session.scalars(select(SeriesRecord).where(SeriesRecord.record_id >= BASE)).all()
    (series_id,) = {r.series_id for r in rows}
    survivor = session.get_one(Series, series_id)
    assert survivor.record_count == 5 and survivor.merged_into is None
    (merge,) = session.scalars(select(SeriesMerge).where(SeriesMerge.into_id == series_id)).all()
    absorbed = session.get_one(Series, merge.from_id)
    assert absorbed.merged_into == series_id and absorbed.record_count == 0


def test_a_scheduler_transaction_indexes_few_records_on_sqlite(session: Session, world: World) -> None:
    """On SQLite each of the job's transactions holds the write lock that every request waits for,
    so it takes a short batch there and says more are due; PostgreSQL takes a larger one."""
    ids = [case_with(session, world, ("phone", f"1390066{i:04d}")) for i in range(25)]
    sqlite = session.get_bind().dialect.name == "sqlite"
    batch = index_job(session, NOW)
    indexed = session.scalars(
        select(SeriesRecord.record_id).where(
            SeriesRecord.kind == RecordKind.CASE.value, SeriesRecord.record_id.in_(ids)
        )
    ).all()
    if sqlite:
        assert batch.more and len(indexed) <= SQLITE_INDEX_BATCH < len(ids)
    else:
        assert len(indexed) == len(ids)

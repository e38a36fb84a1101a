"""Full recompute: DuckDB and Spark local mode find the same components as the incremental index,
and writing them keeps series ids."""

import random

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.clues import recompute, service
from fanzha.clues.models import SeriesRecord
from fanzha.core.principal import system_principal
from fanzha.core.timeutil import utcnow
from tests.clues.factories import case_with
from tests.factories import World


def _gangs(session: Session, world: World) -> None:
    """Six gangs, each a chain of cases sharing a phone or an account with the one before,
    written differently each time, and loners; registered in a shuffled order."""
    rng = random.Random(7)
    plans = []
    for gang in range(6):
        for n in range(8):
            idents = [
                ("phone", f"+86 139 {gang:02d}{n:02d} 0000"),
                ("bank_account", f"6222 {gang:04d} {n + 1:04d}"),
            ]
            if n:
                idents.append(("phone", f"139{gang:02d}{n - 1:02d}0000"))
            plans.append(idents)
    plans += [[("qq", f"{900000 + k}")] for k in range(5)]
    rng.shuffle(plans)
    for idents in plans:
        case_with(session, world, *idents)
    service.index_new_cases(session, utcnow())


def _partition(labels: dict[int, int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for row, label in labels.items():
        groups.setdefault(label, set()).add(row)
    return {frozenset(g) for g in groups.values()}


def _incremental(session: Session) -> dict[int, int]:
    rows = session.execute(select(SeriesRecord.id, SeriesRecord.series_id))
    return {r: s for r, s in rows if s is not None}


def test_duckdb_recompute_matches_the_incremental_index_and_keeps_ids(session: Session, world: World) -> None:
    _gangs(session, world)
    before = _incremental(session)
    labels = recompute.components_duckdb(recompute.linking_edges(session))
    gangs = _partition(labels)
    assert gangs == _partition(before)
    assert sorted(len(g) for g in gangs) == [1] * 5 + [8] * 6
    recompute.recompute(session, "duckdb", system_principal(), utcnow())
    assert _incremental(session) == before


def test_spark_local_mode_finds_the_same_components(session: Session, world: World) -> None:
    pytest.importorskip("pyspark")
    _gangs(session, world)
    links = recompute.linking_edges(session)
    assert _partition(recompute.components_spark(links)) == _partition(recompute.components_duckdb(links))

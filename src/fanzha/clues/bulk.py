"""Indexing many records at once (a demo city's history, an initial load): records, identifiers
and links written in a few set-based statements, then the components labelled by the full
recompute on DuckDB. The incremental index (``index.py``) is for records arriving one by one: at
tens of milliseconds a record it would take minutes over a city's ten thousand cases.

The result is the one the incremental index gives (same rows, same hub rule, same components),
without merge history: records loaded together were never separate series.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.clues import recompute
from fanzha.clues.index import Indexable, hub_reason, linking_forms, record_row
from fanzha.clues.models import IdentifierLink, RecordKind, SeriesCursor, SeriesIdentifier, SeriesRecord
from fanzha.clues.service import case_item
from fanzha.core.config import get_settings
from fanzha.core.principal import Principal
from fanzha.detect import service as detect

CHUNK = 2000  # values per IN (…) list, well inside SQLite's and PostgreSQL's parameter limits


def _identifier_ids(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Ids of the identifier rows of ``keys``, created where missing (official ones born hubs)."""
    found: dict[tuple[str, str], int] = {}
    values = sorted({v for _, v in keys})
    for start in range(0, len(values), CHUNK):
        known = session.execute(
            select(SeriesIdentifier.kind, SeriesIdentifier.value, SeriesIdentifier.id).where(
                SeriesIdentifier.value.in_(values[start : start + CHUNK])
            )
        )
        found.update({(k, v): i for k, v, i in known if (k, v) in keys})
    missing = sorted(keys - set(found))
    if missing:
        official = detect.official_owners(session, {v for k, v in missing if k in ("phone", "url")})
        rows = [
            {"kind": k, "value": v, "degree": 0, "hub": v in official, "hub_reason": official.get(v)}
            for k, v in missing
        ]
        ids = session.scalars(
            insert(SeriesIdentifier).returning(SeriesIdentifier.id, sort_by_parameter_order=True), rows
        )
        found.update(zip(missing, ids, strict=True))
    return found


def index_many(session: Session, items: Sequence[Indexable], actor: Principal, now: datetime) -> int:
    """Index records new to the index, then recompute every series; returns the series count."""
    if not items:
        return 0
    records = [record_row(item, now) for item in items]
    row_ids = list(
        session.scalars(
            insert(SeriesRecord).returning(SeriesRecord.id, sort_by_parameter_order=True), records
        )
    )
    forms = [linking_forms(item.identifiers) for item in items]
    ids = _identifier_ids(session, {key for f in forms for key in f})
    links = [
        {"record_row_id": row_id, "identifier_id": ids[key], "raw": raw}
        for row_id, f in zip(row_ids, forms, strict=True)
        for key, raw in f.items()
    ]
    if links:
        session.execute(insert(IdentifierLink), links)
    named = Counter(ids[key] for f in forms for key in f)
    cap = get_settings().series_hub_degree
    current = {
        i.id: i
        for start in range(0, len(named), CHUNK)
        for i in session.scalars(
            select(SeriesIdentifier).where(SeriesIdentifier.id.in_(sorted(named)[start : start + CHUNK]))
        )
    }
    changes: list[dict[str, object]] = []
    for ident_id, count in named.items():
        ident = current[ident_id]
        degree = ident.degree + count
        changes.append({"id": ident_id, "degree": degree})
        if not ident.hub and degree > cap:
            changes[-1] |= {"hub": True, "hub_reason": hub_reason(cap)}
    session.execute(update(SeriesIdentifier), changes)
    session.expire_all()
    return recompute.recompute(session, "duckdb", actor, now)


def index_case_backlog(session: Session, upto: int, actor: Principal, now: datetime) -> int:
    """Every case not yet indexed up to case ``upto``, at once, moving the index's cursor past
    them (the scheduler's job then carries on from there); returns how many were indexed."""
    cursor = session.get(SeriesCursor, RecordKind.CASE.value)
    if cursor is None:
        cursor = SeriesCursor(kind=RecordKind.CASE.value, last_id=0)
        session.add(cursor)
    found = [c for c in cases.cases_for_index(session, after_id=cursor.last_id, limit=10**9) if c.id <= upto]
    index_many(session, [case_item(c) for c in found], actor, now)
    if found:
        cursor.last_id = found[-1].id
    session.flush()
    return len(found)

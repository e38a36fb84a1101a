"""The incremental series index: a persisted component table updated as each record is indexed.

Every record and non-hub identifier carries the id of its series. Indexing a record looks up
its identifiers' series: none → a new series; one → it joins; several → the largest survives and
the others' rows are relabelled to it (union by size, so a row is relabelled O(log n) times over
the index's life), and each merge is kept with the identifiers that bridged it. Hubs (official
numbers, or identifiers named by more than ``series_hub_degree`` records) link nothing.

On PostgreSQL the index's writers are serialised by one transaction-scoped advisory lock, taken
before a writer reads anything of the index: two transactions bridging the same series would
otherwise each relabel from what they read before the other committed (a record left in an
absorbed series, a count lost). Readers never wait; SQLite serialises writers by itself.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fanzha.clues.models import (
    IdentifierLink,
    RecordKind,
    Series,
    SeriesIdentifier,
    SeriesMerge,
    SeriesRecord,
)
from fanzha.clues.normalise import LINKING, kind_of, normalise
from fanzha.core.config import get_settings
from fanzha.detect import service as detect

SERIES_LOCK = 0x73657269  # advisory lock key ("seri"): one writer of the series index at a time


def lock_index(session: Session) -> None:
    """Take the index's write lock for the rest of this transaction (PostgreSQL; once per
    transaction). Everything the writer then reads is what the last writer committed."""
    if session.get_bind().dialect.name != "postgresql":
        return
    current = session.get_transaction()
    if current is not None and session.info.get("series_lock") is current:
        return
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SERIES_LOCK})
    session.info["series_lock"] = session.get_transaction()


@dataclass(frozen=True)
class Indexable:
    """A record of any capability as the index needs it; identifiers as (kind, as written)."""

    kind: RecordKind
    record_id: int
    label: str
    node_path: str
    occurred_at: datetime | None
    amount: Decimal | None
    identifiers: tuple[tuple[str, str], ...]


def hub_reason(cap: int) -> str:
    return f"出现在超过 {cap} 条记录中"


def linking_forms(identifiers: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(kind, normal form) → the first way it was written, for the kinds that link."""
    forms: dict[tuple[str, str], str] = {}
    for kind, raw in identifiers:
        k = kind_of(kind)
        if k is None or k not in LINKING:
            continue
        value = normalise(k, raw)
        if value:
            forms.setdefault((k.value, value[:300]), raw.strip()[:300])
    return forms


def _insert_ignoring(session: Session, table: Any, rows: list[dict[str, Any]], keys: list[str]) -> None:
    """Insert rows another process may have inserted first (the unique key then wins)."""
    if not rows:
        return
    assert isinstance(table, Table)
    dialect = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(dialect(table).on_conflict_do_nothing(index_elements=keys), rows)


def _identifiers(session: Session, keys: Sequence[tuple[str, str]]) -> list[SeriesIdentifier]:
    """The identifier rows of ``keys``, created where missing (official ones born hubs)."""
    wanted = set(keys)

    def load() -> list[SeriesIdentifier]:
        # Both columns of the (kind, value) key: PostgreSQL cannot use that index on value alone.
        found = session.scalars(
            select(SeriesIdentifier).where(
                SeriesIdentifier.kind.in_({k for k, _ in keys}),
                SeriesIdentifier.value.in_({v for _, v in keys}),
            )
        )
        return [i for i in found if (i.kind, i.value) in wanted]

    rows = load()
    missing = wanted - {(i.kind, i.value) for i in rows}
    if not missing:
        return rows
    official = detect.official_owners(session, {v for k, v in missing if k in ("phone", "url")})
    new = [
        {"kind": k, "value": v, "degree": 0, "hub": v in official, "hub_reason": official.get(v)}
        for k, v in sorted(missing)
    ]
    _insert_ignoring(session, SeriesIdentifier.__table__, new, ["kind", "value"])
    return load()


def _record_row(session: Session, item: Indexable, now: datetime) -> tuple[SeriesRecord, set[int]]:
    row = session.scalars(
        select(SeriesRecord).where(
            SeriesRecord.kind == item.kind.value, SeriesRecord.record_id == item.record_id
        )
    ).one_or_none()
    if row is not None:
        return row, set(
            session.scalars(
                select(IdentifierLink.identifier_id).where(IdentifierLink.record_row_id == row.id)
            )
        )
    row = SeriesRecord(
        kind=item.kind.value,
        record_id=item.record_id,
        label=item.label[:120],
        node_path=item.node_path,
        occurred_at=item.occurred_at,
        amount=item.amount,
        indexed_at=now,
    )
    session.add(row)
    session.flush()
    return row, set()


def _merge(
    session: Session, row: SeriesRecord, linking: list[SeriesIdentifier], now: datetime
) -> tuple[Series, list[SeriesMerge]]:
    """The series ``row`` belongs to once its linking identifiers are joined; absorbed series
    are relabelled into the largest and each merge is recorded."""
    ids = {i.series_id for i in linking if i.series_id is not None}
    if row.series_id is not None:
        ids.add(row.series_id)
    if not ids:
        fresh = Series(created_at=now, updated_at=now)
        session.add(fresh)
        session.flush()
        return fresh, []
    found = session.scalars(select(Series).where(Series.id.in_(ids))).all()
    survivor = max(found, key=lambda s: (s.record_count, -s.id))
    absorbed = [s for s in found if s.id != survivor.id]
    anchor = next((i.id for i in linking if i.series_id == survivor.id), None)
    merges = [
        SeriesMerge(
            into_id=survivor.id,
            from_id=s.id,
            record_row_id=row.id,
            via_id=next((i.id for i in linking if i.series_id == s.id), None),
            anchor_id=anchor,
            at=now,
        )
        for s in absorbed
    ]
    if absorbed:
        gone = [s.id for s in absorbed]
        session.execute(
            update(SeriesRecord).where(SeriesRecord.series_id.in_(gone)).values(series_id=survivor.id)
        )
        session.execute(
            update(SeriesIdentifier).where(SeriesIdentifier.series_id.in_(gone)).values(series_id=survivor.id)
        )
        session.execute(update(Series).where(Series.merged_into.in_(gone)).values(merged_into=survivor.id))
        for s in absorbed:
            s.merged_into = survivor.id
            survivor.record_count += s.record_count
            survivor.case_count += s.case_count
            s.record_count = s.case_count = 0
        session.add_all(merges)
    return survivor, merges


def index_record(session: Session, item: Indexable, now: datetime) -> list[SeriesMerge]:
    """Add one record (or the identifiers it gained) to the index; returns the merges it caused."""
    lock_index(session)
    forms = linking_forms(item.identifiers)
    row, known = _record_row(session, item, now)
    idents = _identifiers(session, sorted(forms)) if forms else []
    new = [i for i in idents if i.id not in known]
    if not new:
        return []
    _insert_ignoring(
        session,
        IdentifierLink.__table__,
        [{"record_row_id": row.id, "identifier_id": i.id, "raw": forms[(i.kind, i.value)]} for i in new],
        ["record_row_id", "identifier_id"],
    )
    cap = get_settings().series_hub_degree
    for i in new:
        i.degree += 1
        if not i.hub and i.degree > cap:
            i.hub, i.hub_reason = True, hub_reason(cap)
    linking = [i for i in idents if not i.hub]
    if not linking:
        session.flush()
        return []
    series, merges = _merge(session, row, linking, now)
    if row.series_id != series.id:
        series.record_count += 1
        series.case_count += int(row.kind == RecordKind.CASE.value)
        row.series_id = series.id
    for i in linking:
        i.series_id = series.id
    series.updated_at = now
    session.flush()
    return merges

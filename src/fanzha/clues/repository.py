"""Queries on the clue and series tables; every read of either starts from a ``readable``."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Select, and_, case, func, or_, select, text
from sqlalchemy.orm import Session

from fanzha.clues.models import (
    Clue,
    ClueAction,
    IdentifierLink,
    RecordKind,
    Series,
    SeriesIdentifier,
    SeriesMerge,
    SeriesRecord,
)
from fanzha.clues.schemas import ClueQuery, SeriesQuery
from fanzha.core.principal import Principal
from fanzha.core.scope import within


def readable(principal: Principal) -> Select[Clue]:
    """The clues ``principal`` may read: their subtree's."""
    return select(Clue).where(within(Clue.node_path, principal.scope_path))


def readable_series(principal: Principal) -> Select[Series]:
    """Live series with at least one record in ``principal``'s subtree."""
    touching = select(SeriesRecord.series_id).where(
        within(SeriesRecord.node_path, principal.scope_path), SeriesRecord.series_id.is_not(None)
    )
    return select(Series).where(Series.merged_into.is_(None), Series.id.in_(touching))


def clue(session: Session, principal: Principal, clue_id: int) -> Clue | None:
    """By primary key, the scope tested on the row, as ``cases.repository.readable_case`` says why."""
    found = session.scalars(select(Clue).where(Clue.id == clue_id)).first()
    return found if found is not None and principal.sees(found.node_path) else None


def clues(
    session: Session, principal: Principal, q: ClueQuery, now: datetime, under: str | None = None
) -> Sequence[Clue]:
    """The clues matching ``q`` (``under``: a node path inside the principal's subtree), open ones
    first by deadline."""
    stmt = readable(principal)
    if under is not None:
        stmt = stmt.where(within(Clue.node_path, under))
    if q.state:
        stmt = stmt.where(Clue.state == q.state)
    if q.level:
        stmt = stmt.where(Clue.level == q.level.value)
    if q.source:
        stmt = stmt.where(Clue.source == q.source.value)
    if q.overdue is not None:
        late = and_(Clue.closed_at.is_(None), Clue.due_at < now)
        stmt = stmt.where(late if q.overdue else ~late)
    if q.series_id is not None:
        stmt = stmt.where(Clue.id.in_(clue_ids_in_series(q.series_id)))
    return session.scalars(
        stmt.order_by(Clue.closed_at.is_not(None), Clue.due_at, Clue.id).limit(q.limit)
    ).all()


def clue_ids_in_series(series_id: int) -> Select[int]:
    return select(SeriesRecord.record_id).where(
        SeriesRecord.series_id == series_id, SeriesRecord.kind == RecordKind.CLUE.value
    )


def lock_source_ids(session: Session, source: str, ids: Sequence[str]) -> None:
    """PostgreSQL: hold a transaction-scoped lock per (source, source_id), taken in one order, so a
    batch resending an id another transaction is inserting waits for it and then finds it, instead
    of both inserting and one failing on the unique index. SQLite writers are already serial."""
    if not ids or session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text(
            "SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT"
            " hashtextextended(:source || ':' || k, 0) AS h"
            " FROM unnest(CAST(:ids AS text[])) AS k ORDER BY h) AS keys"
        ),
        {"source": source, "ids": list(ids)},
    )


def by_source_ids(session: Session, source: str, ids: Sequence[str]) -> dict[str, int]:
    rows = session.execute(
        select(Clue.source_id, Clue.id).where(Clue.source == source, Clue.source_id.in_(ids))
    )
    return {sid: cid for sid, cid in rows if sid is not None}


def actions(session: Session, clue_id: int) -> Sequence[ClueAction]:
    return session.scalars(
        select(ClueAction).where(ClueAction.clue_id == clue_id).order_by(ClueAction.id)
    ).all()


def list_series(
    session: Session, principal: Principal, q: SeriesQuery, forms: set[tuple[str, str]]
) -> Sequence[Series]:
    stmt = readable_series(principal).where(Series.case_count >= q.min_cases)
    if forms:  # by (kind, value), the unique key: by value alone PostgreSQL scans the whole table
        keys = [and_(SeriesIdentifier.kind == k, SeriesIdentifier.value == v) for k, v in sorted(forms)]
        named = select(SeriesIdentifier.series_id).where(or_(*keys))
        stmt = stmt.where(Series.id.in_(named))
    return session.scalars(stmt.order_by(Series.case_count.desc(), Series.id).limit(q.limit)).all()


def totals(
    session: Session, ids: Sequence[int]
) -> dict[int, tuple[Decimal, datetime | None, datetime | None]]:
    """Per series: losses of its cases, first and last record time."""
    is_case = SeriesRecord.kind == RecordKind.CASE.value
    rows = session.execute(
        select(
            SeriesRecord.series_id,
            func.coalesce(func.sum(case((is_case, SeriesRecord.amount), else_=0)), 0),
            func.min(SeriesRecord.occurred_at),
            func.max(SeriesRecord.occurred_at),
        )
        .where(SeriesRecord.series_id.in_(ids))
        .group_by(SeriesRecord.series_id)
    )
    return {sid: (Decimal(loss), first, last) for sid, loss, first, last in rows}


def identifiers_of(session: Session, ids: Sequence[int]) -> Sequence[SeriesIdentifier]:
    return session.scalars(
        select(SeriesIdentifier)
        .where(SeriesIdentifier.series_id.in_(ids))
        .order_by(SeriesIdentifier.degree.desc(), SeriesIdentifier.id)
    ).all()


def live_series(session: Session, principal: Principal, series_id: int) -> Series | None:
    """The series (or the one it was merged into), if ``principal`` may read it."""
    found = session.get(Series, series_id)
    if found is not None and found.merged_into is not None:
        series_id = found.merged_into
    return session.scalars(readable_series(principal).where(Series.id == series_id)).one_or_none()


def members(session: Session, series_id: int, limit: int) -> Sequence[SeriesRecord]:
    return session.scalars(
        select(SeriesRecord)
        .where(SeriesRecord.series_id == series_id)
        .order_by(SeriesRecord.occurred_at, SeriesRecord.id)
        .limit(limit)
    ).all()


def links(session: Session, record_row_ids: Sequence[int]) -> Sequence[tuple[int, int, str]]:
    rows = session.execute(
        select(IdentifierLink.record_row_id, IdentifierLink.identifier_id, IdentifierLink.raw).where(
            IdentifierLink.record_row_id.in_(record_row_ids)
        )
    )
    return [(r, i, raw) for r, i, raw in rows]


def identifiers(session: Session, ids: Sequence[int]) -> dict[int, SeriesIdentifier]:
    return {i.id: i for i in session.scalars(select(SeriesIdentifier).where(SeriesIdentifier.id.in_(ids)))}


def identifiers_by_form(session: Session, forms: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(kind, normal form) → identifier id, for the forms the index knows."""
    found = session.execute(
        select(SeriesIdentifier.kind, SeriesIdentifier.value, SeriesIdentifier.id).where(
            SeriesIdentifier.kind.in_({k for k, _ in forms}),
            SeriesIdentifier.value.in_({v for _, v in forms}),
        )
    )
    return {(k, v): i for k, v, i in found if (k, v) in forms}


def merges_into(session: Session, series_id: int) -> Sequence[SeriesMerge]:
    return session.scalars(
        select(SeriesMerge).where(SeriesMerge.into_id == series_id).order_by(SeriesMerge.at, SeriesMerge.id)
    ).all()


def record_rows(session: Session, ids: Sequence[int]) -> dict[int, SeriesRecord]:
    return {r.id: r for r in session.scalars(select(SeriesRecord).where(SeriesRecord.id.in_(ids)))}


def record_row(session: Session, kind: RecordKind, record_id: int) -> SeriesRecord | None:
    return session.scalars(
        select(SeriesRecord).where(SeriesRecord.kind == kind.value, SeriesRecord.record_id == record_id)
    ).one_or_none()

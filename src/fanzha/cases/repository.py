"""Queries on the case tables."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, selectinload

from fanzha.cases.identifiers import normalise
from fanzha.cases.models import Case, CaseIdentifier, IdentifierKind
from fanzha.cases.schemas import CaseQuery
from fanzha.core.principal import Principal
from fanzha.core.scope import within


def readable(principal: Principal) -> Select[Case]:
    """The cases ``principal`` may read: their subtree's. Every list of cases starts here; one case
    by id is tested the same way on its row (``readable_case``)."""
    return select(Case).where(within(Case.node_path, principal.scope_path))


def _conditions(f: CaseQuery, path: str | None) -> list[ColumnElement[bool]]:
    conds = [] if path is None else [within(Case.node_path, path)]
    if f.fraud_type:
        conds.append(Case.fraud_type == f.fraud_type)
    if f.since:
        conds.append(Case.occurred_at >= f.since)
    if f.until:
        conds.append(Case.occurred_at < f.until)
    if f.victim_group:
        conds.append(Case.victim_group == f.victim_group)
    if f.status:
        conds.append(Case.status == f.status)
    if f.identifier:
        forms = {normalise(kind.value, f.identifier) for kind in IdentifierKind}
        conds.append(Case.id.in_(select(CaseIdentifier.case_id).where(CaseIdentifier.value.in_(forms))))
    return conds


def list_cases(
    session: Session, principal: Principal, f: CaseQuery, path: str | None, offset: int, limit: int
) -> tuple[Sequence[Case], int]:
    """A page of readable cases matching ``f`` (within ``path`` if given), newest first, with their
    node and identifiers loaded in two more queries whatever the page size."""
    stmt = readable(principal).where(*_conditions(f, path))
    total = session.scalar(stmt.with_only_columns(func.count(), maintain_column_froms=True)) or 0
    page = (
        stmt.options(selectinload(Case.identifiers), selectinload(Case.node))
        .order_by(Case.occurred_at.desc(), Case.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return session.scalars(page).all(), total


def readable_case(session: Session, principal: Principal, case_id: int) -> Case | None:
    """Read by primary key, the scope then tested on the row (``Principal.sees``, the same test as
    ``within``): with both in the SQL, PostgreSQL without statistics on the table planned a range
    scan of the subtree's path index filtered for the id, a cost that grows with the subtree."""
    case = session.scalars(select(Case).where(Case.id == case_id)).first()
    return case if case is not None and principal.sees(case.node_path) else None


def identifier_rows(session: Session) -> Sequence[tuple[str, str, str]]:
    """(kind, value, case_no of the earliest case naming it), one row per distinct identifier."""
    first = (
        select(CaseIdentifier.kind, CaseIdentifier.value, func.min(CaseIdentifier.case_id).label("case_id"))
        .group_by(CaseIdentifier.kind, CaseIdentifier.value)
        .subquery()
    )
    stmt = select(first.c.kind, first.c.value, Case.case_no).join(Case, Case.id == first.c.case_id)
    return [(k, v, n) for k, v, n in session.execute(stmt)]


def recent(session: Session, since: datetime, limit: int, until: datetime | None = None) -> Sequence[Case]:
    stmt = select(Case).where(Case.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(Case.occurred_at < until)
    stmt = stmt.order_by(Case.occurred_at.desc(), Case.id).limit(limit)
    return session.scalars(stmt).all()


def for_index(session: Session, after_id: int, limit: int, ids: Sequence[int] | None) -> Sequence[Case]:
    """Cases by id (``ids``), or the next ``limit`` after ``after_id``, with their identifiers."""
    stmt = select(Case).options(selectinload(Case.identifiers)).order_by(Case.id)
    stmt = stmt.where(Case.id.in_(ids)) if ids is not None else stmt.where(Case.id > after_id).limit(limit)
    return session.scalars(stmt).all()

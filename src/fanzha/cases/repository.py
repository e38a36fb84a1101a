"""Queries on the case tables."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from fanzha.cases.identifiers import normalise
from fanzha.cases.models import Case, CaseIdentifier, IdentifierKind
from fanzha.core.scope import within


@dataclass(frozen=True)
class CaseFilter:
    """What an officer narrows a case list by; ``path`` is already intersected with their scope."""

    path: str
    fraud_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    victim_group: str | None = None
    status: str | None = None
    identifier: str | None = None


def _conditions(f: CaseFilter) -> list[ColumnElement[bool]]:
    conds = [within(Case.node_path, f.path)]
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


def list_cases(session: Session, f: CaseFilter, offset: int, limit: int) -> tuple[Sequence[Case], int]:
    conds = _conditions(f)
    total = session.scalar(select(func.count()).select_from(Case).where(*conds)) or 0
    stmt = (
        select(Case)
        .where(*conds)
        .options(selectinload(Case.identifiers))
        .order_by(Case.occurred_at.desc(), Case.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return session.scalars(stmt).all(), total


def case_by_id(session: Session, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def identifier_rows(session: Session) -> Sequence[tuple[str, str, str]]:
    """(kind, value, case_no of the earliest case naming it), one row per distinct identifier."""
    first = (
        select(CaseIdentifier.kind, CaseIdentifier.value, func.min(CaseIdentifier.case_id).label("case_id"))
        .group_by(CaseIdentifier.kind, CaseIdentifier.value)
        .subquery()
    )
    stmt = select(first.c.kind, first.c.value, Case.case_no).join(Case, Case.id == first.c.case_id)
    return [(k, v, n) for k, v, n in session.execute(stmt)]


def recent(session: Session, since: datetime, limit: int) -> Sequence[Case]:
    stmt = (
        select(Case).where(Case.occurred_at >= since).order_by(Case.occurred_at.desc(), Case.id).limit(limit)
    )
    return session.scalars(stmt).all()

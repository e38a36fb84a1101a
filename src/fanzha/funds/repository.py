"""Queries on the funds tables."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from fanzha.core.scope import within
from fanzha.funds.models import FundRequest, PunishedPerson


@dataclass(frozen=True)
class RequestFilter:
    """Either a bank (liaisons see their bank only) or a subtree path (officers)."""

    bank_code: str | None
    path: str | None
    status: str | None = None
    kind: str | None = None
    case_id: int | None = None
    parent_id: int | None = None
    warned_only: bool = False


def _conditions(f: RequestFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.bank_code is not None:
        conds.append(FundRequest.bank_code == f.bank_code)
    if f.path is not None:
        conds.append(within(FundRequest.node_path, f.path))
    if f.status:
        conds.append(FundRequest.status == f.status)
    if f.kind:
        conds.append(FundRequest.kind == f.kind)
    if f.case_id is not None:
        conds.append(FundRequest.case_id == f.case_id)
    if f.parent_id is not None:
        conds.append(FundRequest.parent_id == f.parent_id)
    if f.warned_only:
        conds.append(FundRequest.warned_at.is_not(None))
    return conds


def list_requests(
    session: Session, f: RequestFilter, offset: int, limit: int
) -> tuple[Sequence[FundRequest], int]:
    conds = _conditions(f)
    total = session.scalar(select(func.count()).select_from(FundRequest).where(*conds)) or 0
    stmt = select(FundRequest).where(*conds).order_by(FundRequest.id.desc()).offset(offset).limit(limit)
    return session.scalars(stmt).all(), total


def listed_until(session: Session, id_number: str, on: date) -> PunishedPerson | None:
    """The listing of this person that runs longest among those in force on ``on``."""
    stmt = (
        select(PunishedPerson)
        .where(
            PunishedPerson.id_number == id_number,
            PunishedPerson.starts_on <= on,
            PunishedPerson.ends_on >= on,
        )
        .order_by(PunishedPerson.ends_on.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def punished_within(
    session: Session, path: str, offset: int, limit: int
) -> tuple[Sequence[PunishedPerson], int]:
    cond = within(PunishedPerson.node_path, path)
    total = session.scalar(select(func.count()).select_from(PunishedPerson).where(cond)) or 0
    stmt = select(PunishedPerson).where(cond).order_by(PunishedPerson.id.desc()).offset(offset).limit(limit)
    return session.scalars(stmt).all(), total

"""Queries on the funds tables."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from fanzha.core.scope import within
from fanzha.funds.models import UNRELEASED, FundRequest, PunishedPerson
from fanzha.funds.schemas import RequestQuery


def readable(bank_code: str | None, scope_path: str) -> Select[FundRequest]:
    """The requests a reader may see: a bank liaison (``bank_code``) their bank's, anywhere in the
    city; an officer their subtree's. Every read of requests starts here."""
    if bank_code is not None:  # and only once an officer approved it
        return select(FundRequest).where(
            FundRequest.bank_code == bank_code, FundRequest.status.not_in(UNRELEASED)
        )
    return select(FundRequest).where(within(FundRequest.node_path, scope_path))


def _conditions(f: RequestQuery) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    for column, value in (
        (FundRequest.status, f.status),
        (FundRequest.kind, f.kind),
        (FundRequest.bank_code, f.bank),
        (FundRequest.case_id, f.case_id),
        (FundRequest.parent_id, f.parent_id),
    ):
        if value is not None:
            conds.append(column == value)
    if f.warned:
        conds.append(FundRequest.warned_at.is_not(None))
    return conds


def list_requests(
    session: Session, readable: Select[FundRequest], f: RequestQuery, offset: int, limit: int
) -> tuple[Sequence[FundRequest], int]:
    """A page of ``readable`` requests matching ``f``, newest first, and how many match in all."""
    stmt = readable.where(*_conditions(f))
    total = session.scalar(stmt.with_only_columns(func.count(), maintain_column_froms=True)) or 0
    return session.scalars(stmt.order_by(FundRequest.id.desc()).offset(offset).limit(limit)).all(), total


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

"""Queries on the warning tables that the read side and the workflow share.

``readable`` is the one place the warnings' scope is written: every list, queue and detail a
principal reads starts from it. (Intake's bulk inserts and the escalation pass, which act for the
whole city, keep their SQL beside the code that needs its shape: ``intake.py``, ``tick.py``.)
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from fanzha.core.principal import Principal
from fanzha.core.scope import within
from fanzha.warnings.models import EarlyWarning, ReportFile
from fanzha.warnings.schemas import Filters
from fanzha.warnings.statemachine import OPEN_STATES, State

W = EarlyWarning


def readable(principal: Principal) -> Select[EarlyWarning]:
    """The warnings ``principal`` may read: their subtree's."""
    return select(W).where(within(W.node_path, principal.scope_path))


def readable_warning(session: Session, principal: Principal, warning_id: int) -> EarlyWarning | None:
    return session.scalars(readable(principal).where(W.id == warning_id)).first()


def overdue_now(now: datetime) -> ColumnElement[bool]:
    """Open and past a deadline that has not been met, whether or not the scheduler has run yet."""
    return and_(
        W.state.in_(OPEN_STATES),
        or_(
            W.close_due_at < now,
            and_(W.first_contact_at.is_(None), W.contact_due_at < now),
            and_(W.visited_at.is_(None), W.visit_due_at < now),
        ),
    )


def search(
    session: Session, principal: Principal, f: Filters, offset: int, limit: int, now: datetime
) -> tuple[Sequence[EarlyWarning], int]:
    """Readable warnings matching the filters, newest first, and how many match in all."""
    conds: list[ColumnElement[bool]] = []
    if f.node_path:
        conds.append(within(W.node_path, f.node_path))
    for column, value in ((W.state, f.state), (W.level, f.level), (W.source, f.source),
                          (W.fraud_type, f.fraud_type), (W.outcome, f.outcome)):  # fmt: skip
        if value:
            conds.append(column == value)
    if f.since:
        conds.append(W.received_at >= f.since)
    if f.until:
        conds.append(W.received_at < f.until)
    if f.assignee_id is not None:
        conds.append(W.assignee_id == f.assignee_id)
    if f.overdue:
        conds.append(overdue_now(now))
    stmt = readable(principal).where(*conds)
    total = session.scalar(stmt.with_only_columns(func.count(), maintain_column_froms=True)) or 0
    rows = session.scalars(stmt.order_by(W.received_at.desc(), W.id.desc()).offset(offset).limit(limit))
    return rows.all(), total


def queue_query(principal: Principal) -> Select[EarlyWarning]:
    """Unclaimed routed warnings in the subtree, most urgent first (level, then closing deadline)."""
    return (
        readable(principal).where(W.state == State.ROUTED.value).order_by(W.level_rank, W.close_due_at, W.id)
    )


def manual_queue(session: Session, principal: Principal, limit: int) -> Sequence[EarlyWarning]:
    query = (
        readable(principal)
        .where(W.state == State.RECEIVED.value)
        .order_by(W.level_rank, W.received_at, W.id)
        .limit(limit)
    )
    return session.scalars(query).all()


def report_files(session: Session, warning_id: int) -> list[tuple[int, str, int]]:
    rows = session.execute(
        select(ReportFile.id, ReportFile.filename, ReportFile.size)
        .where(ReportFile.warning_id == warning_id)
        .order_by(ReportFile.id)
    )
    return [(i, name, size) for i, name, size in rows]


def report_file(session: Session, warning_id: int, file_id: int) -> ReportFile | None:
    return session.scalar(
        select(ReportFile).where(ReportFile.id == file_id, ReportFile.warning_id == warning_id)
    )

"""The SQL on the warning tables, read side and write side.

``readable`` is the one place the warnings' scope is written: every list, queue and detail a
principal reads starts from it (rows picked by id are tested
the same way in Python: ``readable_by_ids``, ``readable_warning``). The
writes below (intake's bulk insert, the workflow's conditional move, the escalation pass, the
outcome sequence) act for the whole city: the service checks who may ask before it calls them.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from fanzha.core.bulk import insert_new_rows
from fanzha.core.overdue import stamp_once
from fanzha.core.principal import Principal
from fanzha.core.scope import within
from fanzha.jurisdiction.models import Node
from fanzha.warnings.models import EarlyWarning, ReportFile, WarningAction
from fanzha.warnings.schemas import Filters
from fanzha.warnings.statemachine import OPEN_STATES, State

W = EarlyWarning
_CHUNK = 1000
_FEEDBACK_LOCK = 0x7761726E  # advisory lock key: outcome sequence numbers are handed out in commit order


def readable(principal: Principal) -> Select[EarlyWarning]:
    """The warnings ``principal`` may read: their subtree's."""
    return select(W).where(within(W.node_path, principal.scope_path))


# Built once: each warning batch reads its answers back with it.
_BY_IDS = select(W, Node).join(Node, Node.id == W.node_id).where(W.id.in_(bindparam("ids", expanding=True)))


def readable_by_ids(
    session: Session, principal: Principal, ids: Iterable[int]
) -> list[tuple[EarlyWarning, Node]]:
    """The warnings of these ids that ``principal`` may read, each with its node, in one query.
    Read by primary key, the scope then tested on each row (``Principal.sees``, the same test as
    ``within``): with the scope in the SQL, PostgreSQL without fresh statistics on a table filling
    up (autovacuum off or behind) ranged over the subtree's whole path index to find the ids, a
    cost that grew with the table."""
    rows = session.execute(_BY_IDS, {"ids": list(ids)})
    return [(w, node) for w, node in rows if principal.sees(w.node_path)]


def readable_warning(session: Session, principal: Principal, warning_id: int) -> EarlyWarning | None:
    w = session.scalars(select(W).where(W.id == warning_id)).first()
    return w if w is not None and principal.sees(w.node_path) else None


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


def held_queue(session: Session, principal: Principal, limit: int) -> Sequence[EarlyWarning]:
    """Citizens' reports held for review (举报审核), oldest first."""
    query = readable(principal).where(W.state == State.HELD.value).order_by(W.received_at, W.id).limit(limit)
    return session.scalars(query).all()


def held_count(session: Session, principal: Principal) -> int:
    query = readable(principal).where(W.state == State.HELD.value)
    return session.scalar(query.with_only_columns(func.count(), maintain_column_froms=True)) or 0


def by_source_id(session: Session, source: str, source_id: str) -> EarlyWarning | None:
    return session.scalar(select(W).where(W.source == source, W.source_id == source_id))


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


def insert_new(session: Session, rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Insert the rows whose (source, source_id) is new; their ids by that key."""
    keys, returning = ("source", "source_id"), ("id", "source", "source_id")
    created: dict[tuple[str, str], int] = {}
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        created.update(
            {(s, sid): int(wid) for wid, s, sid in insert_new_rows(session, W, chunk, keys, returning)}
        )
    return created


def existing_ids(session: Session, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    by_source: dict[str, list[str]] = {}
    for source, source_id in keys:
        by_source.setdefault(source, []).append(source_id)
    found: dict[tuple[str, str], int] = {}
    for source, ids in by_source.items():
        for start in range(0, len(ids), _CHUNK):
            query = select(W.id, W.source_id).where(
                W.source == source, W.source_id.in_(ids[start : start + _CHUNK])
            )
            found.update({(source, sid): wid for wid, sid in session.execute(query)})
    return found


def open_counts(session: Session, user_ids: Sequence[int]) -> dict[int, int]:
    """Open warnings held by each of these people (absent: none)."""
    rows = session.execute(
        select(W.assignee_id, func.count())
        .where(W.assignee_id.in_(user_ids), W.state.in_(OPEN_STATES))
        .group_by(W.assignee_id)
    )
    return {uid: n for uid, n in rows.all() if uid is not None}


def assign_routed(
    session: Session, warning_id: int, user_id: int, actor: str, note: str, now: datetime
) -> None:
    """Hand a still-unclaimed routed warning to one person (auto-assignment at intake)."""
    session.execute(
        update(W)
        .where(W.id == warning_id, W.state == State.ROUTED.value)
        .values(state=State.ASSIGNED.value, assignee_id=user_id, claimed_at=now, version=2)
    )
    session.add(
        WarningAction(warning_id=warning_id, kind="claim", result="auto", note=note, actor=actor, at=now)
    )


def move_if_unchanged(session: Session, w: EarlyWarning, target: State, values: dict[str, Any]) -> bool:
    """Move ``w`` to ``target`` only if nobody changed it since it was read (its version)."""
    done = session.execute(
        update(W)
        .where(W.id == w.id, W.version == w.version, W.state == w.state)
        .values(state=target.value, version=w.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return getattr(done, "rowcount", 0) == 1


def next_feedback_seq(session: Session) -> int:
    """The next outcome sequence number. On PostgreSQL a transaction-scoped advisory lock makes
    numbers follow commit order, so a poller reading ``seq > cursor`` never skips one."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _FEEDBACK_LOCK})
    return int(session.scalar(select(func.coalesce(func.max(W.feedback_seq), 0))) or 0) + 1


def _steps(now: datetime) -> list[tuple[str, InstrumentedAttribute[datetime | None], ColumnElement[bool]]]:
    return [
        ("contact", W.contact_overdue_at, and_(W.first_contact_at.is_(None), W.contact_due_at < now)),
        ("visit", W.visit_overdue_at, and_(W.visited_at.is_(None), W.visit_due_at < now)),
        ("close", W.close_overdue_at, W.close_due_at < now),
    ]


def flag_overdue(session: Session, now: datetime, limit: int | None) -> dict[str, list[int]]:
    """Stamp each step's overdue column on the open warnings past it and not yet flagged, at most
    ``limit`` per step; the ids flagged now, per step (contact, visit, close)."""
    is_open = W.state.in_(OPEN_STATES)
    return {
        step: [i for i, _ in stamp_once(session, W, column, [is_open, due], now, limit)]
        for step, column, due in _steps(now)
    }


def mark_escalated(session: Session, now: datetime, limit: int | None) -> list[tuple[int, str]]:
    """Stamp the open, flagged warnings not yet escalated, at most ``limit``; (id, node path) of each."""
    flagged = or_(
        W.contact_overdue_at.is_not(None), W.visit_overdue_at.is_not(None), W.close_overdue_at.is_not(None)
    )
    return stamp_once(session, W, W.escalated_at, [W.state.in_(OPEN_STATES), flagged], now, limit)


def set_escalated_unit(session: Session, warning_ids: Sequence[int], unit_id: int | None) -> None:
    session.execute(update(W).where(W.id.in_(warning_ids)).values(escalated_unit_id=unit_id))


def add_actions(session: Session, actions: list[dict[str, Any]]) -> None:
    if actions:
        session.execute(insert(WarningAction), actions)

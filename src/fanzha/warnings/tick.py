"""One scheduler pass: mark overdue steps and escalate each overdue warning to the parent unit once.

Everything is a conditional, set-based UPDATE (``… WHERE contact_overdue_at IS NULL``), so the
pass is idempotent and several server processes may run it at the same time.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, insert, or_, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from fanzha.audit import service as audit
from fanzha.core.principal import system_principal
from fanzha.jurisdiction.service import working_units
from fanzha.warnings.deadlines import STEP_LABELS
from fanzha.warnings.models import EarlyWarning, WarningAction
from fanzha.warnings.statemachine import OPEN_STATES

SCHEDULER = system_principal(name="warnings-scheduler")
W = EarlyWarning


@dataclass(frozen=True)
class TickReport:
    overdue: dict[str, int]
    escalated: int


def _steps(now: datetime) -> list[tuple[str, InstrumentedAttribute[datetime | None], ColumnElement[bool]]]:
    return [
        ("contact", W.contact_overdue_at, and_(W.first_contact_at.is_(None), W.contact_due_at < now)),
        ("visit", W.visit_overdue_at, and_(W.visited_at.is_(None), W.visit_due_at < now)),
        ("close", W.close_overdue_at, W.close_due_at < now),
    ]


def _parent(path: str) -> str:
    parts = path.strip("/").split("/")
    return "/" + "/".join(parts[:-1]) + "/" if len(parts) > 1 else path


def _action(warning_id: int, kind: str, result: str, note: str, now: datetime) -> dict[str, Any]:
    return {
        "warning_id": warning_id,
        "kind": kind,
        "result": result,
        "note": note,
        "actor": SCHEDULER.actor,
        "at": now,
    }


def tick(session: Session, now: datetime) -> TickReport:
    is_open = W.state.in_(OPEN_STATES)
    actions: list[dict[str, Any]] = []
    overdue: dict[str, int] = {}
    for step, column, due in _steps(now):
        ids = session.scalars(
            update(W).where(is_open, column.is_(None), due).values({column: now}).returning(W.id)
        ).all()
        overdue[step] = len(ids)
        actions += [_action(i, "overdue", step, STEP_LABELS[step] + "超时", now) for i in ids]
    any_overdue = or_(
        W.contact_overdue_at.is_not(None), W.visit_overdue_at.is_not(None), W.close_overdue_at.is_not(None)
    )
    escalated = session.execute(
        update(W)
        .where(is_open, W.escalated_at.is_(None), any_overdue)
        .values(escalated_at=now)
        .returning(W.id, W.node_path)
    ).all()
    tree = working_units(session) if escalated else None
    by_unit: dict[int | None, list[int]] = {}
    for wid, path in escalated:
        assert tree is not None
        by_unit.setdefault(tree.unit_for(_parent(path)), []).append(wid)
    for unit_id, ids in by_unit.items():
        session.execute(update(W).where(W.id.in_(ids)).values(escalated_unit_id=unit_id))
        actions += [_action(i, "escalate", str(unit_id or ""), "超时升级至上级单位", now) for i in ids]
    if actions:
        session.execute(insert(WarningAction), actions)
    audit.record_placed(
        session, SCHEDULER.actor, "warnings.escalate", "warning",
        [(wid, None, {"escalated_at": now, "node_path": path}, path) for wid, path in escalated],
    )  # fmt: skip
    return TickReport(overdue, len(escalated))

"""One scheduler pass: mark overdue steps and escalate each overdue warning to the parent unit once.

Everything is a conditional, set-based UPDATE (``… WHERE contact_overdue_at IS NULL``, in
``repository``), so the pass is idempotent and several server processes may run it at the same time.
A call does one batch of at most ``limit`` warnings per step (``core.scheduler``).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core.overdue import by_parent_unit
from fanzha.core.principal import system_principal
from fanzha.core.scheduler import BATCH_ROWS
from fanzha.jurisdiction.service import working_units
from fanzha.warnings import repository
from fanzha.warnings.deadlines import STEP_LABELS

SCHEDULER = system_principal(name="warnings-scheduler")


@dataclass(frozen=True)
class TickReport:
    overdue: dict[str, int]
    escalated: int
    more: bool = False


def _action(warning_id: int, kind: str, result: str, note: str, now: datetime) -> dict[str, Any]:
    return {
        "warning_id": warning_id,
        "kind": kind,
        "result": result,
        "note": note,
        "actor": SCHEDULER.actor,
        "at": now,
    }


def tick(session: Session, now: datetime, limit: int | None = BATCH_ROWS) -> TickReport:
    """One batch; ``more`` when a step stamped ``limit`` warnings (None: every warning due)."""
    flagged = repository.flag_overdue(session, now, limit)
    actions = [
        _action(i, "overdue", step, STEP_LABELS[step] + "超时", now)
        for step, ids in flagged.items()
        for i in ids
    ]
    escalated = repository.mark_escalated(session, now, limit)
    by_unit = by_parent_unit(escalated, working_units(session).unit_for) if escalated else {}
    for unit_id, ids in by_unit.items():
        repository.set_escalated_unit(session, ids, unit_id)
        actions += [_action(i, "escalate", str(unit_id or ""), "超时升级至上级单位", now) for i in ids]
    repository.add_actions(session, actions)
    audit.record_placed(
        session, SCHEDULER.actor, "warnings.escalate", "warning",
        [(wid, None, {"escalated_at": now, "node_path": path}, path) for wid, path in escalated],
    )  # fmt: skip
    counts = {step: len(ids) for step, ids in flagged.items()}
    full = limit is not None and limit in (*counts.values(), len(escalated))
    return TickReport(counts, len(escalated), full)

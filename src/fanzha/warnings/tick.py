"""One scheduler pass: mark overdue steps and escalate each overdue warning to the parent unit once.

Everything is a conditional, set-based UPDATE (``… WHERE contact_overdue_at IS NULL``, in
``repository``), so the pass is idempotent and several server processes may run it at the same time.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core.principal import system_principal
from fanzha.jurisdiction.service import working_units
from fanzha.warnings import repository
from fanzha.warnings.deadlines import STEP_LABELS

SCHEDULER = system_principal(name="warnings-scheduler")


@dataclass(frozen=True)
class TickReport:
    overdue: dict[str, int]
    escalated: int


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
    flagged = repository.flag_overdue(session, now)
    actions = [
        _action(i, "overdue", step, STEP_LABELS[step] + "超时", now)
        for step, ids in flagged.items()
        for i in ids
    ]
    escalated = repository.mark_escalated(session, now)
    tree = working_units(session) if escalated else None
    by_unit: dict[int | None, list[int]] = {}
    for wid, path in escalated:
        assert tree is not None
        by_unit.setdefault(tree.unit_for(_parent(path)), []).append(wid)
    for unit_id, ids in by_unit.items():
        repository.set_escalated_unit(session, ids, unit_id)
        actions += [_action(i, "escalate", str(unit_id or ""), "超时升级至上级单位", now) for i in ids]
    repository.add_actions(session, actions)
    audit.record_placed(
        session, SCHEDULER.actor, "warnings.escalate", "warning",
        [(wid, None, {"escalated_at": now, "node_path": path}, path) for wid, path in escalated],
    )  # fmt: skip
    return TickReport({step: len(ids) for step, ids in flagged.items()}, len(escalated))

"""One scheduler pass over clues: mark the ones past their verification deadline, and escalate
each overdue clue to the unit above once (the warnings' pattern, ``core.overdue``), in batches
of at most ``limit`` clues per step (``core.scheduler``)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.clues.models import Clue, ClueAction, ClueState
from fanzha.core.overdue import by_parent_unit, stamp_once
from fanzha.core.principal import system_principal
from fanzha.core.scheduler import BATCH_ROWS
from fanzha.jurisdiction.service import working_units

SCHEDULER = system_principal(name="clues-scheduler")


@dataclass(frozen=True)
class ClueTick:
    overdue: int
    escalated: int
    more: bool = False


def tick(session: Session, now: datetime, limit: int | None = BATCH_ROWS) -> ClueTick:
    """One batch; ``more`` when a step stamped ``limit`` clues (None: every clue due, in one go)."""
    is_open = Clue.state != ClueState.CLOSED.value
    late = stamp_once(session, Clue, Clue.overdue_at, [is_open, Clue.due_at < now], now, limit)
    escalated = stamp_once(
        session, Clue, Clue.escalated_at, [is_open, Clue.overdue_at.is_not(None)], now, limit
    )
    steps = [
        {"clue_id": i, "kind": "overdue", "note": "核查超时", "actor": SCHEDULER.actor, "at": now}
        for i, _ in late
    ]
    if escalated:
        for unit_id, ids in by_parent_unit(escalated, working_units(session).unit_for).items():
            session.execute(update(Clue).where(Clue.id.in_(ids)).values(escalated_unit_id=unit_id))
            steps += [
                {
                    "clue_id": i,
                    "kind": "escalate",
                    "note": "超时升级至上级单位",
                    "actor": SCHEDULER.actor,
                    "at": now,
                }
                for i in ids
            ]
    if steps:
        session.execute(insert(ClueAction), steps)
    audit.record_many(
        session, SCHEDULER.actor, "clue.escalate", "clue",
        [(cid, None, {"escalated_at": now, "node_path": path}) for cid, path in escalated],
    )  # fmt: skip
    full = limit is not None and limit in (len(late), len(escalated))
    return ClueTick(len(late), len(escalated), full)

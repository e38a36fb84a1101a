"""One scheduler pass over clues: mark the ones past their verification deadline, and escalate
each overdue clue to the unit above once (the warnings' pattern, ``core.overdue``)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.clues.models import Clue, ClueAction, ClueState
from fanzha.core.overdue import by_parent_unit, stamp_once
from fanzha.core.principal import system_principal
from fanzha.jurisdiction.service import working_units

SCHEDULER = system_principal(name="clues-scheduler")


@dataclass(frozen=True)
class ClueTick:
    overdue: int
    escalated: int


def tick(session: Session, now: datetime) -> ClueTick:
    is_open = Clue.state != ClueState.CLOSED.value
    late = stamp_once(session, Clue, Clue.overdue_at, [is_open, Clue.due_at < now], now)
    escalated = stamp_once(session, Clue, Clue.escalated_at, [is_open, Clue.overdue_at.is_not(None)], now)
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
    return ClueTick(len(late), len(escalated))

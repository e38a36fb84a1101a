"""How a warning reads on a page and in the API: each deadline met, missed or pending, what is
flagged, and each timeline step in words with the actor by name and unit (never a raw code)."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.core.masking import mask_route_reason
from fanzha.core.timeutil import as_utc
from fanzha.jurisdiction import service as tree
from fanzha.warnings.deadlines import STEP_LABELS
from fanzha.warnings.models import EarlyWarning, Outcome, WarningAction
from fanzha.warnings.schemas import ActionOut, StepOut
from fanzha.warnings.statemachine import State

ACTION_LABELS = {
    "call": "电话",
    "sms": "短信",
    "visit": "上门",
    "note": "备注",
    "route": "分流",
    "claim": "认领",
    "release": "退回队列",
    "close": "办结",
    "reopen": "重新打开",
    "escalate": "超时升级",
    "overdue": "超时",
    "intake": "接收",
    "hold": "举报审核",
    "verdict": "自动研判",
    "admit": "审核放行",
    "dismiss": "标记无效",
}
CLOSED_WITHOUT_VISIT = "未上门即办结（该等级要求上门见面）"


def _late(done: datetime | None, due: datetime, flagged: datetime | None) -> bool:
    """Missed: the scheduler flagged it, or it was done after its deadline."""
    return flagged is not None or (done is not None and as_utc(done) > as_utc(due))


def steps(w: EarlyWarning) -> list[StepOut]:
    """First contact, visit (where the level requires one) and closing: due, done, late."""
    rows: list[tuple[str, datetime | None, datetime | None, datetime | None]] = [
        ("contact", w.contact_due_at, w.first_contact_at, w.contact_overdue_at),
        ("visit", w.visit_due_at, w.visited_at, w.visit_overdue_at),
        ("close", w.close_due_at, w.closed_at, w.close_overdue_at),
    ]
    return [
        StepOut(step=step, label=STEP_LABELS[step], due_at=due, done_at=done, late=_late(done, due, flagged))
        for step, due, done, flagged in rows
        if due is not None
    ]


def flags(w: EarlyWarning) -> list[str]:
    """What an officer must not miss about how the warning was handled."""
    if (
        w.state == State.CLOSED
        and w.outcome != Outcome.FALSE_ALARM
        and w.visit_due_at is not None
        and w.visited_at is None
    ):
        return [CLOSED_WITHOUT_VISIT]
    return []


def _result_label(session: Session, a: WarningAction) -> str:
    if a.kind == "overdue":
        return STEP_LABELS.get(a.result, a.result)
    if a.kind == "escalate":
        unit = tree.unit_by_id(session, int(a.result)) if a.result.isdigit() else None
        return f"至 {unit.name}" if unit is not None else "至上级单位"
    if a.kind in ("close", "dismiss") and a.result in {o.value for o in Outcome}:
        return Outcome(a.result).label
    if a.kind == "route" and a.result:
        node = tree.node_by_code(session, a.result)
        return f"至 {node.name}" if node is not None else a.result
    if a.kind == "claim" and a.result == "auto":
        return "自动分派"
    return a.result


def timeline(session: Session, actions: Sequence[WarningAction], revealed: bool = False) -> list[ActionOut]:
    """The steps in words. A routing step's note is the routing reason, which quotes the address or
    the phone prefix it matched: masked as ``route_reason`` is, unless the warning was revealed."""
    names = accounts.describe_actors(session, [a.actor for a in actions])
    return [
        ActionOut(
            kind=a.kind,
            kind_label=ACTION_LABELS.get(a.kind, a.kind),
            result=a.result,
            result_label=_result_label(session, a),
            note=a.note if revealed or a.kind != "route" else mask_route_reason(a.note),
            actor=a.actor,
            actor_name=names[a.actor].label,
            at=a.at,
        )
        for a in actions
    ]

"""The dissuasion workflow: claim, record actions, close with an outcome, reopen, re-route.

Every move goes through ``statemachine.next_state`` and is written with a conditional
UPDATE on the row's version, so two people racing for the same warning cannot both win.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.cases.identifiers import normalise
from fanzha.cases.schemas import CaseIn, SuspectIdentifier
from fanzha.cases.service import register_case
from fanzha.core.errors import Conflict, Forbidden, NotFound
from fanzha.core.indexing import ForIndex
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import utcnow
from fanzha.core.vocab import FraudType, TechniqueTag, VictimGroup
from fanzha.jurisdiction import service as jurisdiction
from fanzha.jurisdiction.models import Node
from fanzha.jurisdiction.service import working_units
from fanzha.verification import service as verification
from fanzha.warnings import repository
from fanzha.warnings.deadlines import Norms
from fanzha.warnings.models import EarlyWarning, Outcome, ReportFile, Source, WarningAction
from fanzha.warnings.routing import gazetteer
from fanzha.warnings.schemas import ActionIn, CloseIn, DismissIn, ReopenIn, RouteIn
from fanzha.warnings.statemachine import Move, State, next_state

CONFIRMED = (Outcome.DEFRAUDED.value, Outcome.DISSUADED.value)
CONTACT_KINDS = ("sms", "call", "visit")


@dataclass(frozen=True)
class Contact:
    """A recorded action and, for a call, SMS or visit, the code the resident can verify it by."""

    warning: EarlyWarning
    code: verification.Issued | None

    @property
    def sms_text(self) -> str | None:
        if self.code is None:
            return None
        return verification.sms_text(self.code, self.warning.level, self.warning.fraud_type)


def get_warning(session: Session, warning_id: int, principal: Principal) -> EarlyWarning:
    """The warning, if the principal's subtree holds it (404 otherwise, so existence does not leak)."""
    w = repository.readable_warning(session, principal, warning_id)
    if w is None:
        raise NotFound("预警不存在或不在您的管辖范围内")
    return w


def store_report_files(session: Session, warning_id: int, files: Sequence[tuple[str, str, bytes]]) -> None:
    """Keep a citizen's evidence (file name, content type, bytes) with the warning the report became."""
    warning = session.get_one(EarlyWarning, warning_id)
    rows = [
        ReportFile(
            warning_id=warning.id,
            filename=name,
            content_type=kind,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )
        for name, kind, data in files
    ]
    session.add_all(rows)
    session.flush()
    audit.record_many(
        session,
        "system:0:public-report",
        "web.report_file.store",
        "report_file",
        [(r.id, None, {"warning_id": warning.id, "filename": r.filename, "sha256": r.sha256}) for r in rows],
        warning.node_path,
    )


def report_files(session: Session, warning: EarlyWarning) -> list[tuple[int, str, int]]:
    """(id, file name, size) of the evidence uploaded with a warning already read through the scope."""
    return repository.report_files(session, warning.id)


def report_file(session: Session, warning_id: int, file_id: int, principal: Principal) -> ReportFile:
    """One evidence file, to whoever may read the warning it belongs to (404 otherwise)."""
    get_warning(session, warning_id, principal)
    row = repository.report_file(session, warning_id, file_id)
    if row is None:
        raise NotFound("文件不存在")
    return row


def _apply(
    session: Session,
    w: EarlyWarning,
    move: Move,
    principal: Principal,
    values: dict[str, Any],
    note: str = "",
    result: str = "",
    kind: str | None = None,
) -> EarlyWarning:
    """Move ``w`` if the table allows it and nobody changed it meanwhile; record and audit it."""
    before = {"state": w.state, "assignee_id": w.assignee_id, "node_path": w.node_path}
    target = next_state(w.state, move)
    if not repository.move_if_unchanged(session, w, target, values):
        session.refresh(w)
        raise Conflict(f"预警已被他人处理（当前状态：{State(w.state).label}），请刷新后重试")
    session.add(
        WarningAction(
            warning_id=w.id,
            kind=kind or move.value,
            result=result,
            note=note,
            actor=principal.actor,
            at=utcnow(),
        )
    )
    session.flush()
    session.refresh(w)
    after = {
        "state": w.state,
        "assignee_id": w.assignee_id,
        "node_path": w.node_path,
        **({"result": result} if result else {}),
    }
    audit.record(
        session, principal.actor, f"warnings.{move.value}", "warning", w.id, before, after, w.node_path
    )
    return w


def _require_holder(w: EarlyWarning, principal: Principal) -> None:
    if w.assignee_id != principal.id and not principal.can(Perm.WARNINGS_ROUTE):
        raise Forbidden("只有认领人（或研判员、指挥长）可以处置该预警")


def claim(session: Session, warning_id: int, principal: Principal) -> EarlyWarning:
    principal.require(Perm.WARNINGS_WORK)
    w = get_warning(session, warning_id, principal)
    if principal.kind != "user":
        raise Forbidden("只有用户可以认领预警")
    return _apply(session, w, Move.CLAIM, principal, {"assignee_id": principal.id, "claimed_at": utcnow()})


def claim_next(session: Session, principal: Principal, tries: int = 20) -> EarlyWarning | None:
    """Claim the most urgent unclaimed warning in the principal's subtree.

    PostgreSQL skips rows other claimers have locked (``FOR UPDATE SKIP LOCKED``), so concurrent
    claimers spread over the queue instead of queueing on its head; elsewhere (SQLite serialises
    writers) a candidate someone just took is skipped on the conditional update's conflict.
    """
    principal.require(Perm.WARNINGS_WORK)
    if session.get_bind().dialect.name == "postgresql":
        query = repository.queue_query(principal).limit(1).with_for_update(skip_locked=True, of=EarlyWarning)
        head = session.scalars(query).first()
        return None if head is None else claim(session, head.id, principal)
    for w in queue(session, principal, limit=tries):
        try:
            with session.begin_nested():
                return claim(session, w.id, principal)
        except Conflict:
            continue
    return None


def queue(session: Session, principal: Principal, limit: int = 50) -> Sequence[EarlyWarning]:
    """Unclaimed routed warnings in the subtree, most urgent first (level, then closing deadline)."""
    return session.scalars(repository.queue_query(principal).limit(limit)).all()


def manual_queue(session: Session, principal: Principal, limit: int = 50) -> Sequence[EarlyWarning]:
    """Warnings routing could not place: the centre's manual-routing queue."""
    return repository.manual_queue(session, principal, limit)


def held_reports(session: Session, principal: Principal, limit: int = 50) -> Sequence[EarlyWarning]:
    """Citizens' reports with nothing to act on, held at the centre for review (举报审核)."""
    return repository.held_queue(session, principal, limit)


def held_count(session: Session, principal: Principal) -> int:
    return repository.held_count(session, principal)


def citizen_report_state(session: Session, receipt: str) -> State | None:
    """Where a citizen's report stands, by its receipt number: the state only, nothing personal."""
    w = repository.by_source_id(session, Source.CITIZEN.value, receipt)
    return None if w is None else State(w.state)


def note_on(session: Session, warning_id: int, kind: str, result: str, note: str, actor: str) -> None:
    """A line on a warning's timeline written by the system (the detector's verdict, a hold's reason)."""
    session.add(
        WarningAction(
            warning_id=warning_id, kind=kind, result=result[:40], note=note, actor=actor, at=utcnow()
        )
    )
    session.flush()


def release(session: Session, warning_id: int, principal: Principal) -> EarlyWarning:
    w = get_warning(session, warning_id, principal)
    _require_holder(w, principal)
    return _apply(session, w, Move.RELEASE, principal, {"assignee_id": None, "claimed_at": None})


def record_contact(session: Session, warning_id: int, data: ActionIn, principal: Principal) -> Contact:
    """An SMS, call attempt, visit or note by the holder; the first contact and visit are timestamped.
    A call, SMS or visit gets a verification code the officer reads out or the SMS carries."""
    principal.require(Perm.WARNINGS_WORK)
    w = get_warning(session, warning_id, principal)
    _require_holder(w, principal)
    now = utcnow()
    values: dict[str, Any] = {}
    if data.kind in CONTACT_KINDS and w.first_contact_at is None:
        values["first_contact_at"] = now
    if data.kind == "visit" and w.visited_at is None:
        values["visited_at"] = now
    w = _apply(session, w, Move.ACT, principal, values, data.note, data.result, kind=data.kind)
    if data.kind not in CONTACT_KINDS:
        return Contact(w, None)
    return Contact(w, verification.issue(session, w.id, w.node_path, data.kind, principal))


def record_action(session: Session, warning_id: int, data: ActionIn, principal: Principal) -> EarlyWarning:
    return record_contact(session, warning_id, data, principal).warning


def _identifiers(evidence: list[dict[str, str]]) -> list[SuspectIdentifier]:
    """The evidence a case can carry; an item stored before input was checked as it is now
    (an address that does not parse) stays on the warning only, instead of failing the close."""
    found = []
    for e in evidence:
        try:
            found.append(SuspectIdentifier(kind=e["kind"], value=e["value"]))
        except ValidationError:
            continue
    return found


def _case_from(session: Session, w: EarlyWarning, data: CloseIn) -> CaseIn:
    node = session.get(Node, w.node_id)
    assert node is not None
    return CaseIn(
        occurred_at=w.issued_at,
        node_code=node.code,
        fraud_type=FraudType(w.fraud_type),
        tags=[TechniqueTag(t) for t in w.tags],
        loss_amount=data.loss_amount,
        victim_name=w.victim_name,
        victim_phone=w.victim_phone,
        victim_id_number=w.victim_id_number,
        victim_age=w.victim_age,
        victim_group=VictimGroup(w.victim_group) if w.victim_group else None,
        suspect_identifiers=_identifiers(w.evidence),
        summary=(data.note or w.text)[:5000],
        warning_id=w.id,
    )


def close(session: Session, warning_id: int, data: CloseIn, principal: Principal) -> EarlyWarning:
    """Close with an outcome; "already defrauded" opens a case pre-filled from the warning."""
    principal.require(Perm.WARNINGS_WORK)
    w = get_warning(session, warning_id, principal)
    _require_holder(w, principal)
    next_state(w.state, Move.CLOSE)  # refuse before creating a case
    values: dict[str, Any] = {
        "outcome": data.outcome.value,
        "outcome_note": data.note,
        "closed_at": utcnow(),
        "feedback_seq": repository.next_feedback_seq(session),
    }
    if data.outcome == Outcome.DEFRAUDED and w.case_id is None:
        principal.require(Perm.CASES_WRITE)
        values["case_id"] = register_case(session, _case_from(session, w, data), principal).id
    return _apply(session, w, Move.CLOSE, principal, values, data.note, data.outcome.value)


def reopen(session: Session, warning_id: int, data: ReopenIn, principal: Principal) -> EarlyWarning:
    """Back to the unit's queue with fresh deadlines (a new round of dissuasion)."""
    principal.require(Perm.WARNINGS_WORK)
    w = get_warning(session, warning_id, principal)
    now = utcnow()
    contact, visit, close_due = Norms(session).for_path(w.node_path, w.level).due(now)
    values = {
        "assignee_id": None, "claimed_at": None, "outcome": None, "closed_at": None,
        "contact_due_at": contact, "visit_due_at": visit, "close_due_at": close_due,
        "first_contact_at": None, "visited_at": None, "contact_overdue_at": None,
        "visit_overdue_at": None, "close_overdue_at": None, "escalated_at": None, "escalated_unit_id": None,
    }  # fmt: skip
    return _apply(session, w, Move.REOPEN, principal, values, data.reason)


def reroute(session: Session, warning_id: int, data: RouteIn, principal: Principal) -> EarlyWarning:
    """An analyst places the warning in another node; the reason is kept on the row and the timeline."""
    principal.require(Perm.WARNINGS_ROUTE)
    w = get_warning(session, warning_id, principal)
    node = jurisdiction.node_in_scope(session, data.node_code, principal.scope_path)
    values = {
        "node_id": node.id,
        "node_path": node.path,
        "unit_id": working_units(session, [node.path]).unit_for(node.path),
        "route_reason": f"人工分流至 {node.name}：{data.reason}",
        "routed_at": utcnow(),
        "assignee_id": None,
        "claimed_at": None,
    }
    return _apply(session, w, Move.ROUTE, principal, values, data.reason, node.code)


def dismiss(session: Session, warning_id: int, data: DismissIn, principal: Principal) -> EarlyWarning:
    """An invalid or duplicate warning closed as 无效预警 in one step, with the reason; from any
    open state the table allows, by its holder or an analyst (a held report: an analyst only)."""
    principal.require(Perm.WARNINGS_WORK)
    w = get_warning(session, warning_id, principal)
    if w.state == State.HELD or w.assignee_id is None:
        principal.require(Perm.WARNINGS_ROUTE)
    _require_holder(w, principal)
    values = {
        "outcome": Outcome.FALSE_ALARM.value,
        "outcome_note": data.reason,
        "closed_at": utcnow(),
        "feedback_seq": repository.next_feedback_seq(session),
    }
    next_state(w.state, Move.DISMISS)  # refuse before taking a feedback number
    return _apply(session, w, Move.DISMISS, principal, values, data.reason, Outcome.FALSE_ALARM.value)


def admit(session: Session, warning_id: int, principal: Principal) -> EarlyWarning:
    """A held citizen's report released from review (举报审核): its deadlines start now, and the
    gazetteer places it like any new warning, or it waits in the centre's manual-routing queue."""
    principal.require(Perm.WARNINGS_ROUTE)
    w = get_warning(session, warning_id, principal)
    now = utcnow()
    route = gazetteer(session).route(w.victim_address, w.victim_phone)
    path = route.path or w.node_path
    contact, visit, close_due = Norms(session).for_path(path, w.level).due(now)
    values = {
        "contact_due_at": contact, "visit_due_at": visit, "close_due_at": close_due,
        "route_reason": route.reason,
    }  # fmt: skip
    w = _apply(session, w, Move.ADMIT, principal, values)
    node = session.get(Node, route.node_id) if route.node_id is not None else None
    if node is None:
        return w
    placed = {"node_id": node.id, "node_path": node.path, "routed_at": now}
    placed["unit_id"] = working_units(session, [node.path]).unit_for(node.path)
    return _apply(session, w, Move.ROUTE, principal, placed, route.reason, node.code)


def timeline(session: Session, w: EarlyWarning) -> Sequence[WarningAction]:
    return session.scalars(
        select(WarningAction)
        .where(WarningAction.warning_id == w.id)
        .order_by(WarningAction.at, WarningAction.id)
    ).all()


def confirmed_identifiers(session: Session) -> list[tuple[str, str, str]]:
    """(kind, normalised value, label) of counterpart evidence on warnings closed as defrauded or
    dissuaded — confirmed fraud contacts — for the detection capability's reputation list."""
    rows = session.execute(
        select(EarlyWarning.evidence, EarlyWarning.outcome, EarlyWarning.fraud_type).where(
            EarlyWarning.outcome.in_(CONFIRMED)
        )
    )
    seen: dict[tuple[str, str], str] = {}
    for evidence, outcome, fraud_type in rows:
        for e in evidence:
            key = (e["kind"], normalise(e["kind"], e["value"]))
            seen.setdefault(key, f"预警确认（{Outcome(outcome).label}，{FraudType(fraud_type).label}）")
    return [(k, v, label) for (k, v), label in seen.items()]


def warnings_for_index(session: Session, after_id: int, limit: int) -> list[ForIndex]:
    """The next ``limit`` warnings after ``after_id`` (id order) for the series index, unscoped
    (the index is the system's): the counterpart evidence each names, as written. Only the columns
    the index uses are read: whole rows (the text, the victim's details) cost the scheduler's pass
    more than indexing them, at 500 warnings a second beside the intake."""
    W = EarlyWarning
    rows = session.execute(
        select(W.id, W.source_id, W.node_path, W.issued_at, W.amount_at_risk, W.evidence, W.case_id)
        .where(W.id > after_id)
        .order_by(W.id)
        .limit(limit)
    )
    return [
        ForIndex(
            id=wid,
            label=f"预警 {source_id}"[:120],
            node_path=node_path,
            occurred_at=issued_at,
            amount=amount,
            identifiers=tuple((e["kind"], e["value"]) for e in evidence),
            case_id=case_id,
        )
        for wid, source_id, node_path, issued_at, amount, evidence, case_id in rows
    ]


def locate(session: Session, address: str | None, phone: str | None) -> tuple[str | None, str]:
    """(node path, why) for an address or a phone number by the warnings' gazetteer; no path when
    neither matches. Other capabilities route their items to the same grids as warnings."""
    route = gazetteer(session).route(address, phone)
    return route.path, route.reason

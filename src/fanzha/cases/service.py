"""Registering cases and moving them through their status; the reputation list from them."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.audit.pii import IDENTIFIER_PII, PiiKind, present
from fanzha.cases import repository as repo
from fanzha.cases.identifiers import normalise
from fanzha.cases.models import STATUS_MOVES, Case, CaseIdentifier, CaseStatus
from fanzha.cases.schemas import (
    CaseBrief,
    CaseForIndex,
    CaseIn,
    CaseOut,
    CaseQuery,
    CaseStatusIn,
    IdentifierOut,
)
from fanzha.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.timeutil import to_local, utcnow
from fanzha.core.vocab import FraudType
from fanzha.jurisdiction import service as tree
from fanzha.jurisdiction.models import Node


def _case_no(data: CaseIn) -> str:
    """Readable by date, unique without a second write (no serial counter to contend on)."""
    return f"AJ{to_local(data.occurred_at):%Y%m%d}{uuid.uuid4().hex[:8].upper()}"


def _row(data: CaseIn, node: Node, actor: Principal) -> dict[str, Any]:
    return {
        "case_no": _case_no(data),
        "occurred_at": data.occurred_at,
        "node_id": node.id,
        "node_path": node.path,
        "fraud_type": data.fraud_type.value,
        "tags": [t.value for t in data.tags],
        "loss_amount": data.loss_amount,
        "victim_name": data.victim_name,
        "victim_phone": data.victim_phone,
        "victim_id_number": data.victim_id_number,
        "victim_age": data.victim_age,
        "victim_group": None if data.victim_group is None else data.victim_group.value,
        "summary": data.summary,
        "status": CaseStatus.REGISTERED.value,
        "warning_id": data.warning_id,
        "created_at": utcnow(),
        "created_by": actor.actor,
    }


def _identifier_rows(data: CaseIn) -> list[dict[str, Any]]:
    seen: set[tuple[str, str]] = set()
    rows = []
    for ident in data.suspect_identifiers:
        key = (ident.kind, normalise(ident.kind, ident.value))
        if key[1] and key not in seen:
            seen.add(key)
            rows.append({"kind": key[0], "value": key[1], "raw": ident.value.strip()})
    return rows


def _audit_view(row: dict[str, Any], case_id: int, node_code: str) -> dict[str, Any]:
    """What the audit trail keeps of a new case: no victim's personal data."""
    keys = ("case_no", "fraud_type", "loss_amount", "status", "warning_id")
    return {"id": case_id, "node_code": node_code, **{k: row[k] for k in keys}}


def _nodes_for(session: Session, items: Sequence[CaseIn], actor: Principal) -> dict[str, Node]:
    nodes = tree.nodes_by_codes(session, sorted({i.node_code for i in items}))
    errors = []
    for index, item in enumerate(items):
        node = nodes.get(item.node_code)
        if node is None or not actor.sees(node.path):
            prefix = f"第{index + 1}条." if len(items) > 1 else ""
            errors.append(
                FieldError(f"{prefix}node_code", f"辖区节点 {item.node_code} 不存在或不在您的管辖范围内")
            )
    if errors:
        raise ValidationFailed(errors[0].field + "：" + errors[0].message, errors)
    return nodes


def register_case(session: Session, data: CaseIn, actor: Principal) -> Case:
    """Register one case (from a warning or directly); flushes and audits."""
    node = _nodes_for(session, [data], actor)[data.node_code]
    row = _row(data, node, actor)
    case = Case(**row)
    case.identifiers = [CaseIdentifier(**r) for r in _identifier_rows(data)]
    session.add(case)
    session.flush()
    after = _audit_view(row, case.id, node.code)
    audit.record(session, actor.actor, "case.register", "case", case.id, None, after, case.node_path)
    return case


def register_cases_bulk(session: Session, items: Sequence[CaseIn], actor: Principal) -> list[int]:
    """Many cases in a few statements (demo, imports, benchmarks); one audit batch. Returns ids in order."""
    if not items:
        return []
    nodes = _nodes_for(session, items, actor)
    rows = [_row(item, nodes[item.node_code], actor) for item in items]
    ids = list(session.scalars(insert(Case).returning(Case.id, sort_by_parameter_order=True), rows))
    ident_rows = [
        {"case_id": case_id, **r}
        for case_id, item in zip(ids, items, strict=True)
        for r in _identifier_rows(item)
    ]
    if ident_rows:
        session.execute(insert(CaseIdentifier), ident_rows)
    changes = [
        (case_id, None, _audit_view(row, case_id, item.node_code), row["node_path"])
        for case_id, row, item in zip(ids, rows, items, strict=True)
    ]
    audit.record_placed(session, actor.actor, "case.register", "case", changes)
    return ids


def get_case(session: Session, case_id: int, actor: Principal) -> Case:
    """A case in the actor's subtree; outside it the case 'does not exist' (404)."""
    case = repo.readable_case(session, actor, case_id)
    if case is None:
        raise NotFound("案件不存在或不在您的管辖范围内")
    return case


def case_rows(
    session: Session, actor: Principal, query: CaseQuery, offset: int, limit: int
) -> tuple[Sequence[Case], int]:
    """A page of the cases the actor may read that match ``query`` (``node_code`` must be inside
    the actor's subtree, else 404), newest first, and how many match in all."""
    path = tree.node_in_scope(session, query.node_code, actor.scope_path).path if query.node_code else None
    return repo.list_cases(session, actor, query, path, offset, limit)


def list_cases(
    session: Session, actor: Principal, query: CaseQuery, offset: int, limit: int
) -> tuple[list[CaseOut], int]:
    """As ``case_rows``, shown (victim data masked)."""
    rows, total = case_rows(session, actor, query, offset, limit)
    return [to_out(session, c, actor) for c in rows], total


def change_status(session: Session, case_id: int, data: CaseStatusIn, actor: Principal) -> Case:
    case = get_case(session, case_id, actor)
    current = CaseStatus(case.status)
    if data.status not in STATUS_MOVES[current]:
        raise Conflict(f"案件当前为“{current.label}”，不能改为“{data.status.label}”")
    before = {"status": case.status}
    case.status = data.status.value
    case.status_changed_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor.actor,
        "case.status",
        "case",
        case.id,
        before,
        {"status": case.status, "note": data.note},
        case.node_path,
    )
    return case


def recent_cases(
    session: Session, since: datetime, limit: int, until: datetime | None = None
) -> list[CaseBrief]:
    """The latest cases that occurred since ``since`` (and before ``until``; newest first), for
    other capabilities' demos."""
    return [
        CaseBrief(id=c.id, occurred_at=c.occurred_at, loss_amount=c.loss_amount)
        for c in repo.recent(session, since, limit, until)
    ]


def cases_for_index(
    session: Session, after_id: int = 0, limit: int = 1000, ids: Sequence[int] | None = None
) -> list[CaseForIndex]:
    """Cases for the series index, unscoped (the index is the system's): those with ``ids``, or
    the next ``limit`` after ``after_id`` in id order. Identifiers as written."""
    return [
        CaseForIndex(
            id=c.id,
            case_no=c.case_no,
            node_path=c.node_path,
            occurred_at=c.occurred_at,
            loss_amount=c.loss_amount,
            status=c.status,
            identifiers=[IdentifierOut(kind=i.kind, value=i.raw) for i in c.identifiers],
        )
        for c in repo.for_index(session, after_id, limit, ids)
    ]


def reputation_identifiers(session: Session) -> list[tuple[str, str, str]]:
    """(kind, normalised value, label) for every suspect identifier named in a case."""
    return [(kind, value, f"案件 {case_no}") for kind, value, case_no in repo.identifier_rows(session)]


def suspect_identifiers(
    session: Session, case_id: int, actor: Principal, kind: str | None = None
) -> list[IdentifierOut]:
    """The suspect identifiers of a case in the actor's subtree (else 404), whole in their normal
    forms (of ``kind`` only, if given): for work — tracing money, a stop-payment form, joining to
    series — never for display (``to_out`` shows them masked)."""
    case = get_case(session, case_id, actor)
    return [IdentifierOut(kind=i.kind, value=i.value) for i in case.identifiers if kind in (None, i.kind)]


def suspect_accounts_for_work(session: Session, case_id: int, actor: Principal, purpose: str) -> list[str]:
    """A case's suspect accounts whole, for a form or a trace that starts from them: the officer
    sees them in full, so the read is audited (one entry naming the purpose) as a reveal is."""
    case = get_case(session, case_id, actor)
    accounts = [i.value for i in case.identifiers if i.kind == "bank_account"]
    if accounts:
        after = {"fields": ["suspect_identifiers:bank_account"], "purpose": purpose}
        audit.record(session, actor.actor, "pii.use", "case", case.id, None, after, case.node_path)
    return accounts


def _personal_fields(case: Case) -> dict[str, tuple[PiiKind, str | None]]:
    """The victim's data and the suspects' phones and accounts: what ``to_out`` masks."""
    suspects = {
        f"suspect_identifiers#{n}": (pii, i.value)
        for n, i in enumerate(case.identifiers)
        if (pii := IDENTIFIER_PII.get(i.kind)) is not None
    }
    return {
        "victim_name": (PiiKind.NAME, case.victim_name),
        "victim_phone": (PiiKind.PHONE, case.victim_phone),
        "victim_id_number": (PiiKind.ID_NUMBER, case.victim_id_number),
        **suspects,
    }


def to_out(session: Session, case: Case, actor: Principal, reveal: bool = False) -> CaseOut:
    """The case as shown: the victim's data and the suspects' phones and accounts masked unless a
    permitted officer asked (then one audit entry for them all)."""
    shown = present(session, actor, "case", case.id, _personal_fields(case), reveal, case.node_path)
    return CaseOut(
        id=case.id,
        case_no=case.case_no,
        occurred_at=case.occurred_at,
        node_code=case.node.code,
        node_name=case.node.name,
        fraud_type=case.fraud_type,
        fraud_type_label=FraudType(case.fraud_type).label,
        tags=list(case.tags or []),
        loss_amount=case.loss_amount,
        victim_name=shown["victim_name"],
        victim_phone=shown["victim_phone"],
        victim_id_number=shown["victim_id_number"],
        victim_age=case.victim_age,
        victim_group=case.victim_group,
        suspect_identifiers=[
            IdentifierOut(kind=i.kind, value=shown.get(f"suspect_identifiers#{n}", i.value) or "")
            for n, i in enumerate(case.identifiers)
        ],
        summary=case.summary,
        status=case.status,
        status_label=CaseStatus(case.status).label,
        warning_id=case.warning_id,
        created_at=case.created_at,
        created_by=case.created_by,
    )

"""Target packages and joint operations: plan, report live status on the day, confirm results.

Confirming an operation's result is one change: every linked case becomes 已破案 through the
cases service, the series' clues are closed through the clues service, and the operation is
concluded — inside a savepoint, so a refusal anywhere leaves nothing half-written.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.audit.pii import PiiKind, present
from fanzha.cases import service as cases
from fanzha.cases.models import CaseStatus
from fanzha.cases.schemas import CaseStatusIn
from fanzha.clues import service as clues
from fanzha.clues.models import ClueResult
from fanzha.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.timeutil import to_local, utcnow
from fanzha.jurisdiction import service as tree
from fanzha.operations import repository as repo
from fanzha.operations.models import (
    ItemKind,
    Operation,
    OperationCase,
    OperationStatus,
    OperationTarget,
    PackageItem,
    SeizedCategory,
    TargetPackage,
)
from fanzha.operations.schemas import (
    CaseLinkOut,
    ConcludeIn,
    ItemIn,
    ItemOut,
    OperationIn,
    OperationOut,
    OperationQuery,
    PackageIn,
    PackageOut,
    StatusIn,
    TargetIn,
    TargetOut,
)
from fanzha.warnings import service as warnings

LIST_LIMIT = 200


def _locate(session: Session, address: str | None) -> tuple[str | None, str]:
    """The grid an address routes to in this city (the warnings gazetteer), and why."""
    if not address:
        return None, ""
    return warnings.locate(session, address, None)


# --- target packages -------------------------------------------------------------------------


def create_package(session: Session, data: PackageIn, actor: Principal) -> TargetPackage:
    node = tree.node_in_scope(session, data.node_code, actor.scope_path)
    package = TargetPackage(
        title=data.title,
        series_id=data.series_id,
        node_path=node.path,
        note=data.note,
        created_by=actor.actor,
    )
    session.add(package)
    session.flush()
    after = {"title": data.title, "series_id": data.series_id, "node_code": node.code}
    audit.record(
        session, actor.actor, "package.create", "package", package.id, None, after, package.node_path
    )
    return package


def get_package(session: Session, package_id: int, actor: Principal) -> TargetPackage:
    found = repo.package(session, actor, package_id)
    if found is None:
        raise NotFound("目标包不存在或不在您的管辖范围内")
    return found


def list_packages(session: Session, actor: Principal) -> Sequence[TargetPackage]:
    return repo.packages(session, actor, LIST_LIMIT)


def packages_for_series(session: Session, actor: Principal, series_id: int) -> Sequence[TargetPackage]:
    return repo.packages_for_series(session, actor, series_id)


def add_item(session: Session, package_id: int, data: ItemIn, actor: Principal) -> PackageItem:
    """One person, den, place or account of the package; an address is routed to its grid."""
    package = get_package(session, package_id, actor)
    if data.kind in (ItemKind.DEN.value, ItemKind.PLACE.value) and not (data.address or "").strip():
        raise ValidationFailed.on("address", "窝点和落脚点必须填写地址，才能落地到警格")
    path, reason = _locate(session, data.address)
    item = PackageItem(
        kind=data.kind,
        label=data.label,
        person_name=data.person_name,
        id_number=data.id_number,
        phone=data.phone,
        account=data.account,
        address=data.address,
        node_path=path,
        route_reason=reason,
        note=data.note,
    )
    package.items.append(item)
    session.flush()
    after = {"item": item.id, "kind": data.kind, "label": data.label, "routed": path is not None}
    audit.record(session, actor.actor, "package.item", "package", package.id, None, after, package.node_path)
    return item


def _grid_names(session: Session, paths: Sequence[str | None]) -> dict[str, str]:
    wanted = {p for p in paths if p}
    codes = [p.strip("/").split("/")[-1] for p in wanted]
    return {n.path: n.name for n in tree.nodes_by_codes(session, codes).values()}


def package_out(
    session: Session, package: TargetPackage, actor: Principal, reveal: bool = False
) -> PackageOut:
    """The package as shown: suspects' names, ID numbers, phones, accounts and addresses masked
    unless a permitted officer asked (one audited read for the whole package)."""
    fields: dict[str, tuple[PiiKind, str | None]] = {}
    for i in package.items:
        fields |= {
            f"{i.id}.person_name": (PiiKind.NAME, i.person_name),
            f"{i.id}.id_number": (PiiKind.ID_NUMBER, i.id_number),
            f"{i.id}.phone": (PiiKind.PHONE, i.phone),
            f"{i.id}.account": (PiiKind.CARD, i.account),
            f"{i.id}.address": (PiiKind.ADDRESS, i.address),
            f"{i.id}.route_reason": (PiiKind.ROUTE_REASON, i.route_reason),
        }
    # Asked even for a package without items: a reveal is checked and recorded whatever it shows.
    shown = present(session, actor, "package", package.id, fields, reveal, package.node_path)
    names = _grid_names(session, [i.node_path for i in package.items])
    items = [
        ItemOut(
            id=i.id,
            kind=i.kind,
            kind_label=ItemKind(i.kind).label,
            label=i.label,
            person_name=shown[f"{i.id}.person_name"],
            id_number=shown[f"{i.id}.id_number"],
            phone=shown[f"{i.id}.phone"],
            account=shown[f"{i.id}.account"],
            address=shown[f"{i.id}.address"],
            node_path=i.node_path,
            grid_name=names.get(i.node_path or "", "未落地（外地或地址未匹配）"),
            route_reason=shown[f"{i.id}.route_reason"] or "",
            note=i.note,
        )
        for i in package.items
    ]
    return PackageOut(
        id=package.id,
        title=package.title,
        series_id=package.series_id,
        node_path=package.node_path,
        note=package.note,
        created_at=package.created_at,
        created_by=package.created_by,
        items=items,
    )


# --- operations ------------------------------------------------------------------------------


def _code(strike_at: datetime) -> str:
    return f"SW{to_local(strike_at):%Y%m%d}{uuid.uuid4().hex[:6].upper()}"


def _address(session: Session, data: TargetIn, package_id: int | None, field: str) -> str:
    item = repo.item(session, data.item_id) if data.item_id is not None else None
    if data.item_id is not None and (item is None or item.package_id != package_id):
        raise ValidationFailed.on(field, f"目标包条目 {data.item_id} 不属于本行动的目标包")
    address = data.address.strip() or (item.address if item is not None and item.address else "")
    if not address:
        raise ValidationFailed.on(field, f"目标“{data.label}”没有地址：请填写地址")
    return address


def _target(
    session: Session, data: TargetIn, operation: Operation, field: str = "address"
) -> OperationTarget:
    """A target in this city counts at its routed grid; elsewhere at the leading unit's node."""
    address = _address(session, data, operation.package_id, field)
    path, _ = _locate(session, address) if not data.city else (None, "")
    return OperationTarget(
        kind=data.kind,
        label=data.label,
        address=address,
        unit_name=data.unit_name,
        city=data.city,
        team=data.team,
        leader=data.leader,
        leader_phone=data.leader_phone,
        node_path=path or operation.node_path,
        seized={},
    )


def _case_links(session: Session, case_ids: Sequence[int], actor: Principal) -> list[OperationCase]:
    links, errors = [], []
    for index, case_id in enumerate(dict.fromkeys(case_ids)):
        try:
            case = cases.get_case(session, case_id, actor)
        except NotFound:
            errors.append(FieldError(f"case_ids.{index}", f"案件 {case_id} 不存在或不在您的管辖范围内"))
            continue
        links.append(OperationCase(case_id=case.id, case_no=case.case_no, node_path=case.node_path))
    if errors:
        raise ValidationFailed(f"案件：{errors[0].message}", errors)
    return links


def create_operation(session: Session, data: OperationIn, actor: Principal) -> Operation:
    """Deploy a joint operation: its hour, leading unit, targets (any city) and the cases it solves."""
    node = tree.node_in_scope(session, data.node_code, actor.scope_path)
    package = get_package(session, data.package_id, actor) if data.package_id is not None else None
    series_id = data.series_id if data.series_id is not None else (package.series_id if package else None)
    operation = Operation(
        code=_code(data.strike_at),
        title=data.title,
        strike_at=data.strike_at,
        package_id=package.id if package else None,
        series_id=series_id,
        node_path=node.path,
        commander=data.commander,
        briefing=data.briefing,
        status=OperationStatus.PLANNED.value,
        created_by=actor.actor,
    )
    operation.cases = _case_links(session, data.case_ids, actor)
    operation.targets = [
        _target(session, t, operation, f"targets.{i}.address") for i, t in enumerate(data.targets)
    ]
    session.add(operation)
    session.flush()
    after = {
        "code": operation.code,
        "title": data.title,
        "strike_at": data.strike_at.isoformat(),
        "node_code": node.code,
        "targets": len(data.targets),
        "cases": [c.case_id for c in operation.cases],
    }
    audit.record(
        session, actor.actor, "operation.create", "operation", operation.id, None, after, operation.node_path
    )
    return operation


def get_operation(session: Session, operation_id: int, actor: Principal) -> Operation:
    found = repo.operation(session, actor, operation_id)
    if found is None:
        raise NotFound("收网行动不存在或不在您的管辖范围内")
    return found


def get_target(session: Session, target_id: int, actor: Principal) -> OperationTarget:
    """A target of an operation the actor may read (led inside their subtree or hitting it)."""
    found = repo.target(session, target_id)
    if found is None or repo.operation(session, actor, found.operation_id) is None:
        raise NotFound("收网目标不存在或不在您的管辖范围内")
    return found


def list_operations(session: Session, actor: Principal, query: OperationQuery) -> Sequence[Operation]:
    return repo.operations(session, actor, query, LIST_LIMIT)


def operations_for_cases(session: Session, actor: Principal, case_ids: Sequence[int]) -> Sequence[Operation]:
    """The operations the actor may see that solve any of these cases (a case page's links)."""
    return repo.operations_for_cases(session, actor, case_ids)


def _open(operation: Operation) -> None:
    if operation.status == OperationStatus.CONCLUDED.value:
        raise Conflict(f"行动 {operation.code} 已确认战果，不能再修改")


def add_target(session: Session, operation_id: int, data: TargetIn, actor: Principal) -> OperationTarget:
    operation = get_operation(session, operation_id, actor)
    _open(operation)
    target = _target(session, data, operation)
    operation.targets.append(target)
    session.flush()
    after = {"target": target.id, "label": data.label, "unit_name": data.unit_name, "city": data.city}
    audit.record(
        session, actor.actor, "operation.target", "operation", operation.id, None, after, operation.node_path
    )
    return target


def _status_view(target: OperationTarget) -> dict[str, Any]:
    return {
        "arrived": target.arrived_at is not None,
        "arrests": target.arrests,
        "seized": dict(target.seized or {}),
        "den_destroyed": target.den_destroyed,
        "note": target.field_note,
    }


def report_status(
    session: Session, target_id: int, data: StatusIn, actor: Principal, now: datetime | None = None
) -> OperationTarget:
    """A field team's report from one target (the whole state each time); the first report of
    an operation's day marks it 收网中. Refused before the hour and after the result is confirmed."""
    found = get_target(session, target_id, actor)
    operation = get_operation(session, found.operation_id, actor)
    _open(operation)
    now = now or utcnow()
    if not data.arrived and (data.arrests or data.seized or data.den_destroyed):
        raise ValidationFailed.on("arrived", "报抓获、查扣或捣毁之前须先勾选“已到达现场”")
    if data.arrived and now < operation.strike_at:
        when = f"{to_local(operation.strike_at):%Y-%m-%d %H:%M}"
        raise ValidationFailed.on("arrived", f"统一收网时间 {when} 之前不能报到达，请到点后再报")
    if data.den_destroyed and found.kind != ItemKind.DEN.value:
        raise ValidationFailed.on("den_destroyed", f"目标“{found.label}”不是窝点，不能报捣毁")
    before = _status_view(found)
    found.arrived_at = (found.arrived_at or now) if data.arrived else None
    found.arrests = data.arrests
    found.seized = {k.value: v for k, v in data.seized.items()}
    found.den_destroyed = data.den_destroyed
    found.field_note = data.note
    found.updated_at, found.updated_by = now, actor.actor
    if operation.status == OperationStatus.PLANNED.value:
        operation.status = OperationStatus.LIVE.value
    session.flush()
    after = {"target": found.id, **_status_view(found)}
    audit.record(
        session,
        actor.actor,
        "operation.status",
        "operation",
        operation.id,
        before,
        after,
        operation.node_path,
    )
    return found


def _solve_cases(session: Session, operation: Operation, actor: Principal) -> None:
    note = f"收网行动 {operation.code} 破案"
    for link in operation.cases:
        case = cases.get_case(session, link.case_id, actor)
        if case.status == CaseStatus.SOLVED.value:
            continue
        if case.status == CaseStatus.CLOSED.value:
            raise Conflict(f"案件 {case.case_no} 已结案，不能再标记破案：请先从行动中移除")
        cases.change_status(session, case.id, CaseStatusIn(status=CaseStatus.SOLVED, note=note), actor)
        link.solved_here = True


def _close_clues(session: Session, operation: Operation, data: ConcludeIn, actor: Principal) -> list[int]:
    """The series' open clues, closed with what the operation found: a den destroyed, else
    suspects caught, else nothing."""
    if operation.series_id is None:
        return []
    totals = _totals(operation)
    result = (
        ClueResult.DEN
        if totals["dens_destroyed"]
        else ClueResult.SUSPECT
        if totals["arrests"]
        else ClueResult.NOTHING
    )
    note = f"收网行动 {operation.code}：{data.result_note}".rstrip("：")
    return clues.close_clues_for_series(session, actor, operation.series_id, result, note)


def conclude(
    session: Session, operation_id: int, data: ConcludeIn, actor: Principal, now: datetime | None = None
) -> Operation:
    """Confirm the result: cases solved, clues closed, operation concluded — all or nothing."""
    operation = get_operation(session, operation_id, actor)
    _open(operation)
    now = now or utcnow()
    if now < operation.strike_at:
        raise Conflict("统一收网时间未到，不能确认战果")
    if not any(t.updated_at for t in operation.targets):
        raise Conflict("还没有任何目标上报现场情况，不能确认战果")
    with session.begin_nested():
        _solve_cases(session, operation, actor)
        closed = _close_clues(session, operation, data, actor)
        before = {"status": operation.status}
        operation.status = OperationStatus.CONCLUDED.value
        operation.result_note = data.result_note
        operation.concluded_at, operation.concluded_by = now, actor.actor
        session.flush()
        totals = _totals(operation)
        after = {
            "status": operation.status,
            "solved": [c.case_id for c in operation.cases if c.solved_here],
            "clues_closed": closed,
            "arrests": totals["arrests"],
            "dens_destroyed": totals["dens_destroyed"],
            "note": data.result_note,
        }
        audit.record(
            session,
            actor.actor,
            "operation.conclude",
            "operation",
            operation.id,
            before,
            after,
            operation.node_path,
        )
    return operation


def _totals(operation: Operation) -> dict[str, Any]:
    seized: dict[str, int] = {}
    for t in operation.targets:
        for k, v in (t.seized or {}).items():
            seized[k] = seized.get(k, 0) + v
    return {
        "arrests": sum(t.arrests for t in operation.targets),
        "dens_destroyed": sum(1 for t in operation.targets if t.den_destroyed),
        "seized": {c.value: seized[c.value] for c in SeizedCategory if c.value in seized},
    }


def list_operations_out(session: Session, actor: Principal, query: OperationQuery) -> list[OperationOut]:
    """A list of operations as shown (masked), their grids' names read once for all of them."""
    found = list_operations(session, actor, query)
    paths = [p for o in found for p in (o.node_path, *(t.node_path for t in o.targets))]
    names = _grid_names(session, paths)
    return [operation_out(session, o, actor, names=names) for o in found]


def operation_out(
    session: Session,
    operation: Operation,
    actor: Principal,
    reveal: bool = False,
    names: dict[str, str] | None = None,
) -> OperationOut:
    """The operation as shown: leaders' phones and the targets' addresses masked unless revealed."""
    fields: dict[str, tuple[PiiKind, str | None]] = {}
    for t in operation.targets:
        fields |= {
            f"{t.id}.address": (PiiKind.ADDRESS, t.address),
            f"{t.id}.phone": (PiiKind.PHONE, t.leader_phone),
        }
    shown = (
        present(session, actor, "operation", operation.id, fields, reveal, operation.node_path)
        if fields
        else {}
    )
    if names is None:
        names = _grid_names(session, [operation.node_path, *(t.node_path for t in operation.targets)])
    targets = [
        TargetOut(
            id=t.id,
            kind=t.kind,
            kind_label=ItemKind(t.kind).label,
            label=t.label,
            address=shown[f"{t.id}.address"],
            unit_name=t.unit_name,
            city=t.city,
            team=t.team,
            leader=t.leader,
            leader_phone=shown[f"{t.id}.phone"],
            grid_name=t.city or names.get(t.node_path, ""),
            arrived_at=t.arrived_at,
            arrests=t.arrests,
            seized=dict(t.seized or {}),
            den_destroyed=t.den_destroyed,
            field_note=t.field_note,
            updated_at=t.updated_at,
        )
        for t in operation.targets
    ]
    return OperationOut(
        id=operation.id,
        code=operation.code,
        title=operation.title,
        strike_at=operation.strike_at,
        node_path=operation.node_path,
        unit_name=names.get(operation.node_path, ""),
        commander=operation.commander,
        briefing=operation.briefing,
        status=operation.status,
        status_label=OperationStatus(operation.status).label,
        package_id=operation.package_id,
        series_id=operation.series_id,
        result_note=operation.result_note,
        created_at=operation.created_at,
        created_by=operation.created_by,
        concluded_at=operation.concluded_at,
        targets=targets,
        cases=[
            CaseLinkOut(case_id=c.case_id, case_no=c.case_no, solved_here=c.solved_here)
            for c in operation.cases
        ],
        **_totals(operation),
    )

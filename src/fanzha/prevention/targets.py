"""The grids' registers of households and key groups and places: import (all or nothing) and listing."""

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.audit.pii import PiiKind, masked
from fanzha.core.errors import FieldError, ValidationFailed, field_errors
from fanzha.core.principal import Principal
from fanzha.core.scope import within
from fanzha.core.tabular import Column, read_rows, refuse
from fanzha.core.timeutil import utcnow
from fanzha.jurisdiction import service as tree
from fanzha.jurisdiction.models import Node
from fanzha.prevention.grids import grid_problem, nodes_by_paths
from fanzha.prevention.models import Target, TargetKind
from fanzha.prevention.schemas import ImportResult, TargetOut, TargetRow

COLUMNS = [
    Column("grid_code", "警格编码", required=True),
    Column("kind", "类型", required=True),
    Column("name", "名称", required=True),
    Column("people", "人数", required=True),
    Column("contact_name", "联系人"),
    Column("contact_phone", "联系电话"),
    Column("address", "地址"),
]
FIELDS = {c.field for c in COLUMNS}


def rows_from_file(data: bytes, file_name: str) -> list[dict[str, Any]]:
    """CSV or XLSX with a header row (core.tabular: column names or their Chinese labels) into
    dicts by column; a bad file says why."""
    return [row.values for row in read_rows(data, file_name, COLUMNS)]


def _validate(rows: Sequence[dict[str, Any]]) -> tuple[list[tuple[int, TargetRow]], list[FieldError]]:
    """(file row number, row) for the valid rows; errors for the others. Row 1 is the header."""
    items: list[tuple[int, TargetRow]] = []
    errors: list[FieldError] = []
    for index, row in enumerate(rows, start=2):
        try:
            items.append((index, TargetRow.model_validate({k: v for k, v in row.items() if k in FIELDS})))
        except ValidationError as exc:
            errors.extend(field_errors(exc.errors(), prefix=f"第{index}行."))
    return items, errors


def import_targets(session: Session, rows: Sequence[dict[str, Any]], actor: Principal) -> ImportResult:
    """Create or update (grid, kind, name) entries; any bad row and nothing is written."""
    items, errors = _validate(rows)
    nodes = tree.nodes_by_codes(session, sorted({i.grid_code for _, i in items}))
    seen: set[tuple[str, str, str]] = set()
    for index, item in items:
        problem = grid_problem(nodes.get(item.grid_code), item.grid_code, actor)
        if problem:
            errors.append(FieldError(f"第{index}行.grid_code", problem))
        key = (item.grid_code, item.kind.value, item.name)
        if key in seen:
            errors.append(
                FieldError(f"第{index}行.name", f"与前面的行重复（同一警格、同一类型的“{item.name}”）")
            )
        seen.add(key)
    if errors:
        raise refuse(errors)
    existing = {
        (t.node_id, t.kind, t.name): t
        for t in session.scalars(select(Target).where(Target.node_id.in_([n.id for n in nodes.values()])))
    }
    created = updated = 0
    now = utcnow()
    for _, item in items:
        node = nodes[item.grid_code]
        fields = {
            "people": item.people,
            "contact_name": item.contact_name,
            "contact_phone": item.contact_phone,
            "address": item.address,
            "updated_at": now,
            "updated_by": actor.actor,
        }
        target = existing.get((node.id, item.kind.value, item.name))
        if target is None:
            session.add(
                Target(node_id=node.id, node_path=node.path, kind=item.kind.value, name=item.name, **fields)
            )
            created += 1
        else:
            for field, value in fields.items():
                setattr(target, field, value)
            updated += 1
    session.flush()
    audit.record(
        session, actor.actor, "prevention.targets.import", "prevention_targets", "import", None,
        {"rows": len(items), "created": created, "updated": updated},
    )  # fmt: skip
    return ImportResult(created=created, updated=updated)


def list_targets(
    session: Session, path: str, kind: TargetKind | None, offset: int, limit: int
) -> tuple[list[TargetOut], int]:
    where = [within(Target.node_path, path)]
    if kind is not None:
        where.append(Target.kind == kind.value)
    total = session.scalar(select(func.count()).select_from(Target).where(*where)) or 0
    rows = session.scalars(select(Target).where(*where).order_by(Target.node_path, Target.kind, Target.name)
                           .offset(offset).limit(limit)).all()  # fmt: skip
    nodes = nodes_by_paths(session, [t.node_path for t in rows])
    return [_target_out(t, nodes[t.node_path]) for t in rows], int(total)


def _target_out(t: Target, grid: Node) -> TargetOut:
    contact = masked({"name": (PiiKind.NAME, t.contact_name), "phone": (PiiKind.PHONE, t.contact_phone)})
    return TargetOut(
        id=t.id, grid_code=grid.code, grid_name=grid.name, kind=t.kind, kind_label=TargetKind(t.kind).label,
        name=t.name, people=t.people, contact_name=contact["name"], contact_phone=contact["phone"],
        address=masked({"a": (PiiKind.ADDRESS, t.address)})["a"],
    )  # fmt: skip


def totals_by_grid(session: Session, path: str) -> dict[str, dict[str, tuple[int, int]]]:
    """Per grid path and kind: (entries, people). Households: (1, number of households)."""
    stmt = (
        select(Target.node_path, Target.kind, func.count(), func.sum(Target.people))
        .where(within(Target.node_path, path))
        .group_by(Target.node_path, Target.kind)
    )
    result: dict[str, dict[str, tuple[int, int]]] = {}
    for p, kind, n, people in session.execute(stmt):
        result.setdefault(str(p), {})[str(kind)] = (int(n), int(people or 0))
    return result


def schools(session: Session, path: str) -> list[TargetOut]:
    """The schools registered in the subtree at ``path`` (what an exam may target by id)."""
    rows, _ = list_targets(session, path, TargetKind.SCHOOL, 0, 2000)
    return rows


def schools_by_id(session: Session, ids: Sequence[int], actor: Principal, field: str) -> dict[int, TargetOut]:
    """Registered schools by id, all in the actor's subtree; any other id is a field error."""
    rows = session.scalars(select(Target).where(Target.id.in_(list(ids)))).all()
    found = {t.id: t for t in rows if t.kind == TargetKind.SCHOOL.value and actor.sees(t.node_path)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed.on(field, f"宣防对象 {missing[0]} 不是本辖区登记的学校")
    nodes = nodes_by_paths(session, [t.node_path for t in found.values()])
    return {i: _target_out(t, nodes[t.node_path]) for i, t in found.items()}

"""Building and reading the jurisdiction tree. Imports are all-or-nothing."""

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from fanzha.accounts.principal import Principal
from fanzha.audit import service as audit
from fanzha.core.errors import FieldError, Forbidden, NotFound, ValidationFailed, field_errors
from fanzha.jurisdiction import repository as repo
from fanzha.jurisdiction.models import CODE_LENGTH, Level, Node, Unit, UnitKind
from fanzha.jurisdiction.schemas import NodeIn, UnitIn
from fanzha.jurisdiction.scope import path_for

EXPORT_COLUMNS = ["code", "name", "level", "parent_code", "population"]


def _check_placement(item: NodeIn, parent: Node | None, parent_level: int | None) -> list[str]:
    problems = []
    if len(item.code) != CODE_LENGTH[item.level]:
        problems.append(f"code：{item.level.label}编码应为 {CODE_LENGTH[item.level]} 位数字")
    if item.level == Level.CITY:
        if item.parent_code:
            problems.append("parent_code：市级节点不能有上级")
        return problems
    if parent_level is None:
        problems.append(f"parent_code：上级节点 {item.parent_code or '（空）'} 不存在")
    elif parent_level != item.level - 1:
        problems.append(f"level：{item.level.label}的上级必须是{Level(item.level - 1).label}")
    elif item.level in (Level.STATION, Level.GRID) and not item.code.startswith(item.parent_code or ""):
        problems.append(f"code：编码应以上级编码 {item.parent_code} 开头")
    return problems


def _parse_rows(rows: Sequence[dict[str, Any]]) -> tuple[list[NodeIn], list[FieldError]]:
    items: list[NodeIn] = []
    errors: list[FieldError] = []
    for index, row in enumerate(rows, start=1):
        try:
            items.append(NodeIn.model_validate(row))
        except ValidationError as exc:
            errors.extend(field_errors(exc.errors(), prefix=f"第{index}行."))
    return items, errors


def import_nodes(session: Session, rows: Sequence[dict[str, Any]], actor: str) -> list[Node]:
    """Validate every row first; write only if the whole file is valid."""
    items, errors = _parse_rows(rows)
    if errors:
        raise ValidationFailed(f"导入失败：{len(errors)} 处错误，未写入任何数据", errors)
    codes = [i.code for i in items]
    existing = repo.nodes_by_codes(session, codes + [i.parent_code for i in items if i.parent_code])
    seen: dict[str, NodeIn] = {}
    order = sorted(range(len(items)), key=lambda k: items[k].level)
    for k in order:
        item = items[k]
        where = f"第{k + 1}行"
        if item.code in seen or item.code in existing:
            errors.append(FieldError(f"{where}.code", f"编码 {item.code} 已存在"))
            continue
        parent_level = None
        if item.parent_code in existing:
            parent_level = existing[item.parent_code].level
        elif item.parent_code in seen:
            parent_level = seen[item.parent_code].level
        for problem in _check_placement(item, existing.get(item.parent_code or ""), parent_level):
            field, _, message = problem.partition("：")
            errors.append(FieldError(f"{where}.{field}", message))
        seen[item.code] = item
    if errors:
        raise ValidationFailed(f"导入失败：{len(errors)} 处错误，未写入任何数据", errors)
    created: dict[str, Node] = dict(existing)
    new_nodes = []
    for k in order:
        item = items[k]
        parent = created.get(item.parent_code or "")
        node = Node(
            code=item.code,
            name=item.name,
            level=int(item.level),
            parent_id=parent.id if parent else None,
            path=path_for(parent.path if parent else None, item.code),
            population=item.population,
        )
        session.add(node)
        session.flush()
        created[item.code] = node
        new_nodes.append(node)
    audit.record_many(
        session,
        actor,
        "jurisdiction.node.create",
        "node",
        [(n.code, None, {"name": n.name, "level": n.level, "path": n.path}) for n in new_nodes],
    )
    return new_nodes


def create_node(session: Session, data: NodeIn, actor: str) -> Node:
    return import_nodes(session, [data.model_dump()], actor)[0]


def require_node(session: Session, code: str, field: str = "node_code") -> Node:
    node = repo.node_by_code(session, code)
    if node is None:
        raise ValidationFailed.on(field, f"辖区节点 {code} 不存在")
    return node


def node_in_scope(session: Session, code: str, scope_path: str) -> Node:
    node = repo.node_by_code(session, code)
    if node is None or not node.path.startswith(scope_path):
        raise NotFound("辖区节点不存在或不在您的管辖范围内")
    return node


def export_rows(session: Session, scope_path: str) -> list[dict[str, Any]]:
    nodes = repo.subtree(session, scope_path)
    by_id = {n.id: n.code for n in nodes}
    return [
        {
            "code": n.code,
            "name": n.name,
            "level": n.level,
            "parent_code": by_id.get(n.parent_id) if n.parent_id else "",
            "population": n.population if n.population is not None else "",
        }
        for n in nodes
    ]


def rows_from_text(text: str, fmt: str) -> list[dict[str, Any]]:
    """Parse CSV (header row) or a JSON array; malformed files name the problem."""
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationFailed.on("file", f"JSON 格式错误（第{exc.lineno}行）：{exc.msg}") from exc
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ValidationFailed.on("file", "JSON 顶层必须是对象数组")
        return data
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"code", "name", "level"} - set(reader.fieldnames or [])
    if missing:
        raise ValidationFailed.on("file", f"CSV 缺少列：{', '.join(sorted(missing))}")
    rows = []
    for row in reader:
        if None in row:
            raise ValidationFailed.on(f"第{reader.line_num - 1}行", "列数多于表头")
        rows.append(dict(row))
    return rows


def rows_to_text(rows: Iterable[dict[str, Any]], fmt: str) -> str:
    rows = list(rows)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def require_bank_authority(actor: Principal, field: str) -> None:
    """Bank identity (a unit's bank code, bank liaisons, ``funds.bank`` keys) is the city centre's
    to grant: a bank liaison sees and answers that bank's requests city-wide, so an administrator
    lower in the tree must not be able to mint one."""
    at_root = actor.kind == "system" or actor.scope_path.count("/") <= 2
    if not at_root:
        raise Forbidden(f"{field}：银行身份只能由市反诈中心的管理员设置，请联系市中心办理")


def create_unit(session: Session, data: UnitIn, actor: Principal) -> Unit:
    if data.bank_code or data.kind == UnitKind.BANK_BRANCH:
        require_bank_authority(actor, "bank_code")
    node = require_node(session, data.node_code)
    if repo.unit_by_name(session, data.name) is not None:
        raise ValidationFailed.on("name", f"单位名称 {data.name} 已存在")
    unit = Unit(name=data.name, kind=data.kind.value, node_id=node.id, bank_code=data.bank_code)
    session.add(unit)
    session.flush()
    audit.record(
        session,
        actor.actor,
        "jurisdiction.unit.create",
        "unit",
        unit.id,
        None,
        {"name": unit.name, "kind": unit.kind, "node": node.code, "bank_code": unit.bank_code},
    )
    return unit


def require_unit(session: Session, unit_id: int) -> Unit:
    unit = repo.unit_by_id(session, unit_id)
    if unit is None:
        raise NotFound("单位不存在")
    return unit


def responsible_unit(session: Session, node: Node) -> Unit | None:
    """The unit that works a node's items: its own, else the nearest ancestor's."""
    current: Node | None = node
    while current is not None:
        unit = repo.unit_for_node(session, current.id, ["grid_team", "station", "district_bureau", "centre"])
        if unit is not None:
            return unit
        current = current.parent
    return None

"""Building and reading the jurisdiction tree. Imports are all-or-nothing."""

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core.errors import FieldError, Forbidden, NotFound, ValidationFailed, field_errors
from fanzha.core.principal import Principal
from fanzha.core.scope import path_for
from fanzha.jurisdiction import repository as repo
from fanzha.jurisdiction.models import CODE_LENGTH, Level, Node, Unit, UnitKind
from fanzha.jurisdiction.schemas import NodeIn, UnitIn

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


@dataclass(frozen=True)
class NodeChoice:
    """A node to pick by name: its code and where it sits (district / station / grid)."""

    code: str
    name: str
    trail: str


def find_nodes(session: Session, scope_path: str, text: str, limit: int = 20) -> list[NodeChoice]:
    """Nodes in the scope matching a typed name (or code prefix), each with its names from the top."""
    text = text.strip()
    if not text:
        return []
    found = repo.nodes_matching(session, scope_path, text, limit)
    names = _names_along(session, [n.path for n in found])
    return [NodeChoice(n.code, n.name, _trail(names, n.path)) for n in found]


def _names_along(session: Session, paths: Iterable[str]) -> dict[str, str]:
    codes = {c for p in paths for c in p.strip("/").split("/")}
    return {code: n.name for code, n in repo.nodes_by_codes(session, sorted(codes)).items()}


def _trail(names: dict[str, str], path: str) -> str:
    return " / ".join(names.get(c, c) for c in path.strip("/").split("/"))


def trail_of(session: Session, path: str) -> str:
    """A materialized path in names: ``/369900/369901/`` → 测试市 / 东区."""
    return _trail(_names_along(session, [path]), path)


def search_units(
    session: Session, scope_path: str, text: str, page: int, page_size: int
) -> tuple[Sequence[Unit], int]:
    """One page of the units in scope matching a typed name or code, and how many match in all."""
    return repo.units_matching(session, scope_path, text.strip(), (page - 1) * page_size, page_size)


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


@dataclass(frozen=True)
class TreeView:
    """One node of the tree as an administrator browses it: the way down to it and its children."""

    current: Node | None
    trail: list[Node]
    children: list[Node]


def tree_view(session: Session, actor: Principal, code: str | None) -> TreeView:
    """The node ``code`` (or the top of the actor's subtree), the visible part of its path, its children."""
    current = (
        node_in_scope(session, code, actor.scope_path)
        if code
        else repo.node_by_path(session, actor.scope_path)
    )
    if current is None:
        return TreeView(None, [], [])
    codes = [c for c in current.path.strip("/").split("/") if c]
    by_code = repo.nodes_by_codes(session, codes)
    trail = [by_code[c] for c in codes if c in by_code and actor.sees(by_code[c].path)]
    return TreeView(current, trail, list(repo.children(session, current.id)))


def nodes_by_codes(session: Session, codes: Sequence[str]) -> dict[str, Node]:
    """Nodes by code, for naming the nodes other capabilities' records point at."""
    return repo.nodes_by_codes(session, codes)


def nodes_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Node]:
    """Nodes by id in one query, for naming the nodes of a page of records."""
    return repo.nodes_by_ids(session, ids)


def node_by_code(session: Session, code: str) -> Node | None:
    return repo.node_by_code(session, code)


def unit_by_id(session: Session, unit_id: int) -> Unit | None:
    return repo.unit_by_id(session, unit_id)


def children(session: Session, node: Node) -> Sequence[Node]:
    return repo.children(session, node.id)


def units_within(session: Session, path: str) -> Sequence[Unit]:
    return repo.units_within(session, path)


def nodes_in_scope(session: Session, actor: Principal, max_level: int | None = None) -> Sequence[Node]:
    return repo.subtree(session, actor.scope_path, max_level)


def grids_within(session: Session, path: str) -> list[Node]:
    """The grids (lowest level) of the subtree at ``path``, in path order."""
    return [n for n in repo.subtree(session, path) if n.level == Level.GRID]


def units_in_scope(session: Session, actor: Principal) -> Sequence[Unit]:
    return repo.units_within(session, actor.scope_path)


def create_unit_in_scope(session: Session, data: UnitIn, actor: Principal) -> Unit:
    """A unit on a node the actor sees."""
    if not actor.sees(require_node(session, data.node_code).path):
        raise ValidationFailed.on("node_code", "辖区节点不在您的管辖范围内")
    return create_unit(session, data, actor)


def create_node_in_scope(session: Session, data: NodeIn, actor: Principal) -> Node:
    check_parents_in_scope(session, [data.model_dump()], actor)
    return create_node(session, data, actor.actor)


def check_parents_in_scope(session: Session, rows: Sequence[dict[str, Any]], actor: Principal) -> None:
    """New nodes go under a parent the actor sees; only the whole tree's administrators add roots."""
    for index, row in enumerate(rows, start=1):
        parent = row.get("parent_code")
        if not parent:
            if actor.scope_path != "/" and actor.kind != "system":
                raise ValidationFailed.on(f"第{index}行.parent_code", "只能在本辖区内新增节点")
            continue
        node = repo.node_by_code(session, str(parent))
        if node is not None and not actor.sees(node.path):
            raise ValidationFailed.on(f"第{index}行.parent_code", "上级节点不在您的管辖范围内")


def import_nodes_in_scope(session: Session, rows: Sequence[dict[str, Any]], actor: Principal) -> list[Node]:
    """An uploaded tree file, all or nothing, under parents the actor sees."""
    check_parents_in_scope(session, rows, actor)
    return import_nodes(session, rows, actor.actor)


def rows_from_upload(raw: bytes, filename: str | None) -> list[dict[str, Any]]:
    """Rows of an uploaded tree file: JSON when its name ends in .json, else CSV; UTF-8 only."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed.on("file", "文件必须是 UTF-8 编码") from exc
    return rows_from_text(text, "json" if (filename or "").lower().endswith(".json") else "csv")


def rows_from_text(text: str, fmt: str) -> list[dict[str, Any]]:
    """Parse CSV (header row) or a JSON array; malformed files name the problem."""
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationFailed.on(
                "file", f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 个字符附近）"
            ) from exc
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


# Which unit works a node's items, in order of preference when a node has several.
WORKING_KINDS = (UnitKind.GRID_TEAM, UnitKind.STATION, UnitKind.DISTRICT_BUREAU, UnitKind.CENTRE)


def _ancestry(path: str) -> list[str]:
    """A node's path and its ancestors' paths, nearest first."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:depth]) + "/" for depth in range(len(parts), 0, -1)]


@dataclass(frozen=True)
class WorkingUnits:
    """Which unit works each node's items, read once: a node's own working unit, else its nearest
    ancestor's (so a batch of thousands routes without a query per item); and the city node."""

    city_id: int
    city_path: str
    unit_by_path: dict[str, int]

    def unit_for(self, path: str) -> int | None:
        return next((u for p in _ancestry(path) if (u := self.unit_by_path.get(p)) is not None), None)


def working_units(session: Session, paths: Iterable[str] | None = None) -> WorkingUnits:
    """One read of the working units; the city is the centre's node (else the first level-1 node).

    With ``paths``, only the units ``unit_for`` needs for those paths and for the city's are read
    (a single warning reads a handful of rows, not every unit of the city); ``unit_for`` then
    answers for those paths only."""
    wanted = None if paths is None else {a for p in paths for a in _ancestry(p)}
    tree = _read_working_units(session, wanted)
    city = _ancestry(tree.city_path)
    if wanted is not None and not wanted.issuperset(city):  # items kept at the city need its units
        tree = _read_working_units(session, wanted.union(city))
    return tree


def _read_working_units(session: Session, at: set[str] | None) -> WorkingUnits:
    rank = {kind.value: i for i, kind in enumerate(WORKING_KINDS)}
    best: dict[str, tuple[int, int]] = {}
    centre: tuple[int, str] | None = None
    for unit_id, kind, path, node_id in repo.unit_paths(session, list(rank), at, UnitKind.CENTRE.value):
        if kind == UnitKind.CENTRE and centre is None:
            centre = node_id, path
        if path not in best or rank[kind] < best[path][0]:
            best[path] = (rank[kind], unit_id)
    if centre is None:
        city = repo.first_city(session)
        if city is None:
            raise ValidationFailed("辖区树为空：请先导入市级节点与反诈中心")
        centre = city.id, city.path
    return WorkingUnits(*centre, {p: u for p, (_, u) in best.items()})


def responsible_unit(session: Session, node: Node) -> Unit | None:
    """The unit that works a node's items: its own, else the nearest ancestor's."""
    unit_id = working_units(session, [node.path]).unit_for(node.path)
    return repo.unit_by_id(session, unit_id) if unit_id is not None else None

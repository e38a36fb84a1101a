"""Resolving the grids a prevention record names, inside the actor's part of the tree."""

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from fanzha.core.errors import FieldError, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.jurisdiction import service as tree
from fanzha.jurisdiction.models import Level, Node


def grid_problem(node: Node | None, code: str, actor: Principal) -> str | None:
    """Why ``code`` cannot be used as a grid by ``actor``, or None."""
    if node is None or not actor.sees(node.path):
        return f"警格 {code} 不存在或不在您的管辖范围内"
    if node.level != Level.GRID:
        return f"{code} 是{Level(node.level).label}，请填写警格（12 位编码）"
    return None


def grids_by_code(session: Session, codes: Sequence[str], actor: Principal, field: str) -> dict[str, Node]:
    """Every code as a grid in scope, or one error per bad code naming ``field`` (nothing written)."""
    nodes = tree.nodes_by_codes(session, sorted(set(codes)))
    errors = []
    for index, code in enumerate(codes):
        problem = grid_problem(nodes.get(code), code, actor)
        if problem:
            name = f"{field}[{index}]" if len(codes) > 1 else field
            errors.append(FieldError(name, problem))
    if errors:
        raise ValidationFailed(f"{errors[0].field}：{errors[0].message}", errors)
    return nodes


def grid(session: Session, code: str, actor: Principal, field: str = "grid_code") -> Node:
    return grids_by_code(session, [code], actor, field)[code]


def node_in_scope(session: Session, code: str, actor: Principal, field: str = "node_code") -> Node:
    node = tree.node_by_code(session, code)
    if node is None or not actor.sees(node.path):
        raise ValidationFailed.on(field, f"辖区节点 {code} 不存在或不在您的管辖范围内")
    return node


def nodes_by_paths(session: Session, paths: Iterable[str]) -> dict[str, Node]:
    """Nodes by their materialized path (a path's last segment is the node's code)."""
    codes = sorted({p.rstrip("/").rsplit("/", 1)[-1] for p in paths})
    return {n.path: n for n in tree.nodes_by_codes(session, codes).values()}


def common_path(paths: Sequence[str]) -> str:
    """The lowest node path that holds every path (segment-wise common prefix)."""
    parts = [p.strip("/").split("/") for p in paths]
    common: list[str] = []
    for segment in zip(*parts, strict=False):
        if len(set(segment)) != 1:
            break
        common.append(segment[0])
    return "/" + "".join(f"{c}/" for c in common)

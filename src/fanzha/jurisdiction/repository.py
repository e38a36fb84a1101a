"""Queries on the jurisdiction tables."""

from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from fanzha.core.scope import within
from fanzha.jurisdiction.models import Node, Unit


def node_by_code(session: Session, code: str) -> Node | None:
    return session.scalars(select(Node).where(Node.code == code)).one_or_none()


def node_by_path(session: Session, path: str) -> Node | None:
    return session.scalars(select(Node).where(Node.path == path)).one_or_none()


def node_by_id(session: Session, node_id: int) -> Node | None:
    return session.get(Node, node_id)


def nodes_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Node]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {n.id: n for n in session.scalars(select(Node).where(Node.id.in_(wanted)))}


def nodes_by_codes(session: Session, codes: Sequence[str]) -> dict[str, Node]:
    if not codes:
        return {}
    rows = session.scalars(select(Node).where(Node.code.in_(list(codes))))
    return {n.code: n for n in rows}


def subtree(session: Session, path: str, max_level: int | None = None) -> Sequence[Node]:
    stmt = select(Node).where(within(Node.path, path)).order_by(Node.path)
    if max_level is not None:
        stmt = stmt.where(Node.level <= max_level)
    return session.scalars(stmt).all()


def children(session: Session, node_id: int) -> Sequence[Node]:
    return session.scalars(select(Node).where(Node.parent_id == node_id).order_by(Node.code)).all()


def roots(session: Session) -> Sequence[Node]:
    return session.scalars(select(Node).where(Node.parent_id.is_(None)).order_by(Node.code)).all()


def unit_by_id(session: Session, unit_id: int) -> Unit | None:
    return session.get(Unit, unit_id)


def unit_by_name(session: Session, name: str) -> Unit | None:
    return session.scalars(select(Unit).where(Unit.name == name)).one_or_none()


def units_within(session: Session, path: str) -> Sequence[Unit]:
    stmt = select(Unit).join(Node, Unit.node_id == Node.id).where(within(Node.path, path))
    return session.scalars(stmt.order_by(Node.path, Unit.name)).all()


def unit_for_node(session: Session, node_id: int, kinds: Sequence[str]) -> Unit | None:
    stmt = select(Unit).where(Unit.node_id == node_id, Unit.kind.in_(list(kinds))).order_by(Unit.id)
    return session.scalars(stmt.limit(1)).first()


# Built once, values bound per call: every warning batch reads its units, and building the
# statement cost more than running its cached compiled form.
_UNITS = (
    select(Unit.id, Unit.kind, Node.path, Node.id)
    .join(Node, Node.id == Unit.node_id)
    .where(Unit.kind.in_(bindparam("kinds", expanding=True)))
)
_UNITS_AT = _UNITS.where(
    or_(Node.path.in_(bindparam("at", expanding=True)), Unit.kind == bindparam("or_kind"))
)


def unit_paths(
    session: Session, kinds: Sequence[str], at: Iterable[str] | None = None, or_kind: str | None = None
) -> Sequence[tuple[int, str, str, int]]:
    """(unit id, kind, node path, node id) of the units of these kinds: every one, or with ``at``
    those at the nodes of these paths and, wherever they are, those of kind ``or_kind``."""
    if at is None:
        rows = session.execute(_UNITS, {"kinds": list(kinds)})
    else:
        rows = session.execute(_UNITS_AT, {"kinds": list(kinds), "at": sorted(at), "or_kind": or_kind})
    return [(u, k, p, n) for u, k, p, n in rows]


def first_city(session: Session) -> Node | None:
    return session.scalars(select(Node).where(Node.level == 1).order_by(Node.id)).first()


def nodes_matching(session: Session, path: str, text: str, limit: int) -> Sequence[Node]:
    """Nodes in the subtree whose name contains ``text`` or whose code starts with it, upper levels first."""
    match = or_(Node.name.contains(text, autoescape=True), Node.code.startswith(text, autoescape=True))
    stmt = select(Node).where(within(Node.path, path), match).order_by(Node.level, Node.path)
    return session.scalars(stmt.limit(limit)).all()


def units_matching(
    session: Session, path: str, text: str, offset: int, limit: int
) -> tuple[Sequence[Unit], int]:
    """A page of the subtree's units (by node, then name) whose name, node name or code matches ``text``."""
    stmt = select(Unit).join(Node, Unit.node_id == Node.id).where(within(Node.path, path))
    if text:
        stmt = stmt.where(
            or_(
                Unit.name.contains(text, autoescape=True),
                Node.name.contains(text, autoescape=True),
                Node.code.startswith(text, autoescape=True),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Node.path, Unit.name).offset(offset).limit(limit)).all()
    return rows, total

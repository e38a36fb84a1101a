"""The deadline pattern shared by workflows (warnings, clues): stamp a column once, set-based.

Each pass is a conditional ``UPDATE … SET stamp = now WHERE stamp IS NULL AND <due>`` returning
the rows it stamped, so a pass is idempotent, escalation happens once, and several processes may
run it at the same time. A call stamps at most ``limit`` rows (lowest ids first): the scheduler
commits each batch and calls again while a batch came back full (``core.scheduler``). Which
unit an escalated item goes to is the caller's (jurisdiction).
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session


def stamp_once(
    session: Session,
    model: type[Any],
    column: InstrumentedAttribute[datetime | None],
    where: Sequence[ColumnElement[bool]],
    now: datetime,
    limit: int | None,
) -> list[tuple[int, str]]:
    """Set ``column`` to ``now`` on the rows matching ``where`` where it is still empty, at most
    ``limit`` of them (all when None); returns (id, node_path) of each row stamped by this call."""
    due = select(model.id).where(column.is_(None), *where).order_by(model.id).limit(limit)
    stmt = (
        update(model)
        .where(model.id.in_(due), column.is_(None))
        .values({column: now})
        .returning(model.id, model.node_path)
    )
    return [(int(i), str(p)) for i, p in session.execute(stmt)]


def parent_path(path: str) -> str:
    """The path one level up (the city's own path stays itself)."""
    parts = path.strip("/").split("/")
    return "/" + "/".join(parts[:-1]) + "/" if len(parts) > 1 else path


def by_parent_unit(
    rows: Sequence[tuple[int, str]], unit_for: Callable[[str], int | None]
) -> dict[int | None, list[int]]:
    """Escalated ids grouped by the unit working the parent of their node."""
    out: dict[int | None, list[int]] = {}
    for item_id, path in rows:
        out.setdefault(unit_for(parent_path(path)), []).append(item_id)
    return out

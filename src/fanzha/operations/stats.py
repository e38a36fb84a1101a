"""Crackdown figures for bulletins and the dashboard: dens destroyed, suspects caught, cases solved.

Definitions: docs/bulletins.md ("Crackdown operations"). All three count only operations whose
result was confirmed (已收网), in the window of the confirmation time. Dens and suspects count at
the target's grid (a target in another city at the leading unit's node); a case counts at its own
node, once, and only when this operation moved it to 已破案 (not when it was solved before).
"""

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fanzha.core.query import Measures, Split
from fanzha.operations.models import Operation, OperationCase, OperationTarget

NAMES = ["dens_destroyed", "suspects_caught", "cases_solved"]


def measures(session: Session, split: Split) -> Measures:
    group, window = split.group_of(OperationTarget.node_path), split.window_of(Operation.concluded_at)
    targets = (
        select(
            group,
            window,
            func.sum(case((OperationTarget.den_destroyed, 1), else_=0)),
            func.sum(OperationTarget.arrests),
        )
        .select_from(OperationTarget)
        .join(Operation, Operation.id == OperationTarget.operation_id)
        .where(split.where(OperationTarget.node_path, Operation.concluded_at))
        .group_by(group, window)
    )
    found = split.collect(session.execute(targets), NAMES[:2])
    c_group, c_window = split.group_of(OperationCase.node_path), split.window_of(Operation.concluded_at)
    solved = (
        select(c_group, c_window, func.count())
        .select_from(OperationCase)
        .join(Operation, Operation.id == OperationCase.operation_id)
        .where(split.where(OperationCase.node_path, Operation.concluded_at), OperationCase.solved_here)
        .group_by(c_group, c_window)
    )
    for slot, values in split.collect(session.execute(solved), NAMES[2:]).items():
        found.setdefault(slot, {}).update(values)
    return found

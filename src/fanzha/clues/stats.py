"""Clue and series figures for bulletins and the dashboard: series found, clues verified in time.

Definitions: docs/bulletins.md ("Clues and series"). A series is found when its second case is
indexed into it (counted at that case's node); a clue is verified in time when its result is
recorded no later than its deadline (counted at the node it was worked at, in the period of the
result). Both are read as the index and the clues stand when the figures are computed.
"""

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from fanzha.clues.models import Clue, RecordKind, SeriesRecord
from fanzha.core.query import Measures, Split

NAMES = ["series_found", "clues_verified_in_time"]


def measures(session: Session, split: Split) -> Measures:
    order = func.row_number().over(
        partition_by=SeriesRecord.series_id, order_by=(SeriesRecord.indexed_at, SeriesRecord.id)
    )
    ranked = (
        select(SeriesRecord.id, order.label("n"))
        .where(SeriesRecord.kind == RecordKind.CASE.value, SeriesRecord.series_id.is_not(None))
        .subquery()
    )
    second = select(ranked.c.id).where(ranked.c.n == 2)
    group, window = split.group_of(SeriesRecord.node_path), split.window_of(SeriesRecord.indexed_at)
    found = split.collect(
        session.execute(
            select(group, window, func.count())
            .where(split.where(SeriesRecord.node_path, SeriesRecord.indexed_at), SeriesRecord.id.in_(second))
            .group_by(group, window)
        ),
        NAMES[:1],
    )
    c_group, c_window = split.group_of(Clue.node_path), split.window_of(Clue.closed_at)
    in_time = select(c_group, c_window, func.count()).where(
        and_(split.where(Clue.node_path, Clue.closed_at), Clue.closed_at <= Clue.due_at)
    )
    for slot, values in split.collect(
        session.execute(in_time.group_by(c_group, c_window)), NAMES[1:]
    ).items():
        found.setdefault(slot, {}).update(values)
    return found

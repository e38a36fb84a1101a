"""Aggregate figures over warnings for bulletins (set-based, this package's table only).

A warning counts as received, reached in time and for its overdue steps in the period it was
received in; it counts as closed or dissuaded in the period it was closed in, so one issued
before a boundary and closed after it appears on both sides. Definitions: docs/bulletins.md.
"""

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from fanzha.core.query import Measures, Split, Window
from fanzha.core.scope import within
from fanzha.warnings.models import EarlyWarning as W
from fanzha.warnings.models import Level, Outcome, Source

SOURCES = [(s.value, s.label) for s in Source]
LEVELS = [(lv.value, lv.label) for lv in Level]
# Node paths per IN list (well under SQLite's and PostgreSQL's bound-parameter limits).
PATHS_PER_QUERY = 500


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def _marked(column: Any) -> ColumnElement[Any]:
    return case((column.is_not(None), 1), else_=0)


def measures(session: Session, split: Split) -> Measures:
    """Received (all, high), reached in time, overdue steps; and the closed_measures."""
    group, window = split.group_of(W.node_path), split.window_of(W.received_at)
    in_time = and_(W.first_contact_at.is_not(None), W.first_contact_at <= W.contact_due_at)
    overdue = _marked(W.contact_overdue_at) + _marked(W.visit_overdue_at) + _marked(W.close_overdue_at)
    received = (
        select(group, window, func.count(), _count_if(W.level == Level.HIGH.value), _count_if(in_time),
               func.sum(overdue))
        .where(split.where(W.node_path, W.received_at))
        .group_by(group, window)
    )  # fmt: skip
    names = ["warnings_received", "warnings_high", "warnings_reached_in_time", "overdue_steps"]
    found = split.collect(session.execute(received), names)
    for slot, values in closed_measures(session, split).items():
        found.setdefault(slot, {}).update(values)
    return found


def closed_measures(session: Session, split: Split) -> Measures:
    """By closing time: closed (not false alarms), dissuaded, and the losses avoided (the sum of
    the amounts at risk of the warnings dissuaded; those without an amount add nothing)."""
    group, window = split.group_of(W.node_path), split.window_of(W.closed_at)
    dissuaded = W.outcome == Outcome.DISSUADED.value
    closed = (
        select(group, window, _count_if(W.outcome != Outcome.FALSE_ALARM.value), _count_if(dissuaded),
               func.sum(case((dissuaded, W.amount_at_risk), else_=None)))
        .where(split.where(W.node_path, W.closed_at), W.outcome.is_not(None))
        .group_by(group, window)
    )  # fmt: skip
    names = ["warnings_closed", "warnings_dissuaded", "losses_avoided_amount"]
    return split.collect(session.execute(closed), names)


def by_source_level(session: Session, path: str, window: Window) -> dict[tuple[str, str], int]:
    """Warnings received in the window per (source, level)."""
    stmt = (
        select(W.source, W.level, func.count())
        .where(within(W.node_path, path), W.received_at >= window[0], W.received_at < window[1])
        .group_by(W.source, W.level)
    )
    return {(str(s), str(lv)): int(n) for s, lv, n in session.execute(stmt)}


def received_counts(session: Session, split: Split) -> Measures:
    """Only ``warnings_received`` per window, for the node's whole subtree (a trend line).

    One correlated count per window over the receiving-time index: no GROUP BY, which SQLite
    answers by sorting every row first (the demo city's year of warnings: 66 ms against 13 ms).
    """
    if split.children:
        raise ValueError("received_counts counts the whole subtree; use measures for children")
    bounds = split.bounds
    in_window = and_(W.received_at >= bounds.c.starts, W.received_at < bounds.c.ends)
    count = select(func.count()).select_from(W).where(within(W.node_path, split.path), in_window)
    stmt = select(literal(split.path), bounds.c.i, count.scalar_subquery())
    return split.collect(session.execute(stmt), ["warnings_received"])


def grid_profile(
    session: Session, paths: Collection[str], window: Window
) -> dict[tuple[str, str, str | None], int]:
    """Warnings received in the window at exactly these nodes, per (node path, fraud type, victim
    group), for prevention's aiming (a range scan of the covering ``ix_warnings_items_path_cover``
    per node: the rows themselves are not read)."""
    counts: dict[tuple[str, str, str | None], int] = {}
    ordered = sorted(paths)
    for chunk in (ordered[i : i + PATHS_PER_QUERY] for i in range(0, len(ordered), PATHS_PER_QUERY)):
        stmt = (
            select(W.node_path, W.fraud_type, W.victim_group, func.count())
            .where(W.node_path.in_(chunk), W.received_at >= window[0], W.received_at < window[1])
            .group_by(W.node_path, W.fraud_type, W.victim_group)
        )
        counts.update(
            ((str(p), str(t), None if g is None else str(g)), int(n)) for p, t, g, n in session.execute(stmt)
        )
    return counts

"""Aggregate figures over cases for bulletins: set-based GROUP BY queries on this package's table.

A case counts in the period in which the fraud occurred (``occurred_at``), for the
jurisdiction node it belongs to and every ancestor. Definitions: docs/bulletins.md.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from fanzha.cases.models import Case
from fanzha.core.query import Measures, Split, Window, as_decimal
from fanzha.core.scope import within
from fanzha.core.vocab import VictimGroup

# (code, label); a victim is in the first band whose upper age bound (exclusive) exceeds theirs.
AGE_BANDS = [("under_18", "18岁以下"), ("18_23", "18—23岁"), ("24_35", "24—35岁"), ("36_59", "36—59岁"),
             ("60_plus", "60岁及以上"), ("unknown", "年龄未登记")]  # fmt: skip
_AGE_LIMITS = [(18, "under_18"), (24, "18_23"), (36, "24_35"), (60, "36_59")]


def _scoped(path: str, window: Window) -> Any:
    return (within(Case.node_path, path), Case.occurred_at >= window[0], Case.occurred_at < window[1])


def measures(session: Session, split: Split) -> Measures:
    """``cases`` (number of cases) and ``loss_amount`` (sum of losses) per group and window."""
    group, window = split.group_of(Case.node_path), split.window_of(Case.occurred_at)
    stmt = (
        select(group, window, func.count(), func.sum(Case.loss_amount))
        .where(split.where(Case.node_path, Case.occurred_at))
        .group_by(group, window)
    )
    return split.collect(session.execute(stmt), ["cases", "loss_amount"])


def by_fraud_type(session: Session, path: str, window: Window) -> dict[str, tuple[int, Decimal]]:
    stmt = (
        select(Case.fraud_type, func.count(), func.sum(Case.loss_amount))
        .where(*_scoped(path, window))
        .group_by(Case.fraud_type)
    )
    return {str(t): (int(n), as_decimal(loss)) for t, n, loss in session.execute(stmt)}


def by_victim_group(session: Session, path: str, window: Window) -> dict[str | None, int]:
    stmt = select(Case.victim_group, func.count()).where(*_scoped(path, window)).group_by(Case.victim_group)
    return {None if g is None else str(g): int(n) for g, n in session.execute(stmt)}


def _age_band() -> Any:
    return case(
        (Case.victim_age.is_(None), "unknown"),
        *[(Case.victim_age < limit, code) for limit, code in _AGE_LIMITS],
        else_="60_plus",
    )


def by_age_band(session: Session, path: str, window: Window) -> dict[str, int]:
    band = _age_band()
    stmt = select(band, func.count()).where(*_scoped(path, window)).group_by(band)
    return {str(b): int(n) for b, n in session.execute(stmt)}


@dataclass(frozen=True)
class CaseLine:
    id: int
    case_no: str
    occurred_at: datetime
    node_path: str
    fraud_type: str
    loss_amount: Decimal
    victim_group: str | None
    victim_age: int | None
    tags: Sequence[str]


def largest(session: Session, path: str, window: Window, limit: int) -> list[CaseLine]:
    """The cases with the largest losses in the window (the bulletin's notable cases).

    The ranking reads only the covering index; just the few cases chosen are then read whole
    (ranking whole rows read every case of the period from the table: 40,000 for a city's month)."""
    order = (Case.loss_amount.desc(), Case.id)
    top = select(Case.id).where(*_scoped(path, window)).order_by(*order).limit(limit).subquery()
    stmt = (
        select(Case.id, Case.case_no, Case.occurred_at, Case.node_path, Case.fraud_type, Case.loss_amount,
               Case.victim_group, Case.victim_age, Case.tags)
        .join(top, top.c.id == Case.id)
        .order_by(*order)
    )  # fmt: skip
    return [_line(r) for r in session.execute(stmt)]


def _line(r: Any) -> CaseLine:
    group = None if r.victim_group is None else str(r.victim_group)
    return CaseLine(r.id, r.case_no, r.occurred_at, r.node_path, str(r.fraud_type), as_decimal(r.loss_amount),
                    group, r.victim_age, list(r.tags or []))  # fmt: skip


def _victim() -> Any:
    """The victim as prevention addresses them: the named group, else ``age:<band>``, else ``other``."""
    named = and_(Case.victim_group.is_not(None), Case.victim_group != VictimGroup.OTHER.value)
    other = VictimGroup.OTHER.value
    return case((named, Case.victim_group), (Case.victim_age.is_(None), other), else_="age:" + _age_band())


def victim_counts(
    session: Session, path: str, windows: Sequence[Window]
) -> dict[tuple[str, str, str], list[int]]:
    """Cases per (node path, fraud type, victim — see ``_victim``) in each of ``windows``, from one
    grouped range scan of the covering ``ix_cases_node_path_cover`` (what prevention's aiming
    compares; the rows themselves are not read)."""
    in_window = [and_(Case.occurred_at >= start, Case.occurred_at < end) for start, end in windows]
    rows = (
        select(Case.node_path, Case.fraud_type, _victim().label("victim"),
               *(case((w, 1), else_=0).label(f"w{i}") for i, w in enumerate(in_window)))
        .where(within(Case.node_path, path), or_(*in_window))
        .subquery()
    )  # fmt: skip
    sums = [func.sum(rows.c[f"w{i}"]) for i in range(len(windows))]
    keys = (rows.c.node_path, rows.c.fraud_type, rows.c.victim)
    stmt = select(*keys, *sums).group_by(*keys)
    return {(str(p), str(t), str(v)): [int(n) for n in ns] for p, t, v, *ns in session.execute(stmt)}


def counts_by_node(session: Session, path: str, window: Window) -> dict[str, int]:
    """Cases in the window per node path (the node a case belongs to, not its ancestors)."""
    stmt = select(Case.node_path, func.count()).where(*_scoped(path, window)).group_by(Case.node_path)
    return {str(p): int(n) for p, n in session.execute(stmt)}


def examples(session: Session, path: str, window: Window, fraud_type: str, limit: int) -> list[CaseLine]:
    """The latest cases of one fraud type in the window, without personal data (prevention's 案例解析)."""
    stmt = (
        select(Case.id, Case.case_no, Case.occurred_at, Case.node_path, Case.fraud_type, Case.loss_amount,
               Case.victim_group, Case.victim_age, Case.tags)
        .where(*_scoped(path, window), Case.fraud_type == fraud_type)
        .order_by(Case.occurred_at.desc(), Case.id.desc())
        .limit(limit)
    )  # fmt: skip
    return [_line(r) for r in session.execute(stmt)]

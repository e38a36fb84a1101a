"""SQL building blocks for the aggregate queries in ``<capability>/stats.py``.

A bulletin asks for the same measures over several jurisdiction subtrees (the node, or each
of its children) and several time windows (this period, the previous ones, the same period
last year). Each stats query therefore groups by two CASE expressions — which subtree,
which window — so one pass over the rows answers all of them, on SQLite and PostgreSQL.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, literal, or_
from sqlalchemy.orm import InstrumentedAttribute

from fanzha.jurisdiction.scope import within

Number = int | Decimal
Window = tuple[datetime, datetime]
# (key, node path): the subtrees a query is split by, e.g. ("369901", "/369900/369901/").
Group = tuple[str, str]
# (group key, window index) → measure name → value.
Measures = dict[tuple[str, int], dict[str, Number]]


@dataclass(frozen=True)
class Split:
    """How one stats query is cut: by subtree and by time window, on given columns."""

    groups: Sequence[Group]
    windows: Sequence[Window]

    def group_of(self, path_column: InstrumentedAttribute[str]) -> ColumnElement[Any]:
        if len(self.groups) == 1:
            return literal(self.groups[0][0])
        return case(*[(within(path_column, path), key) for key, path in self.groups])

    def window_of(self, time_column: InstrumentedAttribute[datetime]) -> ColumnElement[Any]:
        if len(self.windows) == 1:
            return literal(0)
        return case(*[(_in(time_column, w), i) for i, w in enumerate(self.windows)])

    def where(
        self, path_column: InstrumentedAttribute[str], time_column: InstrumentedAttribute[datetime]
    ) -> ColumnElement[bool]:
        in_groups = or_(false(), *[within(path_column, path) for _, path in self.groups])
        in_windows = or_(false(), *[_in(time_column, w) for w in self.windows])
        return and_(in_groups, in_windows)


def _in(column: InstrumentedAttribute[datetime], window: Window) -> ColumnElement[bool]:
    return and_(column >= window[0], column < window[1])


def as_decimal(value: object) -> Decimal:
    """SUM over a NUMERIC column: None for no rows; SQLite may hand back a float or int."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(Decimal("0.01"))


def merge(into: Measures, rows: Any, names: Sequence[str]) -> None:
    """Adds rows of (group, window, *values) to ``into`` under the measure ``names``.

    Measures named ``*_amount`` are money (Decimal yuan); all others are counts.
    """
    for row in rows:
        slot = into.setdefault((str(row[0]), int(row[1])), {})
        for name, value in zip(names, row[2:], strict=True):
            slot[name] = as_decimal(value) if name.endswith("_amount") else int(value or 0)

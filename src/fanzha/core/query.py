"""SQL building blocks for the aggregate queries in ``<capability>/stats.py``.

A bulletin asks for the same measures for a node and for each of its children, over several
consecutive time windows (this period and the ones before it). Each stats query therefore
groups by which child (a path prefix) and which window, so one query answers all of them, on
SQLite and PostgreSQL. The window comes from joining a small table of the windows' bounds
(``SELECT 0, start, end UNION ALL …``) on the time column: each window is then one range
scan of the time index, and PostgreSQL, which can estimate that join's few groups, aggregates
in a hash table instead of sorting every row (it cannot estimate groups of a per-row
expression such as ``width_bucket`` and sorted 200,000 rows on disk for a bulletin).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, Integer, Subquery, and_, case, func, literal, select, union_all
from sqlalchemy.orm import InstrumentedAttribute

from fanzha.core.db import UTCDateTime
from fanzha.core.scope import within

Number = int | Decimal
Window = tuple[datetime, datetime]
# (code, node path) of a child node, e.g. ("369901", "/369900/369901/").
Group = tuple[str, str]
# A timestamp column; nullable ones (a closing time) only match rows where it is set.
TimeColumn = InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None]
# (child code or SELF, window index) → measure name → value.
Measures = dict[tuple[str, int], dict[str, Number]]


SELF = ""  # the group of rows attached to the node itself rather than to one of its children


@dataclass(frozen=True)
class Split:
    """How one stats query is cut: the node's subtree, by child subtree and by time window.

    ``windows`` are consecutive (each ends where the next starts). Rows are labelled with the
    path of the child they fall under (or the node's own path) and their window's index;
    ``collect`` turns the labels back into child codes (``SELF`` for the node itself).
    """

    path: str
    windows: Sequence[Window]
    children: Sequence[Group] = ()

    def __post_init__(self) -> None:
        if any(a[1] != b[0] for a, b in zip(self.windows, self.windows[1:], strict=False)):
            raise ValueError("windows must be consecutive")

    def group_of(self, path_column: InstrumentedAttribute[str]) -> ColumnElement[Any]:
        lengths = {len(path) for _, path in self.children}
        if not lengths:
            return literal(self.path)
        if len(lengths) == 1:
            # Sibling paths share a length: a row's prefix of that length is its child's path
            # (or, for a row at the node itself, its whole shorter path).
            return func.substr(path_column, 1, lengths.pop())
        return case(*[(within(path_column, path), path) for _, path in self.children], else_=self.path)

    @cached_property
    def bounds(self) -> Subquery:
        """The windows as rows (i, starts, ends); one object, so ``window_of`` and ``where``
        of a query refer to the same FROM item."""
        rows = [
            select(literal(i, Integer).label("i"), literal(a, UTCDateTime).label("starts"),
                   literal(b, UTCDateTime).label("ends"))
            for i, (a, b) in enumerate(self.windows)
        ]  # fmt: skip
        return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("windows")

    def window_of(self, time_column: TimeColumn) -> ColumnElement[Any]:
        """The index of the row's window (``where`` joins the windows on ``time_column``)."""
        if len(self.windows) == 1:
            return literal(0)
        return self.bounds.c.i

    def where(self, path_column: InstrumentedAttribute[str], time_column: TimeColumn) -> ColumnElement[bool]:
        span = (self.windows[0][0], self.windows[-1][1])
        # The whole span on the table itself too, so the planner scans only its range of the index.
        conds = [within(path_column, self.path), _in(time_column, span)]
        if len(self.windows) > 1:
            conds += [time_column >= self.bounds.c.starts, time_column < self.bounds.c.ends]
        return and_(*conds)

    def collect(self, rows: Any, names: Sequence[str]) -> Measures:
        """Rows of (group path, window index, *values) as measures under child codes.

        Measures named ``*_amount`` are money (Decimal yuan); all others are counts.
        """
        keys = {path: key for key, path in self.children} | {self.path: SELF}
        found: Measures = {}
        for row in rows:
            slot = found.setdefault((keys[str(row[0])], int(row[1])), {})
            for name, value in zip(names, row[2:], strict=True):
                slot[name] = as_decimal(value) if name.endswith("_amount") else int(value or 0)
        return found


def _in(column: TimeColumn, window: Window) -> ColumnElement[bool]:
    return and_(column >= window[0], column < window[1])


def as_decimal(value: object) -> Decimal:
    """SUM over a NUMERIC column: None for no rows; SQLite may hand back a float or int."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(Decimal("0.01"))

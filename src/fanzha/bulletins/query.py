"""SQL building blocks for the aggregate queries in ``<capability>/stats.py``.

A bulletin asks for the same measures for a node and for each of its children, over several
consecutive time windows (this period and the ones before it). Each stats query therefore
groups by two cheap expressions — which child (a path prefix), which window (a bucket
search) — so one pass over the rows answers all of them, on SQLite and PostgreSQL.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, FunctionElement, Integer, and_, case, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler

from fanzha.jurisdiction.scope import within

Number = int | Decimal
Window = tuple[datetime, datetime]
# (code, node path) of a child node, e.g. ("369901", "/369900/369901/").
Group = tuple[str, str]
# A timestamp column; nullable ones (a closing time) only match rows where it is set.
TimeColumn = InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None]
# (child code or SELF, window index) → measure name → value.
Measures = dict[tuple[str, int], dict[str, Number]]


class _Bucket(FunctionElement[int]):
    """Index of the contiguous window a timestamp falls in, given the windows' start instants.

    PostgreSQL has ``width_bucket`` (one binary search per row); elsewhere a CASE of "<" tests
    is used. Either is much cheaper per row than testing every window's two bounds.
    """

    name = "bucket"
    type = Integer()
    inherit_cache = True


@compiles(_Bucket)
def _bucket_case(element: _Bucket, compiler: SQLCompiler, **kw: Any) -> str:
    column, *starts = [compiler.process(c, **kw) for c in element.clauses]
    tests = " ".join(f"WHEN {column} < {start} THEN {i}" for i, start in enumerate(starts[1:]))
    return f"CASE {tests} ELSE {len(starts) - 1} END" if tests else "0"


@compiles(_Bucket, "postgresql")
def _bucket_pg(element: _Bucket, compiler: SQLCompiler, **kw: Any) -> str:
    column, *starts = [compiler.process(c, **kw) for c in element.clauses]
    return f"width_bucket({column}, ARRAY[{', '.join(starts)}]::timestamptz[]) - 1"


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

    def window_of(self, time_column: TimeColumn) -> ColumnElement[Any]:
        if len(self.windows) == 1:
            return literal(0)
        return _Bucket(time_column, *[literal(w[0], time_column.type) for w in self.windows])

    def where(self, path_column: InstrumentedAttribute[str], time_column: TimeColumn) -> ColumnElement[bool]:
        span = (self.windows[0][0], self.windows[-1][1])
        return and_(within(path_column, self.path), _in(time_column, span))

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

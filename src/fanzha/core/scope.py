"""Subtree tests on materialized paths, usable on any table that stores a node path."""

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import InstrumentedAttribute


def path_for(parent_path: str | None, code: str) -> str:
    return f"{parent_path or '/'}{code}/"


def is_within(path: str, ancestor_path: str) -> bool:
    return path.startswith(ancestor_path)


def ancestor_paths(path: str) -> list[str]:
    """The path itself and every path above it: ``/1/2/`` → ``["/1/", "/1/2/"]``."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def upper_bound(ancestor_path: str) -> str:
    # Paths end in "/"; every descendant continues with a digit, and "0" sorts right after "/".
    return ancestor_path[:-1] + "0"


def within(
    column: InstrumentedAttribute[str] | InstrumentedAttribute[str | None], ancestor_path: str
) -> ColumnElement[bool]:
    """SQL for "column's node is ancestor_path or below it", as an index range scan."""
    return and_(column >= ancestor_path, column < upper_bound(ancestor_path))

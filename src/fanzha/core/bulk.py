"""Set-based inserts for the heavy paths (the intake, the series index) on both databases."""

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def insert_new_rows(
    session: Session,
    model: type[Any],
    rows: list[dict[str, Any]],
    keys: Sequence[str],
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert into ``model``'s table the rows whose unique ``keys`` are not there yet (another
    process may have inserted them first); the ``returning`` columns of the rows inserted.

    On PostgreSQL one ``INSERT … SELECT FROM json_populate_recordset(:rows)``: the rows travel as
    one JSON text that the C encoder writes and the server parses into the table's own column
    types. A multi-row VALUES statement has a placeholder per value, which the driver parses
    afresh for every distinct row count (the largest cost of an index batch), and one array per
    column costs the driver's per-element encoding (the largest cost of an intake batch)."""
    if not rows:
        return []
    table = model.__table__
    assert isinstance(table, Table)
    if session.get_bind().dialect.name != "postgresql":
        stmt = sqlite_insert(table).on_conflict_do_nothing(index_elements=list(keys))
        if not returning:
            session.execute(stmt, rows)
            return []
        return [tuple(r) for r in session.execute(stmt.returning(*(table.c[c] for c in returning)), rows)]
    columns = ", ".join(c.name for c in table.columns if c.name in rows[0])
    sql = (
        f"INSERT INTO {table.name} ({columns}) SELECT {columns} "
        f"FROM json_populate_recordset(NULL::{table.name}, CAST(:rows AS json)) "
        f"ON CONFLICT ({', '.join(keys)}) DO NOTHING"
    )
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    result = session.execute(text(sql), {"rows": json.dumps(rows, ensure_ascii=False, default=_json_default)})
    return [tuple(r) for r in result] if returning else []

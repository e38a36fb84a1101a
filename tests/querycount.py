"""Counting the SQL statements a piece of work sends (NetBox's ``query_counts`` idea).

A list page that reads one more row per item it shows is fast on ten rows and slow on fifty;
the tests pin the number of statements and check it does not grow with the number of rows.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    """The statements sent on the session's connection inside the block (savepoints included)."""
    sent: list[str] = []
    connection = session.connection()

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", record)

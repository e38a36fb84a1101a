"""The columnar transaction store: bank statements (流水) in DuckDB, not in the OLTP database.

Statements are large, append-only and read by scans and graph builds, which is what a column
store is for. One DuckDB file per installation, under a data directory (``FANZHA_FUNDS_DATA_DIR``;
by default ``fanzha-data/`` beside the SQLite file, or the working directory otherwise).
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from fanzha.core.config import get_settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS tx (
    row_hash VARCHAR NOT NULL,
    account VARCHAR NOT NULL,
    counterparty VARCHAR NOT NULL,
    bank VARCHAR NOT NULL,
    direction VARCHAR NOT NULL,
    amount DECIMAL(14, 2) NOT NULL,
    balance DECIMAL(14, 2),
    ts TIMESTAMP NOT NULL,
    channel VARCHAR,
    counterparty_name VARCHAR,
    batch VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    batch VARCHAR PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_added BIGINT NOT NULL
);
"""

# One edge per transfer: a statement line of the sender (out) or the receiver (in); the same
# transfer seen in both banks' statements collapses to one edge.
EDGES_SQL = """
SELECT DISTINCT
    CASE WHEN direction = 'out' THEN account ELSE counterparty END AS src,
    CASE WHEN direction = 'out' THEN counterparty ELSE account END AS dst,
    CAST(epoch(ts) AS BIGINT) AS t,
    CAST(amount * 100 AS BIGINT) AS cents
FROM tx
"""


def default_path() -> Path:
    settings = get_settings()
    if settings.funds_data_dir is not None:
        return settings.funds_data_dir / "transactions.duckdb"
    url = settings.database_url
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        return Path(url.removeprefix("sqlite:///")).resolve().parent / "fanzha-data" / "transactions.duckdb"
    return Path("fanzha-data") / "transactions.duckdb"


_LOCKS: dict[Path, threading.Lock] = {}


class TransactionStore:
    """A DuckDB file; writes are serialised in-process (DuckDB allows one writer per file)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = (path or default_path()).resolve()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _LOCKS.setdefault(self.path, threading.Lock())

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            con = duckdb.connect(str(self.path))
            try:
                con.execute(SCHEMA)
                yield con
            finally:
                con.close()

    def version(self) -> tuple[int, str]:
        """Changes whenever rows are added: (row count, last batch id); caches key on it."""
        with self.connect() as con:
            row = con.execute("SELECT count(*), coalesce(max(batch), '') FROM tx").fetchone()
        assert row is not None
        return int(row[0]), str(row[1])

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with self.connect() as con:
            return con.execute(sql, params or []).fetchall()

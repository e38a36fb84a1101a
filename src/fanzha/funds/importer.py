"""Importing bank statements (CSV or XLSX) into the transaction store.

The documented schema (docs/funds.md): account, counterparty_account, bank, direction
(out/in, 出/入, 转出/转入), amount, balance, time, channel, counterparty_name. Every row is
checked first; one malformed row rejects the file with its row number and field, and nothing
is written. Rows already in the store (same fields, same hash) are skipped.
"""

import csv
import hashlib
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fanzha.audit import service as audit
from fanzha.cases.identifiers import normalise_account
from fanzha.core.config import get_settings
from fanzha.core.errors import FieldError, ValidationFailed
from fanzha.core.tabular import Column, TableRow, iter_rows, row_field
from fanzha.core.timeutil import utcnow
from fanzha.funds.store import TransactionStore

COLUMNS = [
    "account",
    "counterparty_account",
    "bank",
    "direction",
    "amount",
    "balance",
    "time",
    "channel",
    "counterparty_name",
]
REQUIRED = ["account", "counterparty_account", "bank", "direction", "amount", "time"]
TABLE = [Column(c, c, required=c in REQUIRED) for c in COLUMNS]
DIRECTIONS = {
    "out": "out",
    "出": "out",
    "转出": "out",
    "支出": "out",
    "in": "in",
    "入": "in",
    "转入": "in",
    "收入": "in",
}
_CENT = Decimal("0.01")
_STAGED = ["h", "a", "c", "b", "d", "amount", "balance", "ts", "channel", "name"]
MAX_ERRORS = 200

Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportResult:
    batch: str
    rows_read: int
    rows_added: int

    @property
    def duplicates(self) -> int:
        return self.rows_read - self.rows_added


def _amount(value: Any) -> Decimal:
    amount = Decimal(str(value).replace(",", "").strip())
    if not amount.is_finite() or amount != amount.quantize(_CENT) or abs(amount) >= Decimal("1e12"):
        raise InvalidOperation
    return amount.quantize(_CENT)


def _time(value: str) -> datetime:
    """Aware ISO times are converted to UTC; naive ones are read in the display zone (bank exports)."""
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=get_settings().tz)
    return when.astimezone(UTC).replace(tzinfo=None)


def parse_row(raw: dict[str, str]) -> tuple[list[Any], list[tuple[str, str]]]:
    """The normalised row (store column order, minus hash and batch) and any (field, problem)."""
    get = {k: raw.get(k, "") for k in COLUMNS}
    problems = [(k, "必填") for k in REQUIRED if not get[k]]
    if problems:
        return [], problems
    direction = DIRECTIONS.get(get["direction"].lower())
    if direction is None:
        problems.append(("direction", "必须是 out/in（或 出/入、转出/转入）"))
    amount = balance = when = None
    try:
        amount = _amount(get["amount"])
        if amount <= 0:
            problems.append(("amount", "必须大于 0"))
    except (InvalidOperation, ValueError):
        problems.append(("amount", "必须是最多两位小数的金额"))
    try:
        balance = _amount(get["balance"]) if get["balance"] else None
    except (InvalidOperation, ValueError):
        problems.append(("balance", "必须是最多两位小数的金额"))
    try:
        when = _time(get["time"])
    except ValueError:
        problems.append(("time", "时间格式不正确（例：2026-11-20 09:30:00 或 2026-11-20T09:30:00+08:00）"))
    row = [
        normalise_account(get["account"]),
        normalise_account(get["counterparty_account"]),
        get["bank"].upper(),
        direction,
        amount,
        balance,
        when,
        get["channel"] or None,
        get["counterparty_name"] or None,
    ]
    return row, problems


def row_hash(row: list[Any]) -> str:
    text = ("" if v is None else (v.isoformat() if isinstance(v, datetime) else str(v)) for v in row)
    blob = "\x1f".join(text)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def _validate(rows: Iterator[TableRow], out: Any, on_progress: Progress | None) -> int:
    """Write valid rows as CSV to ``out``; raise with every problem found (up to MAX_ERRORS)."""
    writer = csv.writer(out)
    errors: list[FieldError] = []
    count = 0
    for count, raw in enumerate(rows, start=1):
        row, problems = parse_row(raw.values)
        if problems:
            errors += [FieldError(row_field(raw.line, field), message) for field, message in problems]
            if len(errors) >= MAX_ERRORS:
                break
        elif not errors:
            when: datetime = row[6]
            writer.writerow([row_hash(row), *row[:6], when.isoformat(sep=" "), *row[7:]])
        if on_progress is not None and count % 10_000 == 0:
            on_progress(count)
    if errors:
        raise ValidationFailed(f"导入失败：发现 {len(errors)} 处错误（行号含表头），未写入任何数据", errors)
    if count == 0:
        raise ValidationFailed.on("file", "文件中没有流水记录")
    return count


def import_statement(
    store: TransactionStore,
    data: bytes,
    file_name: str,
    actor: str,
    on_progress: Progress | None = None,
    session: Any = None,
    batch_prefix: str = "",
) -> ImportResult:
    """Validate the whole file, then load it in one DuckDB transaction, skipping known rows."""
    batch = f"{batch_prefix}{utcnow():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "rows.csv"
        with staged.open("w", newline="", encoding="utf-8") as out:
            # UTF-8 only: a statement in GBK is refused, naming the file (docs/security.md).
            rows = iter_rows(data, file_name, TABLE, encodings=("utf-8-sig",))
            rows_read = _validate(rows, out, on_progress)
        with store.connect() as con:
            con.execute("BEGIN")
            con.execute(
                "CREATE TEMP TABLE staged AS SELECT * FROM read_csv(?, header=false, all_varchar=true, "
                f"names={_STAGED!r})",
                [str(staged)],
            )
            before = con.execute("SELECT count(*) FROM tx").fetchone()
            con.execute(
                """
                INSERT INTO tx
                SELECT h, a, c, b, d, CAST(amount AS DECIMAL(14, 2)), CAST(balance AS DECIMAL(14, 2)),
                       CAST(ts AS TIMESTAMP), channel, name, ?
                FROM (SELECT DISTINCT ON (h) * FROM staged) s
                WHERE NOT EXISTS (SELECT 1 FROM tx WHERE tx.row_hash = s.h)
                """,
                [batch],
            )
            after = con.execute("SELECT count(*) FROM tx").fetchone()
            assert before is not None and after is not None
            added = int(after[0]) - int(before[0])
            con.execute(
                "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?)",
                [batch, file_name, utcnow().replace(tzinfo=None), actor, rows_read, added],
            )
            con.execute("COMMIT")
    if session is not None:
        after_audit = {"batch": batch, "file": file_name, "rows_read": rows_read, "rows_added": added}
        audit.record(session, actor, "funds.import", "tx_batch", batch, None, after_audit)
    if on_progress is not None:
        on_progress(rows_read)
    return ImportResult(batch, rows_read, added)

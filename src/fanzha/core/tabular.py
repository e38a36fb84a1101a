"""Rows from an uploaded table (CSV or XLSX) into validated schemas, for every importer.

``read_rows`` decodes the file (CSV in UTF-8, with or without BOM, or GBK/GB18030 as older
Excel saves it, unless ``encodings`` narrows it; XLSX's first sheet, read-only), maps the header
to the importer's ``Column``s (by field name, Chinese label or an alias; unknown columns are
ignored) and returns one ``TableRow`` per non-empty line with its row number in the file; a CSV
line with more cells than the header (an unquoted comma) is refused, and ``max_rows`` refuses a
file too large to take at once. ``iter_rows`` yields the same rows one at a time, for files
read as a stream (bank statements). ``parse_rows`` validates each row against a pydantic schema
and either returns them all or raises one ``ValidationFailed`` listing every bad cell as
``第N行.列名`` with the reason in Chinese — so an importer writes all rows or none.
"""

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from fanzha.core.errors import FieldError, ValidationFailed, describe_pydantic_error

M = TypeVar("M", bound=BaseModel)
ERRORS_LISTED = 200  # a wholly wrong file lists this many cells, then says how many more
ENCODINGS = ("utf-8-sig", "gb18030")  # a CSV's, tried in turn


@dataclass(frozen=True)
class Column:
    """One column an importer reads: ``field`` of its schema, headed ``label`` (or ``field``,
    or an alias) in the file."""

    field: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableRow:
    line: int  # row number in the file, the header being row 1
    values: dict[str, str]  # field → cell text (stripped; an empty cell is left out)


def _key(header: object) -> str:
    return unicodedata.normalize("NFKC", str(header or "")).strip().lower()


def _text(data: bytes, encodings: Sequence[str]) -> str:
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed.on("file", "无法识别文件编码：请在表格软件中另存为“CSV UTF-8”后重试")


def _csv(data: bytes, encodings: Sequence[str]) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(_text(data, encodings), newline=""))
    try:
        yield from reader
    except csv.Error as exc:  # a cell over the csv module's limit, a stray quote
        raise ValidationFailed.on(
            "file", f"CSV 第{reader.line_num}行无法读取：单元格过长或引号不成对"
        ) from exc


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone or account typed as a number: 13800001111.0
    if isinstance(value, datetime):  # Excel keeps every date as a datetime
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _xlsx(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for row in book.worksheets[0].iter_rows(values_only=True):
                yield [_cell(v) for v in row]
        finally:
            book.close()
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationFailed.on("file", "无法读取 XLSX 文件：请用 Excel 另存为 .xlsx 后重试") from exc


def _header(cells: list[str], columns: Sequence[Column]) -> dict[int, Column]:
    """Cell position → column, refusing a missing required column or one given twice."""
    names = {_key(n): c for c in columns for n in (c.field, c.label, *c.aliases)}
    found: dict[int, Column] = {}
    for position, cell in enumerate(cells):
        column = names.get(_key(cell))
        if column is None:
            continue
        if column in found.values():
            raise ValidationFailed.on("file", f"表头中“{column.label}”列出现了两次，请删去一列")
        found[position] = column
    missing = [c.label for c in columns if c.required and c not in found.values()]
    if missing:
        expected = "、".join(c.label if c.label == c.field else f"{c.label}（{c.field}）" for c in columns)
        raise ValidationFailed.on("file", f"表头缺少列：{'、'.join(missing)}。第一行应为：{expected}")
    return found


def _lines(data: bytes, file_name: str, encodings: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    """The file's non-empty lines, cells stripped, each with its row number."""
    is_xlsx = file_name.lower().endswith((".xlsx", ".xlsm"))
    for n, row in enumerate(_xlsx(data) if is_xlsx else _csv(data, encodings), start=1):
        cells = [c.strip() for c in row]
        if any(cells):
            yield n, cells


def _table(
    head: list[str], body: Iterable[tuple[int, list[str]]], columns: Sequence[Column], file_name: str
) -> Iterator[TableRow]:
    at = _header(head, columns)
    is_csv = not file_name.lower().endswith((".xlsx", ".xlsm"))
    for n, row in body:
        if is_csv and any(row[len(head) :]):
            raise ValidationFailed.on(row_field(n, ""), "列数多于表头，请检查是否有未加引号的逗号")
        yield TableRow(n, {at[i].field: v for i, v in enumerate(row) if i in at and v})


def _empty() -> ValidationFailed:
    return ValidationFailed.on("file", "文件是空的：第一行应为表头，其后每行一条")


def read_rows(
    data: bytes,
    file_name: str,
    columns: Sequence[Column],
    max_rows: int | None = None,
    encodings: Sequence[str] = ENCODINGS,
) -> list[TableRow]:
    """The file's non-empty rows under the header, each keyed by field; a bad file says why."""
    numbered = list(_lines(data, file_name, encodings))
    if not numbered:
        raise _empty()
    (_, head), body = numbered[0], numbered[1:]
    if max_rows is not None and len(body) > max_rows:
        raise ValidationFailed.on(
            "file", f"一次最多导入 {max_rows} 行（本文件 {len(body)} 行），请拆分后分批导入"
        )
    return list(_table(head, body, columns, file_name))


def iter_rows(
    data: bytes, file_name: str, columns: Sequence[Column], encodings: Sequence[str] = ENCODINGS
) -> Iterator[TableRow]:
    """``read_rows`` one row at a time and without a row limit, for files too large to hold as
    rows (bank statements)."""
    lines = _lines(data, file_name, encodings)
    first = next(lines, None)
    if first is None:
        raise _empty()
    yield from _table(first[1], lines, columns, file_name)


def row_field(line: int, label: str) -> str:
    """How a bad cell is named: ``第3行.号码``."""
    return f"第{line}行.{label}" if label else f"第{line}行"


def refuse(errors: Sequence[FieldError]) -> ValidationFailed:
    """One error for a whole file: nothing was written; the first cell named in the message."""
    listed = list(errors[:ERRORS_LISTED])
    if len(errors) > ERRORS_LISTED:
        listed.append(FieldError("file", f"另有 {len(errors) - ERRORS_LISTED} 处错误未列出"))
    first = errors[0]
    return ValidationFailed(
        f"导入失败：{len(errors)} 处错误，未写入任何数据（首处 {first.field}：{first.message}）", listed
    )


def parse_rows(rows: Sequence[TableRow], schema: type[M], columns: Sequence[Column]) -> list[tuple[int, M]]:
    """Every row as ``schema`` with its row number, or one ``ValidationFailed`` naming each bad
    cell by row and column label."""
    labels = {c.field: c.label for c in columns}
    parsed: list[tuple[int, M]] = []
    errors: list[FieldError] = []
    for row in rows:
        try:
            parsed.append((row.line, schema.model_validate(row.values)))
        except ValidationError as exc:
            for item in exc.errors():
                field = str(item["loc"][0]) if item.get("loc") else ""
                errors.append(
                    FieldError(row_field(row.line, labels.get(field, field)), describe_pydantic_error(item))
                )
    if errors:
        raise refuse(errors)
    return parsed

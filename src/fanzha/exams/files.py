"""Tables in and out of files: CSV (UTF-8, BOM for spreadsheet programs) and XLSX with a header row.

Cells that a spreadsheet would run as a formula (leading = + - @) are written with a leading
apostrophe, so an exported answer text can never execute on an officer's computer.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from fanzha.core.cells import safe_row
from fanzha.core.errors import ValidationFailed


def read_table(content: bytes, filename: str, required: set[str]) -> list[dict[str, Any]]:
    """Rows as dicts keyed by the header; a missing column or unreadable file says what to do."""
    rows, header = _xlsx(content) if filename.lower().endswith(".xlsx") else _csv(content)
    missing = required - {h.strip() for h in header if h}
    if missing:
        raise ValidationFailed.on("file", f"缺少列：{'、'.join(sorted(missing))}（请使用导出的模板）")
    return rows


def _csv(content: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed.on("file", "CSV 文件须为 UTF-8 编码，请在表格软件中另存为“CSV UTF-8”") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = list(reader.fieldnames or [])
    rows = []
    for row in reader:
        if None in row:
            raise ValidationFailed.on(f"第{reader.line_num}行", "列数多于表头，请检查是否有未加引号的逗号")
        rows.append(dict(row))
    return rows, header


def _xlsx(content: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationFailed.on("file", "无法读取 XLSX 文件，请确认文件未损坏并另存后重试") from exc
    if not values:
        raise ValidationFailed.on("file", "XLSX 文件是空的，请按模板填写")
    header = [str(h or "").strip() for h in values[0]]
    rows = [dict(zip(header, row, strict=False)) for row in values[1:] if any(c is not None for c in row)]
    return rows, header


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(map(safe_row, rows))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Sheet1") -> bytes:
    return write_xlsx_sheets([(title, columns, rows)])


def write_xlsx_sheets(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """One workbook, a sheet per (title, header, rows)."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(list(columns))
        for row in rows:
            sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

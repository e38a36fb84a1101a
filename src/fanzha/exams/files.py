"""Tables out to files: CSV (UTF-8, BOM for spreadsheet programs) and XLSX with a header row
(files come in through core.tabular).

Cells that a spreadsheet would run as a formula (leading = + - @) are written with a leading
apostrophe, so an exported answer text can never execute on an officer's computer.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from fanzha.core.cells import safe_row


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

"""Cells for CSV and XLSX exports that a spreadsheet shows as text and never runs.

Text from outside (an account name in a bank statement, a unit's name) that starts like a formula
(``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM``) would be evaluated when an officer opens the file;
such text is written with a leading apostrophe. Numbers, and text that is only a signed number,
are left alone.
"""

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[ .,]*\d[\d .,]*%?")  # spaces only: a tab or CR start is refused


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(row: Any) -> list[Any]:
    return [safe_cell(v) for v in row]

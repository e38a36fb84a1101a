"""Exports never hand a spreadsheet a formula: text from statements or the tree that starts
like one is written as text, numbers and signed percentages stay as they are."""

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fanzha.bulletins import render
from fanzha.bulletins.service import bulletin_for
from fanzha.core.cells import FORMULA_START, safe_cell
from fanzha.core.principal import system_principal
from fanzha.funds import export
from fanzha.funds.graph import index_for
from fanzha.funds.importer import import_statement
from fanzha.funds.store import TransactionStore
from fanzha.funds.trace import TraceParams, trace
from tests.factories import World

EVIL = "=1+2"


def test_trace_csv_writes_a_formula_named_account_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FANZHA_FUNDS_DATA_DIR", str(tmp_path))
    store = TransactionStore()
    header = "account,counterparty_account,bank,direction,amount,balance,time,channel,counterparty_name\n"
    line = f"V,{EVIL},ICBC,out,100.00,,2026-11-01T02:00:00+00:00,网银,\n"
    import_statement(store, (header + line).encode(), "evil.csv", "test")
    result = trace(index_for(store), TraceParams("V", datetime(2026, 11, 1, tzinfo=UTC), "fifo"))
    cells = [c for row in csv.reader(io.StringIO(export.to_csv(result))) for c in row]
    assert f"'{EVIL}" in cells and EVIL not in cells


def test_bulletin_csv_and_xlsx_write_a_formula_named_unit_as_text(session: Session, world: World) -> None:
    world.node("369901").name = '=HYPERLINK("http://evil.example","东区")'
    session.flush()
    b = bulletin_for(session, system_principal(), "369900", "2026-10")
    cells = [c for row in csv.reader(io.StringIO(render.to_csv(b).lstrip("\ufeff"))) for c in row]
    assert not [c for c in cells if c.startswith("=")]
    assert "'=HYPERLINK(" in "".join(cells)
    book = load_workbook(io.BytesIO(render.to_xlsx(b)))
    values = [v for sheet in book for row in sheet.iter_rows(values_only=True) for v in row]
    assert not [v for v in values if isinstance(v, str) and v.startswith("=")]


@given(text=st.text(min_size=1))
@example(text="\r")  # a lone carriage return passed as a "number" (whitespace counted as digits)
@example(text="\t1")
def test_no_cell_starts_like_a_formula_unless_it_is_a_number(text: str) -> None:
    cell = safe_cell(text)
    if cell.startswith(FORMULA_START):
        assert cell.lstrip("+-").replace(" ", "").replace(",", "").replace(".", "").rstrip("%").isdigit()


def test_numbers_and_changes_stay_as_written() -> None:
    assert [safe_cell(v) for v in ("+150.0%", "-3.5", 12, "-")] == ["+150.0%", "-3.5", 12, "'-"]

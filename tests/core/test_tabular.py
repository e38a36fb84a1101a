"""The one table reader importers share: encodings, XLSX, header mapping, per-row errors."""

import io
from datetime import date

import pytest
from openpyxl import Workbook
from pydantic import Field

from fanzha.core.errors import ValidationFailed
from fanzha.core.inputs import Input
from fanzha.core.tabular import Column, TableRow, iter_rows, parse_rows, read_rows

COLUMNS = [
    Column("phone", "号码", required=True, aliases=("电话",)),
    Column("count", "次数"),
    Column("note", "备注"),
]


class Row(Input):
    phone: str = Field(min_length=5, max_length=20)
    count: int = 0
    note: str = ""


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_csv_in_utf8_with_bom_and_in_gbk_read_the_same() -> None:
    text = "号码,次数,其他列\n13800001111,2,x\n\n,,\n13900002222,,y\n"
    for data in (("\ufeff" + text).encode("utf-8"), text.encode("gbk")):
        rows = read_rows(data, "a.csv", COLUMNS, max_rows=10)
        assert rows == [
            TableRow(2, {"phone": "13800001111", "count": "2"}),
            TableRow(5, {"phone": "13900002222"}),
        ]


def test_headers_match_by_field_label_or_alias_in_any_width_and_case() -> None:
    rows = read_rows("ＰＨＯＮＥ , 备注\n1380000,hi\n".encode(), "a.csv", COLUMNS, max_rows=10)
    assert rows == [TableRow(2, {"phone": "1380000", "note": "hi"})]
    rows = read_rows("电话\n1380000\n".encode(), "a.csv", COLUMNS, max_rows=10)
    assert rows[0].values == {"phone": "1380000"}


@pytest.mark.parametrize(
    ("data", "name", "fix"),
    [(b"\xff\xfe\x80\x81abc", "a.csv", "CSV UTF-8"), (b"PK\x03\x04not a workbook", "a.xlsx", "另存为 .xlsx")],
)
def test_unreadable_file_says_how_to_fix(data: bytes, name: str, fix: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        read_rows(data, name, COLUMNS, max_rows=10)
    assert fix in err.value.message


def test_xlsx_numbers_and_dates_read_as_written() -> None:
    data = _xlsx([["号码", "次数", "备注"], [13800001111, 3, date(2026, 5, 1)], [None, None, None]])
    rows = read_rows(data, "a.xlsx", COLUMNS, max_rows=10)
    assert rows == [TableRow(2, {"phone": "13800001111", "count": "3", "note": "2026-05-01"})]


def test_header_problems_are_named() -> None:
    with pytest.raises(ValidationFailed) as err:
        read_rows("次数\n1\n".encode(), "a.csv", COLUMNS, max_rows=10)
    assert "表头缺少列：号码" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        read_rows("号码,电话\n1,2\n".encode(), "a.csv", COLUMNS, max_rows=10)
    assert "“号码”列出现了两次" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        read_rows(b"", "a.csv", COLUMNS, max_rows=10)
    assert "文件是空的" in err.value.message


def test_too_many_rows_refused_before_reading_them() -> None:
    with pytest.raises(ValidationFailed) as err:
        read_rows("号码\n1\n2\n3\n".encode(), "a.csv", COLUMNS, max_rows=2)
    assert "最多导入 2 行" in err.value.message


def test_parse_names_every_bad_cell_by_row_and_column() -> None:
    rows = read_rows("号码,次数\n13800001111,1\n12,x\n,2\n".encode(), "a.csv", COLUMNS, max_rows=10)
    with pytest.raises(ValidationFailed) as err:
        parse_rows(rows, Row, COLUMNS)
    fields = {f.field: f.message for f in err.value.fields}
    assert fields == {
        "第3行.号码": "至少 5 个字符",
        "第3行.次数": "必须是整数",
        "第4行.号码": "必填",
    }
    assert err.value.message.startswith("导入失败：3 处错误，未写入任何数据（首处 第3行.号码：")


def test_parse_returns_rows_with_their_line() -> None:
    rows = read_rows("号码,次数\n13800001111,1\n".encode(), "a.csv", COLUMNS, max_rows=10)
    assert parse_rows(rows, Row, COLUMNS) == [(2, Row(phone="13800001111", count=1))]


def test_a_csv_line_wider_than_the_header_is_refused_by_its_row() -> None:
    """An unquoted comma shifts a line's cells: refused rather than read into the wrong columns."""
    with pytest.raises(ValidationFailed) as err:
        read_rows("号码,次数\n13800001111,1\n13900002222,1,多余\n".encode(), "a.csv", COLUMNS)
    assert [f.field for f in err.value.fields] == ["第3行"]
    assert "未加引号的逗号" in err.value.message


def test_a_large_file_streams_row_by_row_without_a_limit() -> None:
    rows = iter_rows("号码\n1\n\n2\n3\n".encode(), "a.csv", COLUMNS)
    assert next(rows) == TableRow(2, {"phone": "1"})
    assert [r.line for r in rows] == [4, 5]
    with pytest.raises(ValidationFailed, match="文件是空的"):
        next(iter_rows(b"", "a.csv", COLUMNS))

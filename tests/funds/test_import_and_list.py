"""Statement import (errors, duplicates, XLSX) and the 断卡 list check (limited, audited)."""

import io
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.core.errors import TooManyRequests, ValidationFailed
from fanzha.funds import punishment
from fanzha.funds.importer import COLUMNS, import_statement
from fanzha.funds.store import TransactionStore
from tests.factories import World

HEADER = ",".join(COLUMNS) + "\n"
GOOD = "6222 0001,6222 0002,icbc,转出,1200.50,300.00,2026-11-20 09:30:00,手机银行,李四\n"


def test_duplicates_are_skipped_and_counted(store: TransactionStore) -> None:
    first = import_statement(store, (HEADER + GOOD).encode(), "a.csv", "test")
    again = import_statement(store, (HEADER + GOOD + GOOD).encode(), "b.csv", "test")
    assert (first.rows_added, again.rows_read, again.rows_added, again.duplicates) == (1, 2, 0, 2)
    rows = store.query(
        "SELECT account, bank, direction, CAST(amount AS VARCHAR), CAST(ts AS VARCHAR) FROM tx"
    )
    assert rows == [("62220001", "ICBC", "out", "1200.50", "2026-11-20 01:30:00")]


def test_malformed_rows_name_row_and_field_and_write_nothing(store: TransactionStore) -> None:
    bad = "6222,6223,ICBC,sideways,12.345,,yesterday,,\n"
    with pytest.raises(ValidationFailed) as err:
        import_statement(store, (HEADER + GOOD + bad).encode(), "a.csv", "test")
    assert {f.field for f in err.value.fields} == {"第3行.direction", "第3行.amount", "第3行.time"}
    assert store.query("SELECT count(*) FROM tx") == [(0,)]


def test_xlsx_import(store: TransactionStore) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(COLUMNS)
    sheet.append(["62220001", "62220002", "CCB", "in", 88.8, None, "2026-11-20T09:30:00+08:00", "", ""])
    data = io.BytesIO()
    book.save(data)
    assert import_statement(store, data.getvalue(), "s.xlsx", "test").rows_added == 1


def test_import_endpoint_audits_the_batch(
    login, session: Session, world: World, store: TransactionStore
) -> None:  # type: ignore[no-untyped-def]
    files = {"file": ("s.csv", (HEADER + GOOD).encode(), "text/csv")}
    r = login("police_a").post("/api/v1/funds/transactions/import", files=files)
    assert r.status_code == 200, r.text
    assert r.json()["rows_added"] == 1
    assert (
        session.query(AuditEntry).filter_by(action="funds.import", object_id=r.json()["batch"]).count() == 1
    )


CHECK = "/api/v1/funds/punishment/check"


def test_check_answers_listed_and_end_date_only(client, login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    body = {
        "id_number": "36990119900101123X",
        "name": "赵五",
        "reason": "出售银行卡 3 张",
        "node_code": "369901001",
        "starts_on": "2024-02-29",
    }
    assert login("police_a").post("/api/v1/funds/punishment", json=body).status_code == 201
    headers = {"Authorization": f"Bearer {world.keys['icbc-system']}"}
    r = client.post(CHECK, json={"id_number": "36990119900101123x"}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"listed": True, "ends_on": "2029-02-28"}
    other = client.post(CHECK, json={"id_number": "369901199001019999"}, headers=headers)
    assert other.json() == {"listed": False, "ends_on": None}
    assert session.query(AuditEntry).filter_by(action="funds.punish.check").count() == 2
    assert login("police_a").post(CHECK, json={"id_number": "369901199001019999"}).status_code == 403


def test_check_is_rate_limited_per_client(session: Session, world: World) -> None:
    bucket = punishment.TokenBucket(rate=1.0, burst=2)
    assert bucket.take("a", now=0.0) == 0 and bucket.take("a", now=0.0) == 0
    assert bucket.take("a", now=0.0) > 0
    assert bucket.take("b", now=0.0) == 0
    assert bucket.take("a", now=1.0) == 0
    client = replace(world.principals["bank_icbc"], permissions=frozenset({"funds.check"}))
    slow = punishment.TokenBucket(rate=0.001, burst=2)
    for _ in range(2):
        punishment.check(session, "369901199001019999", client, bucket=slow)
    with pytest.raises(TooManyRequests) as err:
        punishment.check(session, "369901199001019999", client, bucket=slow)
    assert err.value.retry_after_s > 1


def test_listing_runs_five_years() -> None:
    assert punishment.years_later(date(2024, 2, 29), 5) == date(2029, 2, 28)
    assert punishment.years_later(date(2026, 11, 20), 5) == date(2031, 11, 20)

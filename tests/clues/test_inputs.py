"""Clues from files and from cases: a file imports whole or not at all, naming each bad row and
column in Chinese; importing it again adds nothing; a case's suspect identifiers become clues
once, worked at the case's node."""

import io
from collections.abc import Callable

from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.clues.models import Clue
from tests.clues.factories import case_with
from tests.factories import World

Login = Callable[[str], TestClient]
HEADER = "来源编号,类型,线索内容,级别,摘要,辖区编码"


def _csv(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode("utf-8")


def _upload(client: TestClient, data: bytes, name: str = "clues.csv") -> Response:
    response: Response = client.post("/api/v1/clues/import", files={"file": (name, data)})
    return response


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Clue)) or 0


def test_file_import_creates_then_a_reimport_answers_the_same_clues(
    login: Login, session: Session, world: World
) -> None:
    client = login("commander")
    data = _csv(
        "SJ-1,电话号码,139 1234 5678,一级,冒充客服,369901001001",
        "SJ-2,bank_account,6222-0200-1234-5678,2,,369901002001",
    )
    first = _upload(client, data)
    assert first.status_code == 201 and len(first.json()["created"]) == 2
    again = _upload(client, data)
    assert again.status_code == 200 and again.json() == {"created": [], "existing": first.json()["created"]}
    clues = session.scalars(select(Clue).order_by(Clue.id)).all()
    assert [(c.source, c.kind, c.norm, c.level, c.node_path.split("/")[-2]) for c in clues] == [
        ("import", "phone", "13912345678", "1", "369901001001"),
        ("import", "bank_account", "6222020012345678", "2", "369901002001"),
    ]


def test_xlsx_in_gbk_headers_reads_like_csv(login: Login, session: Session, world: World) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["来源编号", "类型", "线索内容"])
    sheet.append(["X-1", "QQ号", 778899])
    out = io.BytesIO()
    book.save(out)
    r = _upload(login("commander"), out.getvalue(), "clues.xlsx")
    assert r.status_code == 201
    clue = session.scalars(select(Clue)).one()
    assert (clue.kind, clue.value, clue.level) == ("qq", "778899", "2")
    gbk = _upload(login("commander"), _csv("G-1,微信号,wx_abc,三级,,").decode().encode("gbk"))
    assert gbk.status_code == 201


def test_bad_rows_are_named_and_nothing_is_written(login: Login, session: Session, world: World) -> None:
    r = _upload(
        login("police_a"),
        _csv(
            "A-1,电话号码,13912345678,一级,,369901001001",
            "A-2,飞鸽,13900000000,一级,,",
            "A-3,电话号码,13900000001,五级,,369901002001",
            ",电话号码,,一级,,",
        ),
    )
    assert r.status_code == 422
    fields = {f["field"]: f["message"] for f in r.json()["error"]["fields"]}
    assert set(fields) == {"第3行.类型", "第4行.级别", "第5行.来源编号", "第5行.线索内容"}
    assert r.json()["error"]["message"].startswith("导入失败：4 处错误，未写入任何数据")
    # Each row parses, but one names a node outside the officer's station.
    out_of_scope = _upload(login("police_a"), _csv("B-1,电话号码,13912345678,一级,,369901002001"))
    assert out_of_scope.status_code == 422
    assert out_of_scope.json()["error"]["fields"][0]["field"] == "第2行.辖区编码"
    assert "不在您的管辖范围内" in out_of_scope.json()["error"]["fields"][0]["message"]
    assert _count(session) == 0


def test_missing_column_and_unreadable_file_say_how_to_fix(login: Login, world: World) -> None:
    client = login("commander")
    missing = _upload(client, "来源编号,线索内容\n1,2\n".encode())
    assert missing.status_code == 422 and "表头缺少列：类型" in missing.json()["error"]["message"]
    assert _upload(client, b"\xff\xfe\x80\x81").json()["error"]["message"].startswith("文件")


def test_case_identifiers_become_clues_once_at_the_case_node(
    login: Login, session: Session, world: World
) -> None:
    case_id = case_with(
        session,
        world,
        ("phone", "139-1234-5678"),
        ("phone", "+86 13912345678"),
        ("bank_account", "6222 0200 1234 5678"),
        ("url", "https://m.pay-x.com.cn/a"),
        node="369901002001",
    )
    client = login("commander")
    first = client.post(f"/api/v1/clues/from-case/{case_id}", json={"level": "1"})
    assert first.status_code == 201 and len(first.json()["created"]) == 3
    again = client.post(f"/api/v1/clues/from-case/{case_id}", json={})
    assert again.status_code == 200 and sorted(again.json()["existing"]) == sorted(first.json()["created"])
    clues = session.scalars(select(Clue).order_by(Clue.id)).all()
    assert {(c.source, c.kind, c.norm, c.case_id, c.level) for c in clues} == {
        ("case", "phone", "13912345678", case_id, "1"),
        ("case", "bank_account", "6222020012345678", case_id, "1"),
        ("case", "url", "pay-x.com.cn", case_id, "1"),
    }
    assert {c.node_path for c in clues} == {world.node("369901002001").path}
    assert login("police_a").post(f"/api/v1/clues/from-case/{case_id}", json={}).status_code == 404
    # The key names the identifier; shown, it is masked as the value is (it carried the number whole).
    listed = {c["kind"]: c for c in client.get("/api/v1/clues").json() if c["case_id"] == case_id}
    assert "13912345678" not in str(listed) and "6222020012345678" not in str(listed)
    assert listed["phone"]["source_id"].endswith("/phone/139****5678")
    assert listed["url"]["source_id"].endswith("/url/pay-x.com.cn")  # not personal data: whole
    page = client.get(f"/clues/{listed['bank_account']['id']}", headers={"Accept": "text/html"})
    assert (
        page.status_code == 200 and "6222 **** **** 5678" in page.text and "6222020012345678" not in page.text
    )

"""The jurisdiction tree: placement rules, all-or-nothing imports, subtree scoping."""

import json

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fanzha.cli import app as cli_app
from fanzha.core.scope import is_within, path_for, upper_bound
from fanzha.jurisdiction import repository as repo
from fanzha.jurisdiction import service
from fanzha.jurisdiction.models import Node
from tests.factories import World


def node_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Node)) or 0


def test_subtree_contains_exactly_descendants(session: Session, world: World) -> None:
    east = world.node("369901")
    codes = {n.code for n in repo.subtree(session, east.path)}
    assert codes == {"369901", "369901001", "369901002", "369901001001", "369901001002", "369901002001"}


def test_sibling_with_longer_code_is_not_inside(session: Session, world: World) -> None:
    # "/369900/369901/" must not contain a node whose code merely starts with 369901.
    assert not is_within("/369900/3699010/", "/369900/369901/")
    assert upper_bound("/369900/369901/") <= "/369900/3699010/"


codes = st.lists(st.text("0123456789", min_size=1, max_size=4), min_size=1, max_size=4)


@given(a=codes, b=codes)
def test_range_test_agrees_with_prefix_test(a: list[str], b: list[str]) -> None:
    pa = pb = None
    for c in a:
        pa = path_for(pa, c)
    for c in b:
        pb = path_for(pb, c)
    assert pa is not None and pb is not None
    in_range = pb <= pa < upper_bound(pb)
    assert in_range == is_within(pa, pb)


def test_admin_imports_csv_via_api(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    csv_text = (
        "code,name,level,parent_code,population\n369902002,丁派出所,station,369902,10\n"
        "369902002001,丁一社区,grid,369902002,10\n"
    )
    r = c.post("/api/v1/nodes/import", files={"file": ("tree.csv", csv_text.encode(), "text/csv")})
    assert r.status_code == 201, r.text
    assert [n["code"] for n in r.json()] == ["369902002", "369902002001"]
    assert repo.node_by_code(session, "369902002001").path == "/369900/369902/369902002/369902002001/"  # type: ignore[union-attr]


def test_bad_rows_name_the_field_and_write_nothing(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    before = node_count(session)
    bad = [
        {"code": "369902009", "name": "好的派出所", "level": "station", "parent_code": "369902"},
        {"code": "369901", "name": "重复", "level": "district", "parent_code": "369900"},
        {"code": "369999001", "name": "孤儿", "level": "station", "parent_code": "369999"},
        {"code": "369902001009", "name": "错层", "level": "station", "parent_code": "369902001"},
        {"code": "36990X", "name": "坏编码", "level": "district", "parent_code": "369900"},
    ]
    r = c.post(
        "/api/v1/nodes/import", files={"file": ("t.json", json.dumps(bad).encode(), "application/json")}
    )
    assert r.status_code == 422
    fields = {f["field"] for f in r.json()["error"]["fields"]}
    assert "第5行.code" in fields
    r = c.post(
        "/api/v1/nodes/import", files={"file": ("t.json", json.dumps(bad[:4]).encode(), "application/json")}
    )
    fields = {f["field"]: f["message"] for f in r.json()["error"]["fields"]}
    assert "已存在" in fields["第2行.code"]
    assert "不存在" in fields["第3行.parent_code"]
    assert "上级必须是" in fields["第4行.level"] or "第4行.level" in fields
    assert node_count(session) == before


def test_unit_on_unknown_node_is_refused(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    r = c.post("/api/v1/units", json={"name": "新单位", "kind": "station", "node_code": "369977"})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == [{"field": "node_code", "message": "辖区节点 369977 不存在"}]


def test_malformed_csv_is_a_clear_error(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    before = node_count(session)
    r = c.post("/api/v1/nodes/import", files={"file": ("t.csv", b"code;name\n1;2\n", "text/csv")})
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["field"] == "file"
    assert "缺少列" in r.json()["error"]["fields"][0]["message"]
    assert node_count(session) == before


def test_export_round_trips_through_import(session: Session, world: World) -> None:
    rows = service.export_rows(session, world.node("369902").path)
    text = service.rows_to_text(rows, "csv")
    parsed = service.rows_from_text(text, "csv")
    assert [r["code"] for r in parsed] == ["369902", "369902001", "369902001001"]
    assert parsed[1]["parent_code"] == "369902"


def test_station_sees_only_its_subtree(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("police_a")
    codes = {n["code"] for n in c.get("/api/v1/nodes").json()}
    assert codes == {"369901001", "369901001001", "369901001002"}
    assert c.get("/api/v1/nodes/369901002").status_code == 404


def test_cli_import_reports_errors_in_chinese(tmp_path, engine) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,level,parent_code\n12,短,city,\n", encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["tree", "import", str(bad)])
    assert result.exit_code == 2
    assert "第1行.code" in result.output
    assert "至少 6 个字符" in result.output

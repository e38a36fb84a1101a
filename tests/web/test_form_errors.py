"""A console form the service refuses comes back in the console with what the officer typed and a
Chinese line naming the field at fault, and nothing is half-saved."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.accounts.models import ApiKey, User
from fanzha.cases.models import Case
from fanzha.jurisdiction.models import Unit
from tests.factories import World
from tests.web.test_console import HTML, browser_login


def _post(app: FastAPI, path: str, data: dict[str, str | list[str]]) -> Response:
    client = TestClient(app)
    csrf = browser_login(client, "commander")
    return client.post(path, data={"csrf_token": csrf, **data}, headers=HTML)


def _in_the_console(r: Response, message: str) -> None:
    assert r.status_code == 422, r.text
    assert message in r.text and r.text.count('class="topbar"') == 1 and 'id="error"' in r.text


def _count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_new_case_keeps_what_was_typed(app: FastAPI, world: World, session: Session) -> None:
    before = _count(session, Case)
    typed = {"occurred_at": "2026-11-20T09:30", "node_code": "369901001001", "fraud_type": "rebate_task"}
    typed |= {"loss_amount": "12元", "victim_name": "王小明", "victim_phone": "13812345678"}
    typed |= {"victim_age": "34", "victim_group": "worker", "summary": "刷单返利，先小额返现"}
    r = _post(app, "/cases/new", typed)
    _in_the_console(r, "损失金额：必须是数字")
    assert 'value="12元"' in r.text and 'value="王小明"' in r.text and 'value="2026-11-20T09:30"' in r.text
    assert 'value="rebate_task" selected' in r.text and 'value="worker" selected' in r.text
    assert "刷单返利，先小额返现</textarea>" in r.text
    bad_time = _post(app, "/cases/new", typed | {"loss_amount": "100", "occurred_at": "昨天"})
    _in_the_console(bad_time, "发生时间：时间格式不正确")
    assert _count(session, Case) == before


def test_new_unit_keeps_what_was_typed(app: FastAPI, world: World, session: Session) -> None:
    before = _count(session, Unit)
    typed = {"name": "", "kind": "station", "node_code": "369901001", "bank_code": "ICBC"}
    r = _post(app, "/admin/units", typed)
    _in_the_console(r, "名称：")
    assert 'value="369901001"' in r.text and 'value="ICBC"' in r.text and 'value="station" selected' in r.text
    assert _count(session, Unit) == before


def test_new_user_keeps_what_was_typed_but_the_password(app: FastAPI, world: World, session: Session) -> None:
    before = _count(session, User)
    unit = str(world.units["station_a"].id)
    typed = {"username": "li.si", "display_name": "李四", "password": "short1", "role": "grid_worker"}
    r = _post(app, "/admin/users", typed | {"unit_id": unit})
    _in_the_console(r, "密码：至少 8 个字符")
    assert 'value="li.si"' in r.text and 'value="李四"' in r.text and "short1" not in r.text
    assert 'value="grid_worker" selected' in r.text and f'value="{unit}" selected' in r.text
    assert _count(session, User) == before


def test_new_key_without_a_permission_keeps_what_was_typed(
    app: FastAPI, world: World, session: Session
) -> None:
    before = _count(session, ApiKey)
    unit = str(world.units["station_a"].id)
    r = _post(app, "/admin/keys", {"name": "省厅推送", "unit_id": unit, "sources": ["province"]})
    _in_the_console(r, "权限：至少 1 项")
    assert 'value="省厅推送"' in r.text and f'value="{unit}" selected' in r.text
    assert 'name="sources" value="province" checked' in r.text and "新密钥已签发" not in r.text
    assert _count(session, ApiKey) == before


def test_deadline_row_keeps_what_was_typed(app: FastAPI, world: World) -> None:
    typed = {"node_code": "369901", "level": "high", "contact_min": "15", "visit_min": "90"}
    r = _post(app, "/admin/deadlines", typed | {"close_min": "一天", "auto_assign": "true"})
    _in_the_console(r, "高危预警 · 办结时限：必须是整数")
    row = r.text[r.text.index('id="refused"') :].split("</tr>")[0]
    assert 'value="15"' in row and 'value="90"' in row and 'value="一天"' in row and "checked" in row

"""Console pages through the app: login, per-role home, administration, errors, headers."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.accounts.models import ApiKey, User
from fanzha.core.principal import system_principal
from fanzha.jurisdiction import service as jurisdiction
from fanzha.jurisdiction.models import UnitKind
from fanzha.jurisdiction.schemas import UnitIn
from tests.factories import PASSWORD, World

HTML = {"Accept": "text/html"}


def browser_login(client: TestClient, username: str) -> str:
    """Logs in through the form like a browser; returns the CSRF token the pages carry."""
    r = client.post(
        "/login", data={"username": username, "password": PASSWORD, "next": "/"}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    home = client.get("/", headers=HTML)
    match = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert match, home.text
    return match.group(1)


def test_console_pages_send_anonymous_visitors_to_login(client: TestClient) -> None:
    for path in ["/", "/admin/users", "/admin/tree"]:
        r = client.get(path, headers=HTML, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"].startswith("/login")
    r = client.get("/admin/users", headers=HTML, follow_redirects=False)
    assert r.headers["location"] == "/login?next=/admin/users"


def test_wrong_password_shows_the_reason_in_chinese(client: TestClient, world: World) -> None:
    r = client.post("/login", data={"username": "dissuader", "password": "nope"})
    assert r.status_code == 401
    assert "用户名或密码错误" in r.text
    assert 'value="dissuader"' in r.text


def test_login_returns_only_to_same_site_paths(client: TestClient, world: World) -> None:
    data = {"username": "dissuader", "password": PASSWORD, "next": "//evil.example/x"}
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_home_shows_tiles_for_the_role(client: TestClient, world: World) -> None:
    browser_login(client, "bank_icbc")
    page = client.get("/", headers=HTML).text
    assert "系统管理" not in page
    client.cookies.clear()
    browser_login(client, "commander")
    page = client.get("/", headers=HTML).text
    assert "系统管理" in page
    assert 'href="/admin/users"' in page


def test_admin_pages_refuse_a_dissuader(client: TestClient, world: World) -> None:
    browser_login(client, "dissuader")
    r = client.get("/admin/users", headers=HTML)
    assert r.status_code == 403
    assert "没有执行此操作的权限" in r.text
    assert "/static/app.css" in r.text


def test_form_posts_without_csrf_token_are_refused(
    client: TestClient, world: World, session: Session
) -> None:
    browser_login(client, "commander")
    data = {"username": "newbie", "display_name": "新人", "password": "long-enough-1", "role": "dissuader"}
    data["unit_id"] = str(world.units["station_a"].id)
    r = client.post("/admin/users", data=data, headers=HTML)
    assert r.status_code == 403
    assert session.scalar(select(User).where(User.username == "newbie")) is None


def test_commander_creates_a_user_and_takes_them_off_duty(
    client: TestClient, world: World, session: Session
) -> None:
    csrf = browser_login(client, "commander")
    data = {"username": "newbie", "display_name": "新人", "password": "long-enough-1", "role": "dissuader"}
    r = client.post(
        "/admin/users",
        data={**data, "unit_id": str(world.units["station_a"].id), "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    user = session.scalar(select(User).where(User.username == "newbie"))
    assert user is not None and user.role == "dissuader"
    r = client.post(
        f"/admin/users/{user.id}",
        data={"role": "grid_worker", "active": "true", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    session.refresh(user)
    assert (user.role, user.on_duty, user.active) == ("grid_worker", False, True)
    assert "newbie" in client.get("/admin/users", headers=HTML).text


def test_bad_user_form_names_the_field(client: TestClient, world: World) -> None:
    csrf = browser_login(client, "commander")
    data = {"username": "x", "display_name": "新人", "password": "short", "role": "dissuader"}
    r = client.post(
        "/admin/users",
        data={**data, "unit_id": str(world.units["station_a"].id), "csrf_token": csrf},
        headers=HTML,
    )
    assert r.status_code == 422
    error = re.search(r'id="error"[^>]*>([^<]*)<', r.text)
    assert error and "用户名：" in error[1] and "密码：" in error[1] and "username" not in error[1]


def test_api_key_token_is_shown_once_and_can_be_revoked(
    client: TestClient, world: World, session: Session
) -> None:
    csrf = browser_login(client, "commander")
    r = client.post(
        "/admin/keys",
        data={
            "name": "province-feed",
            "unit_id": str(world.units["centre"].id),
            "scopes": ["warnings.intake", "warnings.feedback"],
            "sources": ["province"],
            "csrf_token": csrf,
        },
    )
    assert r.status_code == 200
    token = re.search(r'id="new-token">([^<]+)<', r.text)
    assert token is not None
    assert token.group(1) not in client.get("/admin/keys", headers=HTML).text
    key = session.scalar(select(ApiKey).where(ApiKey.name == "province-feed"))
    assert key is not None
    assert (
        TestClient(client.app)
        .get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token.group(1)}"})
        .status_code
        == 200
    )
    client.post(f"/admin/keys/{key.id}/revoke", data={"csrf_token": csrf})
    r = TestClient(client.app).get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert r.status_code == 401


def test_station_admin_sees_only_their_subtree(client: TestClient, world: World) -> None:
    browser_login(client, "admin_a")
    tree = client.get("/admin/tree", headers=HTML).text
    assert "阳光社区" in tree and "翠苑社区" not in tree
    r = client.get("/admin/tree?node=369901002", headers=HTML)
    assert r.status_code == 404
    users = client.get("/admin/users", headers=HTML).text
    assert "police_a" in users and "police_b" not in users


def test_tree_import_from_the_page(client: TestClient, world: World) -> None:
    csrf = browser_login(client, "commander")
    csv = "code,name,level,parent_code\n369902001002,新村,4,369902001\n"
    r = client.post(
        "/admin/tree/import",
        data={"csrf_token": csrf},
        files={"file": ("grids.csv", csv.encode(), "text/csv")},
    )
    assert r.status_code == 200
    assert "已导入 1 个节点" in r.text
    assert "新村" in client.get("/admin/tree?node=369902001", headers=HTML).text


def test_pages_forbid_loading_anything_from_elsewhere(client: TestClient) -> None:
    r = client.get("/login")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert not re.search(r'(src|href)="(https?:)?//', r.text)


def test_large_text_mode_sticks(client: TestClient) -> None:
    client.get("/large-text?on=true&back=/privacy")
    assert 'class="large-text' in client.get("/privacy").text
    client.get("/large-text?on=false&back=/privacy")
    assert 'class="large-text' not in client.get("/privacy").text


def test_deadlines_are_set_per_jurisdiction(client: TestClient, world: World) -> None:
    csrf = browser_login(client, "commander")
    page = client.get("/admin/deadlines?node=369901001", headers=HTML).text
    assert 'name="contact_min" type="number" min="1" value="5"' in page  # the high-level default
    form = {
        "csrf_token": csrf,
        "node_code": "369901001",
        "level": "high",
        "contact_min": "3",
        "close_min": "90",
    }
    r = client.post("/admin/deadlines", data={**form, "visit_min": "20"}, follow_redirects=False)
    assert r.status_code == 303
    station = client.get("/admin/deadlines?node=369901001001", headers=HTML).text  # a grid inherits it
    assert 'value="3"' in station and 'value="20"' in station and 'value="90"' in station
    other = client.get("/admin/deadlines?node=369902", headers=HTML).text
    assert 'name="contact_min" type="number" min="1" value="5"' in other
    bad = client.post("/admin/deadlines", data={**form, "contact_min": "0"}, headers=HTML)
    assert bad.status_code == 422 and "首次联系时限" in bad.text


def test_home_greets_by_name_and_names_the_jurisdiction(
    client: TestClient, world: World, session: Session
) -> None:
    user = session.get(User, world.users["police_a"])
    assert user is not None
    user.display_name = "张警官"
    session.flush()
    browser_login(client, "police_a")
    home = client.get("/", headers=HTML).text
    assert "您好，张警官" in home
    scope = home.split('id="scope">')[1].split("</p>")[0]
    assert "甲派出所 · 管辖范围 测试市 / 东区 / 甲派出所" in scope and "/369900/" not in scope


def test_favicon_is_served_and_linked(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in icon.content
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/login", headers=HTML).text


def test_units_page_is_paged_and_searchable(client: TestClient, world: World, session: Session) -> None:
    for i in range(60):
        jurisdiction.create_unit(
            session,
            UnitIn(name=f"测试警务室{i:02d}", kind=UnitKind.GRID_TEAM, node_code="369901001002"),
            system_principal(),
        )
    browser_login(client, "commander")
    first = client.get("/admin/units", headers=HTML).text
    assert first.count("<tr><td") == 50 and "共 68 条 · 第 1/2 页" in first
    assert client.get("/admin/units?page=2", headers=HTML).text.count("<tr><td") == 18
    found = client.get("/admin/units?q=警务室05", headers=HTML).text
    assert found.count("<tr><td") == 1 and "测试警务室05" in found
    west = client.get("/admin/units?q=369902", headers=HTML).text  # by node code: the west district's
    assert "共 1 条" in west and "丙派出所" in west
    assert "没有名称含“无此单位”的单位" in client.get("/admin/units?q=无此单位", headers=HTML).text


def test_deadline_settings_headers_match_their_columns(client: TestClient, world: World) -> None:
    browser_login(client, "commander")
    page = client.get("/admin/deadlines?node=369901001", headers=HTML).text
    table = page.split('<table class="data">')[1].split("</table>")[0]
    header = table.count("<th>")
    rows = table.split("<tbody>")[1].split("</tr>")[:-1]
    assert header == 3 and all(row.count("<td") == header for row in rows)


def test_bulletin_page_keeps_the_console_top_bar_and_menu(client: TestClient, world: World) -> None:
    browser_login(client, "stats")
    page = client.get("/bulletins", headers=HTML).text
    assert 'class="topbar"' in page and 'href="/bulletins" class="active"' in page
    assert "电信网络诈骗防范打击工作通报" in page and 'id="bulletin-form"' in page
    assert "<!DOCTYPE" not in page.split("<main")[1]  # one document, the bulletin inside it

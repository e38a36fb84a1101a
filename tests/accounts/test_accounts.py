"""Logins, throttling, CSRF, roles and API keys."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.core.security import token_digest
from tests.factories import PASSWORD, World


def test_login_sets_session_and_me_shows_scope(client: TestClient, world: World) -> None:
    r = client.post("/api/v1/auth/login", json={"username": "police_a", "password": PASSWORD})
    assert r.status_code == 200
    me = client.get("/api/v1/auth/me").json()
    assert me["role"] == "community_police"
    assert me["scope_path"] == "/369900/369901/369901001/"
    assert "warnings.work" in me["permissions"]


def test_wrong_password_then_lockout(client: TestClient, world: World) -> None:
    for _ in range(5):
        r = client.post("/api/v1/auth/login", json={"username": "analyst", "password": "nope"})
        assert r.status_code == 401
        assert r.json()["error"]["message"] == "用户名或密码错误"
    r = client.post("/api/v1/auth/login", json={"username": "analyst", "password": PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0


def test_cookie_writes_need_the_csrf_token(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    body = {"name": "新密钥", "unit_id": world.units["centre"].id, "scopes": ["detect.use"]}
    token = c.headers.pop("X-CSRF-Token")
    r = c.post("/api/v1/api-keys", json=body)
    assert r.status_code == 403
    assert "CSRF" in r.json()["error"]["message"]
    r = c.post("/api/v1/api-keys", json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 201


def test_revoked_api_key_stops_working(login, world: World) -> None:  # type: ignore[no-untyped-def]
    admin: TestClient = login("commander")
    r = admin.post(
        "/api/v1/api-keys",
        json={
            "name": "临时客户端",
            "unit_id": world.units["centre"].id,
            "scopes": ["warnings.intake"],
            "sources": ["city"],
        },
    )
    key = r.json()
    machine = TestClient(admin.app)
    auth = {"Authorization": f"Bearer {key['token']}"}
    assert machine.get("/api/v1/auth/me", headers=auth).json()["kind"] == "client"
    assert admin.post(f"/api/v1/api-keys/{key['id']}/revoke").json()["revoked_at"] is not None
    r = machine.get("/api/v1/auth/me", headers=auth)
    assert r.status_code == 401
    assert "吊销" in r.json()["error"]["message"]


def test_api_key_scope_limits_endpoints(client: TestClient, world: World) -> None:
    auth = {"Authorization": f"Bearer {world.keys['feed']}"}
    assert client.get("/api/v1/users", headers=auth).status_code == 403


def test_machine_clients_cannot_hold_admin_scopes(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    r = c.post(
        "/api/v1/api-keys",
        json={"name": "管理密钥", "unit_id": world.units["centre"].id, "scopes": ["admin.users"]},
    )
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["field"] == "scopes"


def test_station_admin_cannot_create_users_elsewhere(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("police_a")
    r = c.post(
        "/api/v1/users",
        json={
            "username": "x1",
            "display_name": "x",
            "password": "12345678",
            "role": "dissuader",
            "unit_id": world.units["station_b"].id,
        },
    )
    assert r.status_code == 403  # community police hold no admin.users at all


def test_user_list_is_limited_to_subtree(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    names = {u["username"] for u in c.get("/api/v1/users").json()}
    assert {"police_a", "police_b", "bank_icbc"} <= names


def test_api_key_last_use_is_kept_to_the_minute(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests with one key within a minute do not each write the key's row (a feed's
    connections would wait on its lock); the admin page still sees the key's use to the minute."""
    start = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    clock = [start]
    monkeypatch.setattr(accounts, "utcnow", lambda: clock[0])
    token = world.keys["feed"]
    key = accounts.repo.api_key_by_digest(session, token_digest(token))
    assert key is not None
    key.last_used_at = None
    accounts.principal_from_api_key(session, token)
    assert key.last_used_at == start
    clock[0] = start + timedelta(seconds=59)
    accounts.principal_from_api_key(session, token)
    assert key.last_used_at == start
    clock[0] = start + timedelta(seconds=60)
    accounts.principal_from_api_key(session, token)
    assert key.last_used_at == clock[0]

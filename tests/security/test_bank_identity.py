"""Bank identity comes from the city centre's administration only.

A bank liaison sees and answers every request to its bank city-wide, so an administrator lower
in the tree who could name a bank would read that bank's requests and forge its receipts.
"""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.accounts.schemas import UserPatch
from fanzha.core.errors import Forbidden
from tests.factories import World


def test_station_admin_cannot_create_a_bank_branch(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("admin_a")
    body = {"name": "伪造工行", "kind": "bank_branch", "node_code": "369901001", "bank_code": "ICBC"}
    r = c.post("/api/v1/units", json=body)
    assert r.status_code == 403
    assert "市反诈中心" in r.json()["error"]["message"]
    r = c.post("/api/v1/units", json={**body, "kind": "station", "name": "带银行代码的所"})
    assert r.status_code == 403
    assert all(u["name"] != "伪造工行" for u in c.get("/api/v1/units").json())


def test_station_admin_cannot_name_a_bank_on_the_console(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("admin_a")
    form = {"name": "伪造建行", "kind": "bank_branch", "node_code": "369901001", "bank_code": "CCB"}
    r = c.post("/admin/units", data=form, headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 403


def test_centre_admin_registers_a_bank_branch(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    body = {"name": "农业银行工作组", "kind": "bank_branch", "node_code": "369900", "bank_code": "ABC"}
    r = c.post("/api/v1/units", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["bank_code"] == "ABC"


def test_station_admin_cannot_make_a_bank_liaison(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("admin_a")
    r = c.post(
        "/api/v1/users",
        json={
            "username": "fake_bank",
            "display_name": "假驻点",
            "password": "long-enough-1",
            "role": "bank_liaison",
            "unit_id": world.units["station_a"].id,
        },
    )
    assert r.status_code == 403
    r = c.patch(f"/api/v1/users/{world.users['police_a2']}", json={"role": "bank_liaison"})
    assert r.status_code == 403


def test_station_admin_cannot_issue_bank_keys(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("admin_a")
    body = {"name": "假银行系统", "unit_id": world.units["station_a"].id, "scopes": ["funds.bank"]}
    assert c.post("/api/v1/api-keys", json=body).status_code == 403
    body = {"name": "所内筛查", "unit_id": world.units["station_a"].id, "scopes": ["detect.use"]}
    assert c.post("/api/v1/api-keys", json=body).status_code == 201


def test_centre_admin_issues_bank_keys_and_liaisons(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    body = {"name": "工行新系统", "unit_id": world.units["icbc"].id, "scopes": ["funds.bank"]}
    assert c.post("/api/v1/api-keys", json=body).status_code == 201
    user = accounts.update_user(
        session, world.users["telecom"], UserPatch(role="bank_liaison"), world.principals["commander"]
    )
    assert user.role == "bank_liaison"


def test_the_rule_holds_in_the_service_too(session: Session, world: World) -> None:
    patch = UserPatch(role="bank_liaison")
    with pytest.raises(Forbidden, match="role"):
        accounts.update_user(session, world.users["police_a2"], patch, world.principals["admin_a"])

"""Login throttling: a stranger's wrong passwords do not lock an officer out, one address cannot
try name after name, and an unknown name costs as much work as a wrong password."""

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fanzha.core.config import get_settings
from tests.factories import PASSWORD, World

URL = "/api/v1/auth/login"


def _from(app: FastAPI, ip: str) -> TestClient:
    return TestClient(app, client=(ip, 40000))


def test_wrong_passwords_elsewhere_do_not_lock_the_officer_out(app: FastAPI, world: World) -> None:
    attacker, officer = _from(app, "203.0.113.9"), _from(app, "10.1.2.3")
    for _ in range(get_settings().login_max_failures):
        assert attacker.post(URL, json={"username": "analyst", "password": "guess"}).status_code == 401
    r = attacker.post(URL, json={"username": "analyst", "password": PASSWORD})
    assert r.status_code == 429
    assert "分钟后再试" in r.json()["error"]["message"]
    assert officer.post(URL, json={"username": "analyst", "password": PASSWORD}).status_code == 200


def test_one_address_cannot_try_name_after_name(app: FastAPI, world: World) -> None:
    sprayer, neighbour = _from(app, "203.0.113.10"), _from(app, "10.1.2.4")
    for n in range(get_settings().login_ip_max_failures):
        r = sprayer.post(URL, json={"username": f"user{n}", "password": "Spring2026!"})
        assert r.status_code == 401
    r = sprayer.post(URL, json={"username": "police_a", "password": PASSWORD})
    assert r.status_code == 429
    assert "本地址" in r.json()["error"]["message"]
    assert int(r.headers["retry-after"]) > 0
    assert neighbour.post(URL, json={"username": "police_a", "password": PASSWORD}).status_code == 200


def test_unknown_names_are_checked_against_a_hash_too(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str] = []
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str) -> bool:
        verified.append(password)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    for username in ("analyst", "no_such_officer"):
        r = client.post(URL, json={"username": username, "password": "wrong-one"})
        assert r.status_code == 401
        assert r.json()["error"]["message"] == "用户名或密码错误"
    assert verified == ["wrong-one", "wrong-one"]

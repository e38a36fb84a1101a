"""The session cookie is HttpOnly and SameSite=Lax always, and Secure when
FANZHA_SECURE_COOKIES is set (behind TLS; off by default so a plain-HTTP demo can sign in,
docs/settings.md)."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fanzha.core.config import get_settings
from tests.factories import World

LOGIN = {"username": "commander", "password": "correct-horse-1"}


@pytest.fixture
def secure(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("FANZHA_SECURE_COOKIES", "true")
    get_settings.cache_clear()
    try:
        yield
    finally:  # later tests must not keep the cached setting
        monkeypatch.delenv("FANZHA_SECURE_COOKIES")
        get_settings.cache_clear()


def _cookies(app: FastAPI) -> tuple[str, str]:
    """The Set-Cookie header of an API login and of a console (form) login."""
    api = TestClient(app).post("/api/v1/auth/login", json=LOGIN)
    form = TestClient(app).post("/login", data=LOGIN, follow_redirects=False)
    assert api.status_code == 200 and form.status_code in (302, 303), (api.text, form.text)
    return api.headers["set-cookie"], form.headers["set-cookie"]


def test_cookies_are_http_only_and_not_secure_by_default(app: FastAPI, world: World) -> None:
    for cookie in _cookies(app):
        assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
        assert "secure" not in cookie.lower()


def test_secure_cookies_setting_marks_them_secure(app: FastAPI, world: World, secure: None) -> None:
    for cookie in _cookies(app):
        assert "; secure" in cookie.lower() and "httponly" in cookie.lower()

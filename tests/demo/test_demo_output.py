"""What ``fanzha demo`` prints after building: whole lines a user can copy even when the output is
not a terminal (a pipe, a CI log), and the database URL the other commands need."""

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fanzha.core.config import get_settings
from fanzha.core.demo_context import DEMO_PASSWORD, DemoContext
from fanzha.demo.cli import _print_logins


def test_logins_keys_and_the_database_url_are_whole_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "a-rather-long-directory-name-for-the-demo" / "fanzha-demo.db"
    monkeypatch.setenv("FANZHA_DATABASE_URL", f"sqlite:///{db}")
    get_settings.cache_clear()
    try:
        ctx = DemoContext(rng=random.Random(1), scale=1, now=datetime(2026, 12, 1, tzinfo=UTC))
        ctx.users = {f"station_officer_{i:02d}": i for i in range(30)}  # far past 80 columns
        ctx.api_keys = {"bank-feed": "fz_" + "k" * 60}
        _print_logins(ctx, serving=True)
    finally:
        get_settings.cache_clear()
    lines = capsys.readouterr().out.splitlines()
    users = next(line for line in lines if line.startswith("演示账号"))
    assert users == f"演示账号（密码均为 {DEMO_PASSWORD}）：" + "、".join(ctx.users)
    assert f"  API 密钥 bank-feed: fz_{'k' * 60}" in lines
    assert any(line.endswith(f"export FANZHA_DATABASE_URL=sqlite:///{db}") for line in lines)
    assert f"登录：用户名 commander，密码 {DEMO_PASSWORD}" in lines

"""A real server and Debian's chromium for the browser tests (no downloaded browser)."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy.orm import Session

from fanzha.core import db
from fanzha.migrations.runner import upgrade
from tests.factories import PASSWORD, World, build_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def playwright_or_skip() -> Any:
    """Playwright's sync API, for a browser test module; the module is skipped where Debian's
    chromium or the playwright package is missing."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (Debian package 'chromium')", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api", reason="the playwright package (dev extras) is missing")


@dataclass
class Server:
    base_url: str
    database_url: str
    world: World

    def same_origin(self, url: str) -> bool:
        parts, base = urlsplit(url), urlsplit(self.base_url)
        return parts.scheme in ("data", "blob") or (parts.scheme, parts.netloc) == (base.scheme, base.netloc)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(tmp: Path, prepare: Callable[[Session, World], None] | None = None) -> Iterator[Server]:
    """Migrate a fresh SQLite file, add the test world (and what ``prepare`` adds), run `fanzha serve`."""
    url = f"sqlite:///{tmp / 'browser.db'}"
    upgrade(url)
    engine = db.make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session)
        if prepare is not None:
            prepare(session, world)
        session.commit()
    engine.dispose()
    port = _free_port()
    env = {**os.environ, "FANZHA_SCHEDULER_ENABLED": "false", "FANZHA_DATABASE_URL": url}
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "fanzha", "-d", url, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Up to 90 s: on a busy shared machine the server's start-up warm-up can take a while;
        # stop waiting at once if the server exits.
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp / "server.log").read_text())
        yield Server(base, url, world)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def chromium() -> Iterator[Any]:
    """Debian's chromium under Playwright, for a module's ``browser`` fixture."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        found = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield found
        found.close()


def new_page(browser: Any, server: Server, viewport: dict[str, int], phone: bool = False) -> Any:
    """A page of a new browser context (a phone: touch and mobile), nobody logged in; its
    ``outside`` lists every request that left the app's origin."""
    context = browser.new_context(locale="zh-CN", viewport=viewport, is_mobile=phone, has_touch=phone)
    outside: list[str] = []
    context.on("request", lambda r: None if server.same_origin(r.url) else outside.append(r.url))
    page = context.new_page()
    page.outside = outside
    return page


def login(page: Any, server: Server, user: str) -> None:
    """Log ``page`` in as ``user`` (the test world's password) and wait to leave the login page."""
    page.goto(f"{server.base_url}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(lambda url: "/login" not in url)


def logged_in(browser: Any, server: Server, user: str, viewport: dict[str, int], phone: bool = False) -> Any:
    """A page of a new browser context (see ``new_page``) logged in as ``user``."""
    page = new_page(browser, server, viewport, phone)
    login(page, server, user)
    return page


def phone_in_own_browser(server: Server) -> Iterator[Any]:
    """A 390×844 phone page in a browser of its own, for a test's ``phone`` fixture."""
    for browser in chromium():
        yield new_page(browser, server, PHONE, phone=True)


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def screenshots(prefix: str) -> Callable[[Any, str], None]:
    """A module's ``shot(page, name)``: a full-page screenshot named ``{prefix}_{name}.png``."""
    return lambda page, name: screenshot(page, f"{prefix}_{name}")

"""End-to-end in headless Chromium: what an officer and a citizen do, and nothing loaded from outside."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, Server, start_server

if not CHROMIUM.exists():
    pytest.skip(
        "/usr/bin/chromium is absent (Debian package 'chromium'); browser tests skipped",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package (dev extras) is missing")
Browser, Page = sync_api.Browser, sync_api.Page


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start_server(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def outside() -> list[str]:
    """URLs of every request the page made outside the app's origin (filled by `page`)."""
    return []


@pytest.fixture
def page(browser: Browser, server: Server, outside: list[str]) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    p = context.new_page()
    p.on("request", lambda r: None if server.same_origin(r.url) else outside.append(r.url))
    yield p
    context.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def login(page: Page, server: Server, username: str) -> None:
    page.goto(f"{server.base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(lambda url: "/login" not in url)


def test_every_console_page_loads_only_from_this_origin(
    page: Page, server: Server, outside: list[str]
) -> None:
    page.goto(f"{server.base_url}/login")
    shot(page, "login")
    login(page, server, "commander")
    links = page.eval_on_selector_all(".topbar nav a", "els => els.map(e => e.getAttribute('href'))")
    assert "/admin/users" in links
    for href in ["/", *links]:
        response = page.goto(f"{server.base_url}{href}")
        assert response is not None and response.status == 200, href
        page.wait_for_load_state("networkidle")
        shot(page, "console" + href.replace("/", "_").rstrip("_"))
    assert outside == []


def test_public_pages_load_only_from_this_origin(page: Page, server: Server, outside: list[str]) -> None:
    for href in ["/privacy"]:
        response = page.goto(f"{server.base_url}{href}")
        assert response is not None and response.status == 200
        page.wait_for_load_state("networkidle")
        shot(page, "public" + href.replace("/", "_"))
    page.click("text=大字模式")
    page.wait_for_load_state("networkidle")
    assert "large-text" in (page.get_attribute("body", "class") or "")
    shot(page, "public_privacy_large")
    assert outside == []


def test_admin_issues_an_api_key_shown_once(page: Page, server: Server) -> None:
    login(page, server, "commander")
    page.goto(f"{server.base_url}/admin/keys")
    page.fill("input[name=name]", "browser-feed")
    page.check("input[value='warnings.intake']")
    page.click("button.primary:has-text('签发')")
    token = page.text_content("#new-token") or ""
    assert token.startswith("fz_")
    shot(page, "admin_key_issued")
    page.goto(f"{server.base_url}/admin/keys")
    assert token not in page.content()
    assert Path(SCREENSHOTS / "admin_key_issued.png").exists()

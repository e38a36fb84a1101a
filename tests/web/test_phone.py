"""The console on a 390×844 phone (grid workers and officers on visits): the menu collapses, nothing
overflows sideways, and the dissuasion loop (queue → claim → contact → visit → close) works."""

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from tests.factories import World
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, Server, start_server
from tests.web.factories import routed_warning

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is absent (Debian package 'chromium')", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package (dev extras) is missing")
Page = sync_api.Page

PHONE = {"width": 390, "height": 844}


def _waiting(session: Session, world: World) -> None:
    """Two high-risk warnings in station A's grid, waiting to be claimed."""
    for _ in range(2):
        routed_warning(session, "369901001001", level="high", victim_address="阳光路 12 号 3 单元 501 室")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start_server(tmp_path_factory.mktemp("phone"), _waiting)


@pytest.fixture
def phone(server: Server) -> Iterator[Page]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
        yield context.new_page()
        browser.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone_{name}.png"), full_page=True)


def assert_fits(page: Page) -> None:
    """No sideways scrolling, a top bar of one line, headings not broken into one character a line."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"
    bar = page.eval_on_selector(".topbar", "e => e.getBoundingClientRect().height")
    assert bar <= 60, f"top bar {bar}px tall"
    assert not page.is_visible(".topbar nav")  # the menu is folded behind its button
    h1 = page.eval_on_selector("h1", "e => [e.getBoundingClientRect().height, e.textContent.length]")
    assert h1[0] < 24 * 4, f"heading {h1[0]}px tall for {h1[1]} characters"


def login(page: Page, server: Server, username: str) -> None:
    page.goto(f"{server.base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct-horse-1")
    page.click("button.primary")
    page.wait_for_url(lambda url: "/login" not in url)


def test_dissuasion_loop_on_a_phone(phone: Page, server: Server) -> None:
    login(phone, server, "grid_a1")
    phone.goto(f"{server.base_url}/queue")
    assert_fits(phone)
    shot(phone, "queue")
    phone.click(".menu-toggle")
    assert phone.is_visible(".topbar nav a[href='/queue']")
    shot(phone, "menu_open")
    phone.click(".menu-toggle")
    assert not phone.is_visible(".topbar nav")

    phone.click("#waiting table.data a")  # open one from the list, then claim it
    phone.wait_for_url("**/warnings/*")
    taken = phone.url.rsplit("/", 1)[1]
    assert_fits(phone)
    phone.click("#claim")
    phone.wait_for_selector("#act")
    assert_fits(phone)
    shot(phone, "warning_claimed")

    phone.select_option("select[name=result]", "已接通")
    phone.click("button[name=kind][value=call]")
    phone.wait_for_selector("#step-contact .done")
    assert "已完成" in (phone.text_content("#step-contact") or "")
    assert phone.locator("#step-contact .countdown").count() == 0
    phone.select_option("select[name=result]", "已见面")
    phone.click("button[name=kind][value=visit]")
    phone.wait_for_selector("#step-visit .done")
    assert_fits(phone)
    shot(phone, "warning_after_visit")

    phone.check("input[name=outcome][value=dissuaded]")
    phone.fill("#close-form input[name=note]", "上门当面劝阻，已卸载涉诈 App")
    phone.click("#close-warning")
    phone.wait_for_url(lambda url: f"closed={taken}" in url)
    assert f"预警 #{taken} 已办结" in (phone.text_content("#notice") or "")
    assert_fits(phone)
    shot(phone, "next_after_close")
    phone.goto(f"{server.base_url}/warnings/{taken}")
    assert "劝阻成功" in (phone.text_content("#outcome") or "")
    assert "grid_a1（阳光社区警格）" in (phone.text_content("#timeline") or "")
    assert phone.locator("#flag").count() == 0  # visited before closing: nothing flagged
    assert_fits(phone)
    shot(phone, "warning_closed")

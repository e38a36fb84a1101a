"""The console on a 390×844 phone (grid workers and officers on visits): the menu collapses, nothing
overflows sideways, the dissuasion loop (queue → claim → contact → visit → close) works, and so do
the case and stop-payment pages an officer opens in the field."""

import re
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.funds import service as funds
from fanzha.funds.schemas import HoldIn
from tests.cases.factories import case_in
from tests.factories import World
from tests.web.browser import (
    PHONE,
    Server,
    login,
    phone_in_own_browser,
    playwright_or_skip,
    screenshots,
    start_server,
)
from tests.web.factories import routed_warning

Page = playwright_or_skip().Page
shot = screenshots("phone")
FIELD: dict[str, int] = {}  # ids of the case and the stop-payment request the server starts with


def _waiting(session: Session, world: World) -> None:
    """Two high-risk warnings in station A's grid, waiting to be claimed; a case of station A with
    a stop-payment request waiting for a second officer's approval."""
    for _ in range(2):
        routed_warning(session, "369901001001", level="high", victim_address="阳光路 12 号 3 单元 501 室")
    police = world.principals["police_a"]
    case = cases.register_case(session, case_in("369901001001"), police)
    hold = HoldIn(case_id=case.id, bank_code="ICBC", account="6222 0200 1111 2222", amount="8000.50")
    FIELD.update(case=case.id, request=funds.request_hold(session, hold, police).id)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start_server(tmp_path_factory.mktemp("phone"), _waiting)


@pytest.fixture
def phone(server: Server) -> Iterator[Page]:
    yield from phone_in_own_browser(server)


def assert_fits(page: Page) -> None:
    """No sideways scrolling, a top bar of one line, headings not broken into one character a line."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"
    bar = page.eval_on_selector(".topbar", "e => e.getBoundingClientRect().height")
    assert bar <= 60, f"top bar {bar}px tall"
    assert not page.is_visible(".topbar nav")  # the menu is folded behind its button
    h1 = page.eval_on_selector("h1", "e => [e.getBoundingClientRect().height, e.textContent.length]")
    assert h1[0] < 24 * 4, f"heading {h1[0]}px tall for {h1[1]} characters"


def assert_tappable(page: Page) -> None:
    """Every visible button, button-like link and field of the page is at least 36 px tall."""
    small = page.eval_on_selector_all(
        "main button, main a.button-link, main select, main textarea,"
        " main input:not([type=hidden]):not([type=checkbox]):not([type=radio])",
        """els => els.filter(e => e.offsetParent !== null)
            .map(e => [e.name || e.id || e.textContent.trim(), e.getBoundingClientRect().height])
            .filter(([, h]) => h < 36)""",
    )
    assert small == [], f"{page.url}: controls under 36 px: {small}"


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


def test_case_and_stop_payment_pages_on_a_phone(phone: Page, server: Server) -> None:
    """An officer on a phone reads the case list and a case, files a stop-payment from it and reads
    the request list and a waiting request: nothing wider than the screen, every control tappable."""
    login(phone, server, "police_a")
    pages = {
        "cases": "/cases",
        "case": f"/cases/{FIELD['case']}",
        "funds_new": f"/funds/requests/new?case_id={FIELD['case']}",
        "funds_list": "/funds/requests",
        "funds_request": f"/funds/requests/{FIELD['request']}",
    }
    for name, path in pages.items():
        phone.goto(f"{server.base_url}{path}")
        assert_fits(phone)
        assert_tappable(phone)
        shot(phone, name)
    phone.goto(f"{server.base_url}/funds/requests/new?case_id={FIELD['case']}")
    assert phone.input_value("input[name=amount]") == "12345.67"  # pre-filled from the case
    phone.fill("input[name=amount]", "3000")
    phone.fill("textarea[name=reason]", "受害人转入后 10 分钟")
    phone.click("#submit-request")
    phone.wait_for_url(lambda url: re.search(r"/funds/requests/\d+$", url) is not None)
    assert "待审批" in (phone.text_content("main") or "")
    assert_fits(phone)
    shot(phone, "funds_filed")

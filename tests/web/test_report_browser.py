"""A resident's report on a 390×844 phone: bad input comes back named and kept, a good report gets
a receipt in two groups of four digits and can be looked up; an empty one waits in the centre's
review queue, where an analyst on a phone releases it. Touch targets are at least 44 px."""

import re
from collections.abc import Iterator

import pytest

from tests.web.browser import Server, login, phone_in_own_browser, start_server
from tests.web.test_phone import Page, assert_fits, shot

GOOD = "我是京东客服，您的订单异常，我们将为您退款，请提供银行卡号"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start_server(tmp_path_factory.mktemp("report"))


@pytest.fixture
def phone(server: Server) -> Iterator[Page]:
    yield from phone_in_own_browser(server)


def small_targets(page: Page) -> list[str]:
    """Buttons, fields, checkboxes' labels and the call links smaller than 44 px in height."""
    return list(
        page.eval_on_selector_all(
            "main button, main input:not([type=hidden]):not([type=checkbox]):not([type=file]), "
            "main label.check, main textarea, a.tel, .topbar a, .menu-toggle",
            "els => els.filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)"
            ".map(e => e.outerHTML.slice(0, 80))",
        )
    )


def test_a_resident_reports_on_a_phone_and_looks_the_report_up(phone: Page, server: Server) -> None:
    phone.goto(f"{server.base_url}/report")
    assert_fits(phone)
    assert small_targets(phone) == []
    phone.fill("textarea[name=text]", "x")
    phone.fill("input[name=reporter_phone]", "abc")
    phone.fill("input[name=address]", "阳光路 12 号")
    phone.click("#report-form button.primary")
    phone.wait_for_selector("#form-error")
    assert "举报内容：请至少写 6 个字" in (phone.text_content("#form-error") or "")
    assert phone.is_visible("#error-text") and phone.is_visible("#error-reporter_phone")
    assert phone.input_value("input[name=reporter_phone]") == "abc"
    assert phone.input_value("input[name=address]") == "阳光路 12 号"
    assert phone.input_value("textarea[name=text]") == "x"
    assert_fits(phone)
    shot(phone, "report_errors")

    phone.fill("textarea[name=text]", GOOD)
    phone.fill("input[name=reporter_phone]", "139 1234 5678")
    phone.click("#report-form button.primary")
    phone.wait_for_selector("#reported")
    receipt = phone.text_content("#receipt") or ""
    assert re.fullmatch(r"\d{4} \d{4}", receipt), receipt
    assert phone.locator("a[href='tel:96110']").count() >= 1
    assert_fits(phone)
    shot(phone, "report_receipt")

    phone.goto(f"{server.base_url}/report/status")
    phone.fill("input[name=no]", receipt)
    phone.click("#status-form button")
    phone.wait_for_selector("#report-status")
    assert "已受理" in (phone.text_content("#status-text") or "")
    assert "13912345678" not in phone.content()
    assert_fits(phone)
    assert small_targets(phone) == []
    shot(phone, "report_status")


def test_large_text_enlarges_the_checkbox(phone: Page, server: Server) -> None:
    phone.goto(f"{server.base_url}/report")
    normal = phone.eval_on_selector("input[name=urgent]", "e => e.getBoundingClientRect().width")
    phone.click(".topbar .text-size")
    phone.wait_for_selector("body.large-text")
    large = phone.eval_on_selector("input[name=urgent]", "e => e.getBoundingClientRect().width")
    assert large > normal >= 22
    assert_fits(phone)
    shot(phone, "report_large_text")


def test_the_centre_releases_a_held_report_on_a_phone(phone: Page, server: Server) -> None:
    phone.goto(f"{server.base_url}/report")
    phone.fill("textarea[name=text]", "测试测试测试测试")
    phone.click("#report-form button.primary")
    phone.wait_for_selector("#reported")
    assert "工作人员将先审核" in (phone.text_content("#reported") or "")

    login(phone, server, "analyst")
    phone.goto(f"{server.base_url}/reports/review")
    assert_fits(phone)
    row = phone.locator("#held tbody tr").filter(has_text="测试测试测试测试")
    assert "内容不足以核查" in (row.text_content() or "")
    shot(phone, "review_queue")
    row.locator("button[name=admit]").click()
    phone.wait_for_selector("#notice")
    assert "已放行" in (phone.text_content("#notice") or "")
    assert phone.locator("#held tbody tr").filter(has_text="测试测试测试测试").count() == 0
    assert_fits(phone)
    shot(phone, "review_released")

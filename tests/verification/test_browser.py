"""A resident verifies a dissuasion call's code on a phone, in large-text mode, in headless Chromium."""

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from tests.factories import World
from tests.verification.factories import contact
from tests.warnings.factories import add_gazetteer
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, Server, start_server

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is absent (Debian package 'chromium')", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package (dev extras) is missing")
PHONE = {"width": 390, "height": 844}
issued: dict[str, str] = {}


def _call(session: Session, world: World) -> None:
    """Officer police_a (甲派出所) calls about a warning; the code is what they read out."""
    add_gazetteer(session, world)
    code = contact(session, world, "police_a").code
    assert code is not None
    issued["code"] = code.code


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start_server(tmp_path_factory.mktemp("verify-browser"), _call)


def test_a_resident_verifies_a_code_on_a_phone_in_large_text(server: Server) -> None:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True).new_page()
        outside: list[str] = []
        page.on("request", lambda r: None if server.same_origin(r.url) else outside.append(r.url))
        page.goto(f"{server.base_url}/verify")
        page.click("text=大字模式")
        assert "large-text" in (page.get_attribute("body", "class") or "")
        page.fill("#code", issued["code"])
        page.click("#verify-button")
        answer = page.text_content("#verify-answer") or ""
        assert "这是甲派出所 社区民警" in answer and "的劝阻联系（电话）" in answer
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "verify_code_phone_large.png"), full_page=True)
        wrong = f"{(int(issued['code']) + 1) % 10**6:06d}"
        page.fill("#code", wrong)
        page.click("#verify-button")
        assert "未查到记录：请挂断，并拨打 110 或 96110 核实" in (page.text_content("#verify-answer") or "")
        page.screenshot(path=str(SCREENSHOTS / "verify_wrong_code_phone_large.png"), full_page=True)
        browser.close()
        assert outside == []

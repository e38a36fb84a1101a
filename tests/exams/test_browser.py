"""A student on a 390 px phone: joins with a code, answers (the page saves several answers per
request), loses the connection with answers not yet sent and reloads without losing any,
submits, reads the explanations and downloads the certificate."""

import json
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from sqlalchemy.orm import Session

from fanzha.core import db
from fanzha.core.timeutil import utcnow
from fanzha.exams import repository as repo
from fanzha.exams import service
from tests.exams.factories import exam_in, stock_bank
from tests.factories import World
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, Server, start_server

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is absent; browser tests skipped", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package (dev extras) is missing")
Page = sync_api.Page

CODES: dict[str, str] = {}


def _exam(session: Session, world: World) -> None:
    stock_bank(session, world.principals["prevention"])
    now = utcnow()
    data = exam_in(opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=1))
    CODES["exam"] = service.create_exam(session, data, world.principals["prevention"]).code


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start_server(tmp_path_factory.mktemp("exam-browser"), _exam)


@pytest.fixture
def phone(server: Server) -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 390, "height": 844}, accept_downloads=True
        )
        yield context
        browser.close()


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _keys(server: Server, attempt_id: int) -> dict[int, list[int]]:
    """Shown option positions of the right answers, per question (read from the server's database)."""
    engine = db.make_engine(server.database_url)
    with Session(engine) as s:
        rows = repo.items_with_versions(s, attempt_id)
        keys = {
            item.position: [i for i, o in enumerate(item.order) if o in version.answer]
            for item, version, _ in rows
        }
    engine.dispose()
    return keys


def _saved(server: Server, attempt_id: int) -> set[int]:
    """Positions with an answer stored on the server."""
    engine = db.make_engine(server.database_url)
    with Session(engine) as s:
        found = {item.position for item, _, _ in repo.items_with_versions(s, attempt_id) if item.chosen}
    engine.dispose()
    return found


def _check(page: Page, position: int, shown: list[int]) -> None:
    for i in shown:
        page.locator(f"#q{position} input[name=choice][value='{i}']").check()


def test_student_on_a_phone_survives_a_reload_and_gets_a_certificate(
    phone: Any, server: Server, tmp_path: Path
) -> None:
    page = phone.new_page()
    batches: list[set[int]] = []  # the positions each save request carried

    def sent(request: Any) -> None:
        if request.url.endswith("/exam/answers"):
            batches.append({int(p) for p in json.loads(parse_qs(request.post_data)["answers"][0])})

    page.on("request", sent)
    page.goto(f"{server.base_url}/exam?code={CODES['exam']}")
    page.select_option("select[name=school]", "东区大学")
    page.fill("input[name=class_name]", "计科2301班")
    page.fill("input[name=student_no]", "20230101")
    _shot(page, "exam-join-phone")
    page.click("#join-button")
    page.wait_for_url("**/exam/sheet")
    cookie = next(c for c in phone.cookies() if c["name"] == "fanzha_exam")
    attempt_id = int(cookie["value"].split(".")[0])
    keys = _keys(server, attempt_id)
    order = sorted(keys)
    first, unsent = order[:3], order[3:5]
    for position in first:
        _check(page, position, keys[position])
    for position in first:
        page.locator(f"#saved-{position}").filter(has_text="已保存").wait_for()
    assert batches[0] == set(first), f"the first save carried {batches[0]}, not the three answers"
    phone.set_offline(True)
    for position in unsent:
        _check(page, position, keys[position])
    page.locator(f"#saved-{unsent[-1]}").filter(has_text="网络中断").wait_for()
    assert _saved(server, attempt_id) == set(first)
    with pytest.raises(sync_api.Error):
        page.reload()
    phone.set_offline(False)
    page.goto(f"{server.base_url}/exam/sheet")
    for position in unsent:
        page.locator(f"#saved-{position}").filter(has_text="已保存").wait_for()
    assert _saved(server, attempt_id) == set(first + unsent)
    for position in first + unsent:
        for i in keys[position]:
            assert page.locator(f"#q{position} input[name=choice][value='{i}']").is_checked()
    assert page.locator("#answered").inner_text() == "5"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the sheet is {width}px wide on a 390px phone"
    for position in order[5:]:
        _check(page, position, keys[position])
    _shot(page, "exam-sheet-phone")
    page.click("#submit-button")  # saves the answers still waiting, then hands the sheet in
    page.wait_for_url("**/exam/result")
    assert "100 分 · 合格" in page.locator("#score").inner_text()
    assert page.locator(".explanation").count() == len(keys)
    _shot(page, "exam-result-phone")
    with page.expect_download() as download:
        page.click("#certificate-link")
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(SCREENSHOTS / "exam-certificate")],
        check=False,
    )
    code = page.locator("#certificate-code").inner_text()
    page.goto(f"{server.base_url}/exam/verify?code={code}")
    assert "证书有效" in page.locator("#verify-result").inner_text()
    _shot(page, "exam-verify-phone")

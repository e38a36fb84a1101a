"""In headless Chromium: a prevention officer goes from the aiming list to a campaign to a push and
sees it delivered; a grid worker logs a sweep on a 390 px phone; the public channel shows an alert
with its QR code."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from fanzha.core import db
from fanzha.core.timeutil import utcnow
from fanzha.prevention import groups
from fanzha.prevention.outbox import Limiter, run_outbox
from fanzha.prevention.schemas import AlertIn, GroupIn
from tests.factories import World
from tests.prevention.factories import GRID_A1, cases_at
from tests.prevention.servers import Webhook, webhook
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, Server, start_server
from tests.web.test_browser import login

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is absent; browser tests skipped", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package (dev extras) is missing")
Page = sync_api.Page

ALERTS: dict[str, int] = {}


@pytest.fixture(scope="module")
def hook() -> Iterator[Webhook]:
    with webhook() as h:
        yield h


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, hook: Webhook) -> Iterator[Server]:
    def prepare(session: Session, world: World) -> None:
        police, officer = world.principals["police_a"], world.principals["prevention_a"]
        cases_at(
            session,
            police,
            GRID_A1,
            [1, 4, 9, 45],
            now=utcnow(),
            victim_group="elderly",
            fraud_type="impersonate_authority",
        )
        group = GroupIn(
            grid_code=GRID_A1,
            name="阳光社区业主群",
            kind="owners",
            platform="wecom",
            members=320,
            channel="wecom",
            address=f"{hook.url}/cgi-bin/webhook/send?key=demo",
        )
        groups.create_group(session, group, officer)
        alert = AlertIn(
            title="刷单返利都是诈骗", fraud_type="rebate_task", target_group="student", node_code="369901001"
        )
        ALERTS["published"] = groups.create_alert(session, alert, officer, utcnow()).id
        groups.publish_alert(session, ALERTS["published"], officer, utcnow())

    yield from start_server(tmp_path_factory.mktemp("prevention-browser"), prepare)


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _run_outbox(server: Server) -> None:
    """What the scheduled job does every few seconds (the test server runs without the scheduler)."""
    engine = db.make_engine(server.database_url)
    with Session(engine) as session:
        run_outbox(session, utcnow() + timedelta(seconds=1), limiter=Limiter())
        session.commit()
    engine.dispose()


def test_officer_goes_from_aiming_to_campaign_to_push_and_sees_delivery(
    browser: Any, server: Server, hook: Webhook
) -> None:
    page = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900}).new_page()
    login(page, server, "prevention_a")
    page.goto(f"{server.base_url}/prevention")
    line = page.locator("tr.aim-line").first
    assert "老年人冒充公检法及政府机关案件近30天 3 起，环比 +200%" in line.inner_text()
    _shot(page, "prevention-aiming")
    line.get_by_role("button", name="生成宣防战役").click()
    page.wait_for_url("**/prevention/campaigns/*")
    assert "环比 +200%" in page.locator("#campaign-reason").inner_text()
    _shot(page, "prevention-campaign")
    page.click("#push-button")
    page.wait_for_url("**/prevention/pushes/*")
    assert page.locator(".delivery-state").inner_text() == "待发送"
    _run_outbox(server)
    page.locator(".delivery-state", has_text="已送达").wait_for(timeout=15_000)  # the page refreshes itself
    _shot(page, "prevention-push-delivered")
    assert len(hook.accepted) == 1 and "冒充公检法" in hook.accepted[0]["markdown"]["content"]


def test_grid_worker_logs_a_sweep_on_a_phone(browser: Any, server: Server) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, server, "grid_a1")
    page.goto(f"{server.base_url}/prevention/sweep")
    page.fill("input[name=place]", "阳光小区 3 栋")
    page.fill("textarea[name=households]", "3栋101\n3栋102\n3栋201")
    page.fill("input[name=reached]", "9")
    page.select_option("select[name=target_group]", "elderly")
    _shot(page, "prevention-sweep-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the sweep form is {width}px wide on a 390px phone"
    page.click("#sweep-button")
    page.locator("#logged").wait_for()
    assert "阳光小区 3 栋 · 触达 9 人 · 入户 3" in page.locator(".recent-activity").first.inner_text()
    _shot(page, "prevention-sweep-logged-phone")


def test_public_channel_shows_the_alert_with_its_qr_code(browser: Any, server: Server) -> None:
    page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if server.same_origin(r.url) else outside.append(r.url))
    page.goto(f"{server.base_url}/channel")
    page.get_by_role("link", name="刷单返利都是诈骗").click()
    page.wait_for_url(f"**/channel/alerts/{ALERTS['published']}")
    qr = page.locator("#alert-qr svg")
    assert qr.is_visible() and qr.bounding_box()["width"] > 100  # type: ignore[index]
    assert "【骗术】" in page.locator("#alert").inner_text()
    _shot(page, "prevention-channel-alert-phone")
    assert outside == []

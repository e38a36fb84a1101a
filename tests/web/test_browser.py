"""End-to-end in headless Chromium: what an officer and a citizen do, and nothing loaded from outside."""

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.core.timeutil import utcnow
from fanzha.funds import service as funds
from fanzha.funds.importer import import_statement
from fanzha.funds.schemas import HoldIn
from fanzha.funds.store import TransactionStore
from tests.cases.factories import case_in
from tests.factories import World
from tests.funds.test_trace import CHAIN, HEADER
from tests.web.browser import SCREENSHOTS, Server, login, playwright_or_skip, start_server
from tests.web.browser import screenshot as shot
from tests.web.factories import routed_warning

sync_api = playwright_or_skip()
Browser, Page = sync_api.Browser, sync_api.Page


# The trace tests' chain starts 2026-11-01 00:00 UTC: 08:00 in Beijing.
TRACE_PAGE = "/funds/trace?account=V&since=2026-11-01T08:00&hops=2&hours=72&min_amount=100&rule=fifo"


def _records(session: Session, world: World) -> None:
    """A case and two waiting warnings at each of two stations, a stop-payment, statements."""
    boss = world.principals["commander"]
    recent = utcnow() - timedelta(minutes=10)
    for code in ("369901001001", "369901002001"):
        case = cases.register_case(session, case_in(code, occurred_at=recent), boss)
        routed_warning(session, code, level="high")
        routed_warning(session, code, level="medium")
    hold = HoldIn(case_id=case.id, bank_code="CCB", account="6217000011112222", amount=Decimal("3000"))
    funds.request_hold(session, hold, world.principals["police_b"])
    # The server keeps statements beside its SQLite file (fanzha-data/), as `fanzha serve` does.
    database = Path(str(session.get_bind().url.database))
    store = TransactionStore(database.resolve().parent / "fanzha-data" / "transactions.duckdb")
    lines = [f"{a},{b},{bank},{d},{amt},,{t},网银,\n" for a, b, bank, d, amt, t in CHAIN]
    import_statement(store, (HEADER + "".join(lines)).encode(), "chain.csv", "test")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start_server(tmp_path_factory.mktemp("browser"), _records)


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


def test_every_console_page_loads_only_from_this_origin(
    page: Page, server: Server, outside: list[str]
) -> None:
    page.goto(f"{server.base_url}/login")
    shot(page, "login")
    login(page, server, "commander")
    links = page.eval_on_selector_all(".topbar nav a", "els => els.map(e => e.getAttribute('href'))")
    assert {"/admin/users", "/funds/punishment", "/funds/mule-scores"} <= set(links)
    first_warning = page.goto(f"{server.base_url}/warnings") and page.get_attribute("table.data a", "href")
    pages = ["/", *links, first_warning, "/cases/1", "/cases/new", "/funds/requests/1", "/funds/requests/new"]
    for href in [*pages, TRACE_PAGE]:
        response = page.goto(f"{server.base_url}{href}")
        assert response is not None and response.status == 200, href
        page.wait_for_load_state("networkidle")
        path, _, query = href.partition("?")
        shot(page, "console" + path.replace("/", "_").rstrip("_") + ("_result" if query else ""))
    assert outside == []


def test_public_pages_load_only_from_this_origin(page: Page, server: Server, outside: list[str]) -> None:
    for href in ["/check", "/privacy", "/report"]:
        response = page.goto(f"{server.base_url}{href}")
        assert response is not None and response.status == 200
        page.wait_for_load_state("networkidle")
        shot(page, "public" + href.replace("/", "_"))
    page.click("text=大字模式")
    page.wait_for_load_state("networkidle")
    assert "large-text" in (page.get_attribute("body", "class") or "")
    shot(page, "public_privacy_large")
    assert outside == []


def test_api_docs_render_with_nothing_from_outside(page: Page, server: Server, outside: list[str]) -> None:
    page.goto(f"{server.base_url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "fanzha" in (page.text_content(".swagger-ui .info .title") or "")
    page.wait_for_selector(".swagger-ui .btn.authorize")  # the sign-in schemes are declared
    shot(page, "api_docs")
    assert outside == []


def test_admin_issues_an_api_key_shown_once(page: Page, server: Server) -> None:
    login(page, server, "commander")
    page.goto(f"{server.base_url}/admin/keys")
    page.fill("input[name=name]", "browser-feed")
    page.check("input[value='warnings.intake']")
    page.check("input[name=sources][value='province']")  # a feed key names the sources it may file
    page.click("button.primary:has-text('签发')")
    token = page.text_content("#new-token") or ""
    assert token.startswith("fz_")
    shot(page, "admin_key_issued")
    page.goto(f"{server.base_url}/admin/keys")
    assert token not in page.content()
    assert Path(SCREENSHOTS / "admin_key_issued.png").exists()


def test_dashboard_draws_its_charts(page: Page, server: Server) -> None:
    login(page, server, "commander")
    page.goto(f"{server.base_url}/dashboard")
    page.wait_for_selector("[data-chart] canvas")  # the panel arrives by htmx, then ECharts draws
    assert page.text_content("#kpi-month-cases b") == "2"
    shot(page, "dashboard")


def test_station_user_cannot_open_another_stations_case_by_url(page: Page, server: Server) -> None:
    login(page, server, "police_a")
    page.goto(f"{server.base_url}/cases")
    links = page.eval_on_selector_all("table.data a", "els => els.map(e => e.getAttribute('href'))")
    assert len(links) == 1
    mine = int(links[0].rsplit("/", 1)[1])
    for other in (mine - 1, mine + 1):
        response = page.goto(f"{server.base_url}/cases/{other}")
        assert response is not None and response.status == 404
    assert "不存在或不在您的管辖范围内" in page.content()
    shot(page, "case_other_station_404")


def test_dissuader_closes_a_warning_and_the_live_dashboard_counts_it(
    browser: Browser, server: Server
) -> None:
    boss = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900}).new_page()
    login(boss, server, "commander")
    boss.goto(f"{server.base_url}/dashboard?poll=2")
    before = int(boss.locator("#kpi-dissuaded-today b").text_content() or "0")

    work = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900}).new_page()
    login(work, server, "dissuader")
    work.goto(f"{server.base_url}/queue")
    shot(work, "queue")
    work.click("#take-next")
    work.wait_for_url("**/warnings/*")
    taken = work.url.rsplit("/", 1)[1]
    assert "高危" in (work.text_content("h1") or "")
    assert "139****5678" in (work.text_content("#victim-phone") or "")
    work.select_option("select[name=result]", "已接通")
    work.click("button[name=kind][value=call]")
    work.wait_for_selector("#timeline >> text=已接通")
    shot(work, "warning_after_call")
    work.check("input[name=outcome][value=dissuaded]")
    work.click("#close-warning")
    work.wait_for_url(lambda url: not url.endswith(f"/warnings/{taken}"))
    work.goto(f"{server.base_url}/warnings/{taken}")
    assert "已办结" in (work.text_content("h1") or "")
    shot(work, "warning_closed")

    # The dashboard was not reloaded: its panel polls and the count goes up by itself.
    sync_api.expect(boss.locator("#kpi-dissuaded-today b")).to_have_text(str(before + 1), timeout=15000)
    shot(boss, "dashboard_after_close")
    boss.context.close()
    work.context.close()


def test_station_user_cannot_open_another_stations_warning_by_url(page: Page, server: Server) -> None:
    login(page, server, "police_a")
    page.goto(f"{server.base_url}/warnings")
    links = page.eval_on_selector_all("table.data a", "els => els.map(e => e.getAttribute('href'))")
    mine = {int(h.rsplit("/", 1)[1]) for h in links}
    assert mine
    others = [i for i in range(1, max(mine) + 3) if i not in mine]
    for other in others:
        response = page.goto(f"{server.base_url}/warnings/{other}")
        assert response is not None and response.status == 404
    shot(page, "warning_other_station_404")


def test_public_check_flags_a_fraud_message_and_passes_a_bank_notice(page: Page, server: Server) -> None:
    page.goto(f"{server.base_url}/check")
    page.click("text=大字模式")
    page.fill(
        "textarea[name=text]", "【公安局】您涉嫌洗钱，请立即将资金转入安全账户 http://gov-safe.top 配合调查"
    )
    page.click("#check-button")
    verdict = page.text_content("#verdict") or ""
    assert "疑似诈骗" in verdict and "安全账户" in verdict
    shot(page, "check_fraud_large_text")
    page.click("#wrong-verdict")
    assert "谢谢您的反馈" in (page.text_content("#thanks") or "")
    page.fill("textarea[name=text]", "【工商银行】您尾号1234的账户11月20日支出500.00元，余额3000.00元。")
    page.click("#check-button")
    verdict = page.text_content("#verdict") or ""
    assert "未发现明显的诈骗特征" in verdict and "疑似诈骗" not in verdict
    shot(page, "check_bank_notice")


def test_stop_payment_filed_approved_by_a_second_officer_and_acknowledged_by_the_bank(
    browser: Browser, server: Server
) -> None:
    def as_user(username: str) -> Page:
        p = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900}).new_page()
        login(p, server, username)
        return p

    officer = as_user("police_a")
    officer.goto(f"{server.base_url}/cases")
    officer.click("table.data a")
    officer.click("text=申请止付冻结")
    officer.select_option("select[name=bank_code]", "ICBC")
    officer.fill("input[name=account]", "6222 0200 3333 4444")
    officer.fill("input[name=amount]", "12000")
    officer.fill("textarea[name=reason]", "受害人转入后 15 分钟，疑似一级卡")
    shot(officer, "funds_new_request")
    officer.click("#submit-request")
    officer.wait_for_url("**/funds/requests/*")
    url = officer.url
    assert "待审批" in (officer.text_content("#status") or "")
    assert "不能审批自己提交的请求" in (officer.text_content("#decide") or "")
    waiting = officer.text_content("#waiting") or ""
    assert "等待 甲派出所（或上级单位）审批" in waiting and "police_a2（甲派出所）" in waiting
    shot(officer, "funds_request_filed")

    checker = as_user("police_a2")
    sync_api.expect(checker.locator(".topbar nav a[href='/funds/requests'] .badge")).to_have_text("1")
    shot(checker, "funds_badge")
    checker.goto(url)
    checker.fill("input[name=note]", "同意止付")
    checker.click("#approve")
    sync_api.expect(checker.locator("#status")).to_have_text("已审批，待银行执行")
    shot(checker, "funds_request_approved")

    sync_api.expect(checker.locator(".topbar nav a[href='/funds/requests'] .badge")).to_have_text("")
    bank = as_user("bank_icbc")
    bank.goto(f"{server.base_url}/funds/requests")
    assert bank.locator("#requests tbody tr").count() == 1  # only ICBC's; the CCB request is not listed
    shot(bank, "funds_bank_list")
    bank.click("#requests a")
    bank.fill("input[name=balance_found]", "9876.54")
    bank.fill("input[name=executed_amount]", "9876.54")
    bank.click("#ack-submit")
    sync_api.expect(bank.locator("#status")).to_have_text("生效中")
    assert "9,876.54" in (bank.text_content("#ack") or "")
    sync_api.expect(bank.locator(".countdown").first).to_contain_text("剩余 47:")
    shot(bank, "funds_request_in_effect")

    officer.goto(url)
    assert "银行回执" in (officer.text_content("#timeline") or "")
    shot(officer, "funds_request_timeline")
    for p in (officer, checker, bank):
        p.context.close()


def test_trace_graph_renders_with_truncation_marked(page: Page, server: Server, outside: list[str]) -> None:
    login(page, server, "police_a")
    page.goto(f"{server.base_url}/funds/trace")
    page.select_option("#trace-case", index=1)  # the station's case: its suspect account, its time
    page.click("#run-trace")
    assert "已导入的流水中没有账户 6222020000001234567" in (page.text_content("#error") or "")
    assert "案件嫌疑账户" in (page.text_content(".candidates") or "")
    page.fill("input[name=account]", "V")
    page.fill("input[name=since]", "2026-11-01T08:00")
    page.fill("input[name=hops]", "2")
    page.click("#run-trace")
    page.wait_for_selector("#trace-graph canvas")
    assert "超出跳数上限" in (page.text_content("#truncated") or "")
    assert page.locator("#ranked tbody tr").count() == 2
    shot(page, "funds_trace")
    assert outside == []


def test_bulletins_and_units_keep_the_console_and_the_icon_loads(page: Page, server: Server) -> None:
    login(page, server, "commander")
    page.goto(f"{server.base_url}/bulletins")
    assert page.is_visible(".topbar nav a[href='/bulletins'].active")
    assert "电信网络诈骗防范打击工作通报" in (page.text_content("#bulletin") or "")
    shot(page, "console_bulletins_in_console")
    page.goto(f"{server.base_url}/admin/units?q=派出所")
    assert page.locator("#units tbody tr").count() == 3 and "共 3 条" in (page.text_content(".pager") or "")
    shot(page, "console_admin_units_search")
    icon = page.goto(f"{server.base_url}/favicon.ico")
    assert icon is not None and icon.status == 200


def test_analyst_routes_a_warning_by_picking_a_node_by_name(page: Page, server: Server) -> None:
    login(page, server, "analyst")
    page.goto(f"{server.base_url}/warnings?state=routed")
    page.click("table.data a")
    page.fill("#node-search", "翠苑")
    page.wait_for_selector("#node-choices input[value='369901002001']")
    assert "测试市 / 东区 / 乙派出所 / 翠苑社区" in (page.text_content("#node-choices") or "")
    page.check("#node-choices input[value='369901002001']")
    page.fill("#reroute input[name=reason]", "当事人实际住翠苑社区")
    shot(page, "warning_reroute_by_name")
    page.click("#reroute button")
    sync_api.expect(page.locator("#timeline")).to_contain_text("至 翠苑社区")
    assert "人工分流至 翠苑社区" in (page.text_content("#route-reason") or "")

"""In headless Chromium: an analyst opens a series from a case's 所属串并案 panel, sees its graph,
makes it a target package and deploys an operation, a field team reports a den on a 390 px phone,
the analyst confirms the result (the series' cases solved); and on a 390 px phone a community
officer works a clue from the queue: 研判 → 落地核查 → result, refusals shown inline in Chinese.
Screenshots in artifacts/screenshots/clues_*.png."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.clues import workflow
from fanzha.clues.schemas import ClueIn
from fanzha.core.timeutil import to_local, utcnow
from tests.cases.factories import case_in
from tests.factories import World
from tests.warnings.factories import add_gazetteer
from tests.web.browser import (
    DESK,
    PHONE,
    Server,
    logged_in,
    playwright_or_skip,
    screenshots,
    start_server,
)

Browser = playwright_or_skip().Browser
shot = screenshots("clues")
CASES: list[int] = []


def _gang(session: Session, world: World) -> None:
    """Three cases: two share an account written two ways, the third joins through a phone of the
    second; and a clue on another phone, due in 24 h, at the 阳光社区 grid."""
    add_gazetteer(session, world)
    boss = world.principals["commander"]
    at = datetime(2026, 11, 1, 1, 30, tzinfo=UTC)
    for idents in (
        [("bank_account", "6222 0202 1111 2222")],
        [("bank_account", "6222-0202-1111-2222"), ("phone", "13900003333")],
        [("phone", "+86 139 0000 3333")],
    ):
        body = case_in(occurred_at=at, suspect_identifiers=[{"kind": k, "value": v} for k, v in idents])
        CASES.append(cases.register_case(session, body, boss).id)
    clue = ClueIn(kind="phone", value="13900004444", level="1", node_code="369901001001", summary="群众举报")  # type: ignore[arg-type]
    workflow.create_clue(session, clue, boss)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start_server(tmp_path_factory.mktemp("clues"), _gang)


def test_series_from_a_case_panel_to_a_concluded_operation(browser: Browser, server: Server) -> None:
    desk = logged_in(browser, server, "analyst", DESK)
    desk.goto(f"{server.base_url}/cases/{CASES[2]}")
    desk.wait_for_selector("#case-series a")
    assert "电话号码：139****3333" in desk.inner_text("#case-series-panel")
    shot(desk, "case_panel")
    desk.click("#case-series a")
    desk.wait_for_selector("#series-graph canvas")
    assert "3 起案件" in desk.inner_text("#series-totals")
    assert "桥接" in desk.inner_text("#shared")  # the phone alone joins the third case
    assert "13900003333" not in desk.content()  # masked, like the clue page
    desk.click("#reveal")  # audited reveal
    desk.wait_for_selector("#series-graph canvas")
    assert "电话号码：13900003333" in desk.inner_text("#shared")
    shot(desk, "series")

    desk.click("#to-package")
    desk.click("section.series button.primary")
    desk.wait_for_selector("#package-graph canvas")
    desk.click("text=部署收网行动")
    desk.wait_for_url("**/operations/new?package_id=*")
    desk.fill("input[name=strike_at]", to_local(utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    desk.fill("input[name=commander]", "王指挥")
    row = "#new-operation tbody tr >> nth=0"
    for name, value in (
        ("target_label", "阳光路话务窝点"), ("target_address", "阳光路12号"),
        ("target_unit_name", "甲派出所"),
        ("target_team", "第一组"), ("target_leader", "李警官"),
    ):  # fmt: skip
        desk.fill(f"{row} >> input[name={name}]", value)
    assert desk.locator("#new-operation input[name=case_ids]:checked").count() == 3
    desk.click("#new-operation button.primary")
    desk.wait_for_url(lambda url: "/operations/new" not in url)
    operation_url = desk.url

    phone = logged_in(browser, server, "police_a", PHONE, phone=True)
    phone.goto(f"{operation_url}/live")
    card = ".live-target >> nth=0"
    phone.fill(f"{card} >> input[name=arrests]", "3")
    phone.click(f"{card} >> button.primary")  # not arrived yet: refused inline, input kept
    phone.wait_for_selector("#live-error")
    assert "到达现场" in phone.inner_text("#live-error")
    assert phone.input_value(f"{card} >> input[name=arrests]") == "3"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "live_refused_phone")
    phone.check(f"{card} >> input[name=arrived]")
    phone.check(f"{card} >> input[name=den_destroyed]")
    phone.click(f"{card} >> button.primary")
    phone.wait_for_selector("#notice")
    shot(phone, "live_reported_phone")

    desk.reload()
    desk.fill("#conclude textarea[name=result_note]", "三名成员到案")
    desk.click("#conclude button.primary")
    desk.wait_for_selector("#op-status:has-text('已收网')")
    assert desk.inner_text("#kpi-solved") == "3 / 3"
    shot(desk, "concluded")
    assert desk.outside == [] and phone.outside == []  # type: ignore[attr-defined]


def test_clue_queue_to_result_on_a_phone(browser: Browser, server: Server) -> None:
    phone = logged_in(browser, server, "police_a", PHONE, phone=True)
    phone.goto(f"{server.base_url}/clues?state=judging")
    phone.wait_for_selector("#clues tbody a")
    assert "剩余" in phone.inner_text("#clues")  # the deadline counts down
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "queue_phone")
    phone.click("#clues tbody a >> nth=0")
    assert "139****4444" in phone.inner_text("#clue-value")
    phone.click("#judge button.primary")  # no reading written: refused, named
    phone.wait_for_selector("#form-error")
    assert "请填写研判意见" in phone.inner_text("#form-error")
    shot(phone, "judge_refused_phone")
    phone.fill("#judge textarea[name=note]", "号码近一周在阳光社区活跃")
    phone.click("#judge button.primary")
    phone.wait_for_selector("#clue-state:has-text('落地核查中')")
    phone.fill("#result textarea[name=note]", "阳光路12号出租屋")
    phone.click("#result button.primary")  # no result chosen: refused, the note kept
    phone.wait_for_selector("#form-error")
    assert phone.input_value("#result textarea[name=note]") == "阳光路12号出租屋"
    phone.check("#result input[value=den]")
    phone.click("#result button.primary")
    phone.wait_for_selector("#clue-state:has-text('已核查')")
    timeline = phone.inner_text("#timeline + ol")
    assert "研判" in timeline and "确认窝点" in timeline and "police_a" in timeline
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "clue_done_phone")

"""In headless Chromium: an analyst opens a gang's target package and sees its graph, deploys a
joint operation from it, a field team reports a target on a 390 px phone, and the analyst
confirms the result at the desk, which marks the case solved. Screenshots in artifacts/."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.core.timeutil import to_local, utcnow
from fanzha.funds.importer import import_statement
from tests.cases.factories import case_in
from tests.factories import World
from tests.funds.test_trace import CHAIN, HEADER
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
shot = screenshots("operations")


def _gang(session: Session, world: World) -> None:
    """Two cases sharing the suspect account 'A' (which starts the trace tests' money chain) and
    the phone of the gang's leader, written two ways: one series."""
    from fanzha.funds.store import TransactionStore

    add_gazetteer(session, world)
    boss = world.principals["commander"]
    at = datetime(2026, 11, 1, 1, 30, tzinfo=UTC)
    for phone in ("13900001111", "+86 139 0000 1111"):
        idents = [{"kind": "bank_account", "value": "A"}, {"kind": "phone", "value": phone}]
        cases.register_case(session, case_in(occurred_at=at, suspect_identifiers=idents), boss)
    database = Path(str(session.get_bind().url.database))
    store = TransactionStore(database.resolve().parent / "fanzha-data" / "transactions.duckdb")
    lines = [f"{a},{b},{bank},{d},{amt},,{t},网银,\n" for a, b, bank, d, amt, t in CHAIN]
    import_statement(store, (HEADER + "".join(lines)).encode(), "chain.csv", "test")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start_server(tmp_path_factory.mktemp("operations"), _gang)


def test_series_from_a_case_graph_operation_live_status_and_result(browser: Browser, server: Server) -> None:
    desk = logged_in(browser, server, "analyst", DESK)
    desk.goto(f"{server.base_url}/cases")
    desk.click("table.data tbody a >> nth=0")
    desk.click("#case-crackdown a")
    desk.wait_for_selector("section.series")
    assert "2 起案件" in desk.inner_text("section.series")
    shot(desk, "series")
    desk.click("section.series button.primary")
    desk.wait_for_selector("#add-item")
    desk.select_option("#add-item select[name=kind]", "den")
    desk.fill("#add-item input[name=label]", "阳光路话务窝点")
    desk.fill("#add-item input[name=address]", "阳光路12号")
    desk.click("#add-item button")
    desk.select_option("#add-item select[name=kind]", "person")
    desk.fill("#add-item input[name=label]", "话务组长")
    desk.fill("#add-item input[name=person_name]", "赵大勇")
    desk.fill("#add-item input[name=phone]", "139 0000 1111")
    desk.click("#add-item button")
    desk.wait_for_selector("#package-graph canvas")
    assert "阳光社区" in desk.inner_text("#items")  # the den's address routed to its grid
    assert "2 起案件" in desk.inner_text("#package-graph-counts")
    shot(desk, "package")

    desk.click("text=部署收网行动")
    desk.wait_for_url("**/operations/new?package_id=*")
    strike = to_local(utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    desk.fill("input[name=strike_at]", strike)
    desk.fill("input[name=commander]", "王指挥")
    row = "#new-operation tbody tr"
    assert desk.input_value(f"{row} >> nth=0 >> input[name=target_label]") == "阳光路话务窝点"
    for name, value in (
        ("target_unit_name", "甲派出所"),
        ("target_team", "第一组"),
        ("target_leader", "李警官"),
    ):
        desk.fill(f"{row} >> nth=0 >> input[name={name}]", value)
    # A second den in another city, worked by that city's unit.
    for name, value in (
        ("target_label", "异地窝点"), ("target_address", "天河路1号"), ("target_city", "广州市"),
        ("target_unit_name", "广州市公安局天河分局"), ("target_team", "协作组"), ("target_leader", "陈警官"),
    ):  # fmt: skip
        desk.fill(f"{row} >> nth=1 >> input[name={name}]", value)
    desk.click("#new-operation button.primary")
    desk.wait_for_url(lambda url: "/operations/new" not in url)
    assert desk.inner_text("#op-status") == "已部署"
    assert "广州市公安局天河分局" in desk.inner_text("#targets")
    operation_url = desk.url
    shot(desk, "planned")

    phone = logged_in(browser, server, "analyst", PHONE, phone=True)
    phone.goto(f"{operation_url}/live")
    card = ".live-target >> nth=0"
    phone.check(f"{card} >> input[name=arrived]")
    phone.fill(f"{card} >> input[name=arrests]", "3")
    phone.fill(f"{card} >> input[name=seized_phone]", "12")
    phone.fill(f"{card} >> input[name=seized_sim_card]", "40")
    phone.check(f"{card} >> input[name=den_destroyed]")
    phone.click(f"{card} >> button.primary")
    phone.wait_for_selector("#notice")
    assert "已上报：阳光路话务窝点" in phone.inner_text("#notice")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "live_phone")
    # A count without having arrived is refused, naming the field.
    second = ".live-target >> nth=1"
    phone.fill(f"{second} >> input[name=arrests]", "2")
    phone.click(f"{second} >> button.primary")
    assert "到达现场" in phone.inner_text("body")
    shot(phone, "live_phone_refused")

    desk.reload()
    assert desk.inner_text("#kpi-arrests") == "3" and desk.inner_text("#kpi-dens") == "1"
    desk.fill("#conclude textarea[name=result_note]", "主要成员全部到案")
    desk.click("#conclude button.primary")
    desk.wait_for_selector("#op-status:has-text('已收网')")
    assert desk.inner_text("#kpi-solved") == "2 / 2"
    shot(desk, "concluded")
    assert desk.outside == [] and phone.outside == []  # type: ignore[attr-defined]

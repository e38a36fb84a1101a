"""The work queue and warning pages: take the next warning, record, close, move on; scope; search."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.core.principal import system_principal
from fanzha.core.timeutil import utcnow
from fanzha.warnings import intake
from fanzha.warnings.models import EarlyWarning
from fanzha.warnings.schemas import WarningIn
from tests.factories import World
from tests.web.factories import routed_warning
from tests.web.test_console import HTML, browser_login


def _dissuaded_today(client: TestClient) -> int:
    page = client.get("/dashboard/panel", headers=HTML).text
    match = re.search(r'id="kpi-dissuaded-today"><span>今日劝阻成功</span><b>(\d+)</b>', page)
    assert match, page
    return int(match.group(1))


def test_dissuader_takes_records_and_closes_then_the_dashboard_counts_it(
    client: TestClient, world: World, session: Session, app: object
) -> None:
    first = routed_warning(session, level="medium")
    urgent = routed_warning(session, level="high")
    boss = TestClient(app)  # type: ignore[arg-type]
    browser_login(boss, "commander")
    before = _dissuaded_today(boss)
    csrf = browser_login(client, "dissuader")
    r = client.post("/queue/next", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.headers["location"] == f"/warnings/{urgent}"  # high before medium
    detail = client.get(f"/warnings/{urgent}", headers=HTML).text
    assert "139****5678" in detail and "13912345678" not in detail
    assert "测试分派" in detail  # the routing reason
    client.post(f"/warnings/{urgent}/act", data={"csrf_token": csrf, "kind": "call", "result": "已接通"})
    r = client.post(
        f"/warnings/{urgent}/close",
        data={"csrf_token": csrf, "outcome": "dissuaded", "note": "已劝阻", "then_next": "true"},
        follow_redirects=False,
    )
    assert r.headers["location"] == f"/warnings/{first}?closed={urgent}"  # on to the next one, saying so
    assert f"预警 #{urgent} 已办结" in client.get(r.headers["location"], headers=HTML).text
    w = session.get(EarlyWarning, urgent)
    assert w is not None and (w.state, w.outcome) == ("closed", "dissuaded")
    assert w.first_contact_at is not None
    timeline = client.get(f"/warnings/{urgent}", headers=HTML).text
    assert "电话" in timeline and "已接通" in timeline and "办结" in timeline
    assert _dissuaded_today(boss) == before + 1


def test_station_user_gets_404_for_another_stations_warning(
    client: TestClient, world: World, session: Session
) -> None:
    theirs = routed_warning(session, "369901002001")
    mine = routed_warning(session, "369901001001")
    browser_login(client, "police_a")
    assert client.get(f"/warnings/{mine}", headers=HTML).status_code == 200
    r = client.get(f"/warnings/{theirs}", headers=HTML)
    assert r.status_code == 404
    assert "李四" not in r.text
    listing = client.get("/warnings", headers=HTML).text
    assert f"/warnings/{mine}" in listing and f'/warnings/{theirs}"' not in listing


def test_revealing_the_victim_is_audited(client: TestClient, world: World, session: Session) -> None:
    wid = routed_warning(session)
    browser_login(client, "dissuader")
    page = client.get(f"/warnings/{wid}?reveal=true", headers=HTML).text
    assert "13912345678" in page
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.action == "pii.reveal", AuditEntry.object_id == str(wid))
    )
    assert entry is not None and "dissuader" in entry.actor


def test_analyst_reroutes_with_a_reason(client: TestClient, world: World, session: Session) -> None:
    wid = routed_warning(session, "369901001001")
    csrf = browser_login(client, "analyst")
    r = client.post(
        f"/warnings/{wid}/route",
        data={"csrf_token": csrf, "node_code": "369902001", "reason": "当事人实际住在和平村"},
        headers=HTML,
    )
    assert r.status_code == 200
    assert "当事人实际住在和平村" in r.text
    w = session.get(EarlyWarning, wid)
    assert w is not None and w.node_path.endswith("/369902001/")


def test_search_filters_by_level_and_subtree(client: TestClient, world: World, session: Session) -> None:
    high = routed_warning(session, "369901001001", level="high")
    low = routed_warning(session, "369902001001", level="low")
    browser_login(client, "commander")
    page = client.get("/warnings?level=high", headers=HTML).text
    assert f'/warnings/{high}"' in page and f'/warnings/{low}"' not in page
    page = client.get("/warnings?node_code=369902", headers=HTML).text
    assert f'/warnings/{low}"' in page and f'/warnings/{high}"' not in page


def test_closing_without_an_outcome_names_the_field(
    client: TestClient, world: World, session: Session
) -> None:
    wid = routed_warning(session)
    csrf = browser_login(client, "dissuader")
    client.post(f"/warnings/{wid}/claim", data={"csrf_token": csrf})
    typed = {"csrf_token": csrf, "outcome": "maybe", "note": "家属在场", "loss_amount": "x"}
    r = client.post(f"/warnings/{wid}/close", data=typed, headers=HTML)
    assert r.status_code == 422 and "办结结果：请选择一项：劝阻成功" in r.text and "outcome：" not in r.text
    assert 'value="家属在场"' in r.text and 'value="x"' in r.text  # the form keeps what was typed
    r = client.post(f"/warnings/{wid}/close", data={**typed, "outcome": "dissuaded"}, headers=HTML)
    assert (
        r.status_code == 422
        and "损失金额：必须是数字" in r.text
        and 'value="dissuaded" required checked' in r.text
    )
    w = session.get(EarlyWarning, wid)
    assert w is not None and w.state == "assigned"


def test_empty_queue_says_so(client: TestClient, world: World) -> None:
    csrf = browser_login(client, "dissuader")
    r = client.post("/queue/next", data={"csrf_token": csrf}, headers=HTML)
    assert "队列中暂无待认领的预警" in r.text


def _received(session: Session) -> int:
    """A warning nobody could route: waiting in the centre's manual-routing queue (待分流)."""
    result = intake.intake(session, [WarningIn.model_validate(received_item())], system_principal())
    wid = result.items[0].id
    assert wid is not None
    return wid


def received_item() -> dict[str, object]:
    return {
        "source": "ministry",
        "source_id": f"received-{utcnow().timestamp()}",
        "issued_at": utcnow().isoformat(),
        "level": "high",
        "victim_phone": "13912345678",
        "victim_address": "外地某路 88 号",
        "fraud_type": "impersonate_authority",
        "tags": [],
        "evidence": [],
        "text": "对方自称公安局",
    }


def test_a_waiting_for_routing_warning_offers_only_routing_by_name(
    client: TestClient, world: World, session: Session
) -> None:
    wid = _received(session)
    csrf = browser_login(client, "analyst")
    page = client.get(f"/warnings/{wid}", headers=HTML).text
    assert "待分流" in page and 'id="reroute"' in page
    for offered in (
        'action="/warnings/{wid}/act"',
        'action="/warnings/{wid}/close"',
        'id="claim"',
        "退回队列",
    ):
        assert offered.format(wid=wid) not in page
    assert 'name="node_code" required>' not in page  # no 12-digit code to type
    choices = client.get("/warnings/route-targets?q=和平", headers=HTML).text
    assert 'value="369902001001"' in choices and "测试市 / 西区 / 丙派出所 / 和平村" in choices
    assert "没有名称含" in client.get("/warnings/route-targets?q=不存在的村", headers=HTML).text
    r = client.post(
        f"/warnings/{wid}/route",
        data={"csrf_token": csrf, "node_code": "369902001001", "reason": "当事人住和平村"},
        headers=HTML,
    )
    assert r.status_code == 200 and "待认领" in r.text and "<strong>分流</strong> · 至 和平村" in r.text


def test_detail_reads_done_steps_labels_and_outcome_in_chinese(
    client: TestClient, world: World, session: Session
) -> None:
    wid = routed_warning(session, victim_address="阳光路 12 号")
    csrf = browser_login(client, "dissuader")
    client.post(f"/warnings/{wid}/claim", data={"csrf_token": csrf})
    client.post(f"/warnings/{wid}/act", data={"csrf_token": csrf, "kind": "call", "result": "已接通"})
    page = client.get(f"/warnings/{wid}", headers=HTML).text
    contact = page.split('id="step-contact"')[1].split("</span>\n")[0]
    assert "已完成" in contact and "data-deadline" not in contact  # no countdown for a done step
    assert 'id="step-close"' in page and "data-deadline" in page.split('id="step-close"')[1].split("</p>")[0]
    assert "12" not in page.split('id="route-reason">')[1].split("</dd>")[0]
    client.post(
        f"/warnings/{wid}/close", data={"csrf_token": csrf, "outcome": "dissuaded", "note": "已当面劝阻"}
    )
    page = client.get(f"/warnings/{wid}", headers=HTML).text
    assert 'id="outcome">劝阻成功' in page and "已当面劝阻" in page.split('id="outcome-fact">')[1]
    timeline = page.split('id="timeline"')[1]
    assert "办结</strong> · 劝阻成功" in timeline and "dissuader（测试市反诈中心）" in timeline
    assert not re.search(r"(user|system):\d+:", timeline) and "dissuaded" not in timeline
    assert "未上门即办结" in page  # high risk, closed without the visit

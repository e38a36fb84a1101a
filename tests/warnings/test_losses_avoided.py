"""Amount at risk (涉险金额) on intake, in the detail, and summed as losses avoided (避免损失)."""

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from fanzha.bulletins.render import render_html
from fanzha.bulletins.service import bulletin_for
from fanzha.core.principal import system_principal
from fanzha.core.timeutil import utcnow
from fanzha.warnings import service
from fanzha.warnings.cli import read_items
from fanzha.warnings.intake import intake
from fanzha.warnings.models import Outcome
from fanzha.warnings.schemas import CloseIn, RouteIn
from tests.bulletins.history import local
from tests.factories import World
from tests.warnings.factories import FEED, add_gazetteer, item, make_warning
from tests.web.test_console import HTML, browser_login

D = Decimal


def _errors(session: Session, amount: object) -> list[dict[str, str]]:
    return intake(session, [item(amount_at_risk=amount)], FEED).items[0].errors


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1", "涉险金额不能为负数"),
        ("10.005", "涉险金额最多两位小数（元，精确到分）"),
        ("1000000000000", "涉险金额不能超过 999,999,999,999.99 元"),
        ("1e30", "涉险金额不能超过 999,999,999,999.99 元"),
        ("NaN", "涉险金额必须是数字（元）"),
        ("-Infinity", "涉险金额必须是数字（元）"),
        ("一万", "必须是数字"),
    ],
)
def test_bad_amounts_are_rejected_with_a_chinese_field_error(
    session: Session, world: World, amount: str, message: str
) -> None:
    assert _errors(session, amount) == [{"field": "amount_at_risk", "message": message}]


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.decimals(min_value=0, max_value=D("999999999999.99"), places=2))
def test_any_amount_in_yuan_and_cents_is_kept_exactly(session: Session, world: World, amount: D) -> None:
    w = make_warning(session, world, amount_at_risk=str(amount))
    session.refresh(w)
    assert w.amount_at_risk == amount


def test_api_takes_the_amount_and_the_detail_shows_it(client: TestClient, world: World) -> None:
    headers = {"Authorization": f"Bearer {world.keys['feed']}"}
    created = client.post("/api/v1/warnings", json=item(amount_at_risk=48000.5), headers=headers)
    assert created.status_code == 201 and created.json()["amount_at_risk"] == "48000.50"
    without = client.post("/api/v1/warnings", json=item(), headers=headers).json()
    assert without["amount_at_risk"] is None
    bad = client.post("/api/v1/warnings/batch", json=[item(amount_at_risk=-5)], headers=headers).json()
    assert bad["items"][0]["errors"] == [{"field": "amount_at_risk", "message": "涉险金额不能为负数"}]
    browser_login(client, "commander")
    page = client.get(f"/warnings/{created.json()['id']}", headers=HTML).text
    assert '<dd id="amount-at-risk">48,000.50 元</dd>' in page
    assert '<dd id="amount-at-risk">—</dd>' in client.get(f"/warnings/{without['id']}", headers=HTML).text


def test_csv_and_jsonl_files_carry_the_amount(session: Session, world: World, tmp_path: Path) -> None:
    csv_file = tmp_path / "w.csv"
    csv_file.write_text(
        "source,source_id,issued_at,level,amount_at_risk\n"
        'bank,F-1,2026-11-20T09:30:00+08:00,high,"12,000.50"\n'
        "bank,F-2,2026-11-20T09:31:00+08:00,low,\n",
        encoding="utf-8",
    )
    jsonl = tmp_path / "w.jsonl"
    jsonl.write_text(
        '{"source": "bank", "source_id": "F-3", "issued_at": "2026-11-20T09:32:00+08:00", '
        '"level": "high", "amount_at_risk": "300"}\n',
        encoding="utf-8",
    )
    result = intake(session, read_items(csv_file) + read_items(jsonl), FEED)
    assert [r.status for r in result.items] == ["created"] * 3
    boss = world.principals["commander"]
    amounts = [service.get_warning(session, r.id or 0, boss).amount_at_risk for r in result.items]
    assert amounts == [D("12000.50"), None, D("300.00")]


def _closed(
    session: Session,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    node: str,
    amount: str | None,
    at: datetime,
    outcome: Outcome,
) -> None:
    monkeypatch.setattr(service, "utcnow", lambda: at)
    analyst = world.principals["analyst"]
    extra = {} if amount is None else {"amount_at_risk": amount}
    w = make_warning(session, world, victim_address="外地", issued_at=at.isoformat(), **extra)
    service.reroute(session, w.id, RouteIn(node_code=node, reason="测试分流"), analyst)
    service.claim(session, w.id, analyst)
    service.close(session, w.id, CloseIn(outcome=outcome), analyst)


def test_losses_avoided_sum_the_amounts_of_warnings_dissuaded_in_the_period(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    east, west = "369901001001", "369902001001"
    for node, amount, at, outcome in [
        (east, "50000.00", local(2026, 10, 3), Outcome.DISSUADED),
        (east, "1200.50", local(2026, 10, 31, 23, 59), Outcome.DISSUADED),
        (east, None, local(2026, 10, 5), Outcome.DISSUADED),  # no amount: adds nothing
        (east, "9999.00", local(2026, 10, 6), Outcome.DEFRAUDED),  # lost, not avoided
        (west, "8000.00", local(2026, 10, 7), Outcome.DISSUADED),
        (west, "700.00", local(2026, 11, 1, 0, 0), Outcome.DISSUADED),  # local midnight: November
        (west, "300.00", local(2026, 9, 30, 23, 59), Outcome.DISSUADED),  # September
    ]:
        _closed(session, world, monkeypatch, node, amount, at, outcome)
    october = bulletin_for(session, system_principal(), "369900", "2026-10")
    avoided = october.measure("losses_avoided_amount")
    assert (avoided.value, avoided.previous) == (D("59200.50"), D("300.00"))
    east_row, west_row = october.children
    assert (east_row.values["losses_avoided_amount"], west_row.values["losses_avoided_amount"]) == (
        D("51200.50"),
        D("8000.00"),
    )
    assert "避免损失 <b>59,200.50</b> 元" in render_html(october)
    november = bulletin_for(session, system_principal(), "369900", "2026-11")
    assert november.measure("losses_avoided_amount").value == D("700.00")


def test_dashboard_shows_this_months_losses_avoided(
    client: TestClient, world: World, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_gazetteer(session, world)
    now = utcnow()
    _closed(
        session, world, monkeypatch, "369901001001", "23456.00", now - timedelta(seconds=5), Outcome.DISSUADED
    )
    browser_login(client, "commander")
    panel = client.get("/dashboard/panel", headers=HTML).text
    assert "<span>本月避免损失（元）</span><b>23,456</b>" in panel

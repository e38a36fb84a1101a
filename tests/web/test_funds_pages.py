"""止付冻结 pages: filing, maker-checker, bank scoping and acknowledgement, follow-ups, the menu."""

import re
from datetime import timedelta
from decimal import Decimal

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.cases import service as cases
from fanzha.core.timeutil import utcnow
from fanzha.funds import service
from fanzha.funds.models import FundRequest, RequestStatus
from fanzha.funds.schemas import HoldIn
from tests.cases.factories import case_in
from tests.factories import World
from tests.funds.factories import hold
from tests.web.test_console import HTML, browser_login


def _as(app: FastAPI, username: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    return client, browser_login(client, username)


def test_officer_files_a_stop_payment_from_a_case(app: FastAPI, world: World, session: Session) -> None:
    case = cases.register_case(session, case_in("369901001001"), world.principals["police_a"])
    client, csrf = _as(app, "police_a")
    assert "申请止付冻结" in client.get(f"/cases/{case.id}", headers=HTML).text
    form = client.get(f"/funds/requests/new?case_id={case.id}", headers=HTML)
    assert form.status_code == 200 and f'value="{case.id}" selected' in form.text
    data = {
        "csrf_token": csrf,
        "case_id": str(case.id),
        "kind": "stop_payment",
        "bank_code": "ICBC",
        "account": "6222 0200 1111 2222",
        "account_name": "张三丰",
        "amount": "8,000.50",
        "reason": "受害人转入后 10 分钟",
    }
    r = client.post("/funds/requests/new", data=data, headers=HTML, follow_redirects=False)
    assert r.status_code == 303
    detail = client.get(r.headers["location"], headers=HTML).text
    assert "待审批" in detail and "6222020011112222" in detail and "8,000.50" in detail
    assert "张三丰" not in detail and "张**" in detail  # the holder's name stays masked
    assert "申请紧急止付" in detail and "police_a" in detail  # the timeline: who and when
    assert "不能审批自己提交的请求" in detail  # the maker is told before trying


def test_bad_amount_names_the_field(app: FastAPI, world: World, session: Session) -> None:
    case = cases.register_case(session, case_in("369901001001"), world.principals["police_a"])
    client, csrf = _as(app, "police_a")
    data = {"csrf_token": csrf, "case_id": str(case.id), "bank_code": "ICBC", "account": "1", "amount": "x"}
    data |= {"account_name": "张三丰", "reason": "转入后 5 分钟"}
    r = client.post("/funds/requests/new", data=data, headers=HTML)
    assert r.status_code == 422 and "金额：必须是数字" in r.text and "amount：" not in r.text
    assert 'value="张三丰"' in r.text and "转入后 5 分钟</textarea>" in r.text  # what was typed stays
    assert r.text.count('class="topbar"') == 1 and 'name="amount"' in r.text  # the form, in the console


def test_request_form_from_a_case_starts_with_its_accounts_and_loss(
    app: FastAPI, world: World, session: Session
) -> None:
    case = cases.register_case(session, case_in("369901001001"), world.principals["police_a"])
    client, _ = _as(app, "police_a")
    form = client.get(f"/funds/requests/new?case_id={case.id}", headers=HTML).text
    assert 'name="account" required maxlength="40" value="6222020000001234567"' in form
    assert 'name="amount" required inputmode="decimal" value="12345.67"' in form
    assert "本案嫌疑账户" in form
    (use,) = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "pii.use", AuditEntry.object_id == str(case.id))
    )
    assert "police_a" in use.actor and use.after["purpose"] == "funds.request_form"


def test_a_waiting_request_names_who_may_approve_and_counts_for_them(
    app: FastAPI, world: World, session: Session
) -> None:
    req = hold(session, world, until="requested")
    maker, _ = _as(app, "police_a")
    page = maker.get(f"/funds/requests/{req.id}", headers=HTML).text
    waiting = page.split('id="waiting"')[1].split("</section>")[0]
    assert "等待 甲派出所（或上级单位）审批" in waiting
    assert "police_a2（甲派出所）" in waiting and "commander（测试市反诈中心）" in waiting
    assert "police_a（" not in waiting and "police_b" not in waiting
    assert maker.get("/funds/requests/awaiting-count", headers=HTML).text == ""
    checker, _ = _as(app, "police_a2")
    assert checker.get("/funds/requests/awaiting-count", headers=HTML).text == "1"
    assert 'hx-get="/funds/requests/awaiting-count"' in checker.get("/", headers=HTML).text.split("</nav>")[0]
    mine = checker.get("/funds/requests?awaiting=true", headers=HTML).text
    assert "待我审批的请求" in mine and f"/funds/requests/{req.id}" in mine
    other, _ = _as(app, "police_b")
    assert other.get("/funds/requests/awaiting-count", headers=HTML).text == ""


def test_station_officer_is_told_why_the_centres_request_is_not_theirs(
    app: FastAPI, world: World, session: Session
) -> None:
    case = cases.register_case(session, case_in("369901001001"), world.principals["commander"])
    data = HoldIn(case_id=case.id, bank_code="ICBC", account="6222020000001111", amount=Decimal("10"))
    req = service.request_hold(session, data, world.principals["commander"])
    station, csrf = _as(app, "police_a2")
    page = station.get(f"/funds/requests/{req.id}", headers=HTML).text
    assert 'id="approve"' not in page and "只能由测试市反诈中心或其上级单位的另一名民警审批" in page
    r = station.post(
        f"/funds/requests/{req.id}/decision", data={"csrf_token": csrf, "approve": "true"}, headers=HTML
    )
    assert r.status_code == 403
    session.refresh(req)
    assert req.status == RequestStatus.REQUESTED


def test_maker_cannot_approve_but_a_second_officer_can(app: FastAPI, world: World, session: Session) -> None:
    req = hold(session, world, until="requested")
    maker, csrf = _as(app, "police_a")
    r = maker.post(
        f"/funds/requests/{req.id}/decision", data={"csrf_token": csrf, "approve": "true"}, headers=HTML
    )
    assert r.status_code == 403
    assert "申请人不能审批自己提交的请求" in r.text and f"#{req.id}" in r.text  # the request, with the reason
    session.refresh(req)
    assert req.status == RequestStatus.REQUESTED
    checker, csrf2 = _as(app, "police_a2")
    page = checker.get(f"/funds/requests/{req.id}", headers=HTML).text
    assert 'id="approve"' in page
    r = checker.post(
        f"/funds/requests/{req.id}/decision",
        data={"csrf_token": csrf2, "approve": "true", "note": "同意"},
        headers=HTML,
    )
    assert r.status_code == 200 and "已审批，待银行执行" in r.text and "审批通过" in r.text


def test_bank_liaison_sees_and_acknowledges_only_its_own_bank(
    app: FastAPI, world: World, session: Session
) -> None:
    icbc = hold(session, world, bank="ICBC", until="approved", amount="9000.00")
    ccb = hold(session, world, bank="CCB", until="approved")
    bank, csrf = _as(app, "bank_icbc")
    listing = bank.get("/funds/requests", headers=HTML).text
    assert f"/funds/requests/{icbc.id}" in listing and f"/funds/requests/{ccb.id}" not in listing
    assert bank.get(f"/funds/requests/{ccb.id}", headers=HTML).status_code == 404
    ack = {"csrf_token": csrf, "executed_amount": "1.00", "balance_found": "1.00"}
    assert bank.post(f"/funds/requests/{ccb.id}/ack", data=ack, headers=HTML).status_code == 404
    too_much = {**ack, "executed_amount": "7000.00", "balance_found": "6500.00"}
    r = bank.post(f"/funds/requests/{icbc.id}/ack", data=too_much, headers=HTML)
    assert r.status_code == 422 and "执行金额不能超过查到的余额" in r.text
    assert 'value="7000.00"' in r.text and 'value="6500.00"' in r.text  # what was typed stays
    ok = {**ack, "executed_amount": "6500.00", "balance_found": "6500.00"}
    r = bank.post(f"/funds/requests/{icbc.id}/ack", data=ok, headers=HTML)
    assert r.status_code == 200 and "生效中" in r.text and "6,500.00" in r.text and "银行回执" in r.text
    session.refresh(icbc)
    assert icbc.executed_amount == 6500 and icbc.balance_found == 6500
    assert "bank_icbc" in (icbc.acknowledged_by or "")
    assert 'data-deadline="' in r.text  # the 48-hour countdown


def test_officer_of_another_station_gets_404(app: FastAPI, world: World, session: Session) -> None:
    req = hold(session, world, node_code="369901002001", until="requested")
    client, _ = _as(app, "police_a")
    assert client.get(f"/funds/requests/{req.id}", headers=HTML).status_code == 404
    assert f'/funds/requests/{req.id}"' not in client.get("/funds/requests", headers=HTML).text


def _row(page: str, req: FundRequest) -> str:
    match = re.search(rf'<tr class="([^"]*)">\s*<td><a href="/funds/requests/{req.id}"', page)
    assert match, page
    return match.group(1)


def test_list_marks_holds_near_expiry_and_filters(app: FastAPI, world: World, session: Session) -> None:
    near = hold(session, world, now=utcnow() - timedelta(hours=40))  # 8 hours left of 48
    fresh = hold(session, world)
    waiting = hold(session, world, bank="CCB", until="requested")
    client, _ = _as(app, "commander")
    page = client.get("/funds/requests", headers=HTML).text
    assert _row(page, near) == "expiring" and _row(page, fresh) == ""
    assert "临近到期" in page and page.count("data-deadline=") == 2
    only = client.get("/funds/requests?status=requested&kind=&bank=CCB", headers=HTML).text
    assert f"/funds/requests/{waiting.id}" in only and f"/funds/requests/{near.id}" not in only
    icbc = client.get("/funds/requests?bank=ICBC", headers=HTML).text
    assert f"/funds/requests/{waiting.id}" not in icbc and f"/funds/requests/{fresh.id}" in icbc


def test_convert_a_stop_payment_to_a_freeze(app: FastAPI, world: World, session: Session) -> None:
    stop = hold(session, world)
    client, csrf = _as(app, "police_a")
    page = client.get(f"/funds/requests/{stop.id}", headers=HTML).text
    assert 'value="freeze"' in page and 'value="release"' in page and 'value="renew"' not in page
    r = client.post(
        f"/funds/requests/{stop.id}/follow-up",
        data={"csrf_token": csrf, "kind": "freeze", "reason": "转冻结"},
        headers=HTML,
        follow_redirects=False,
    )
    assert r.status_code == 303
    freeze = client.get(r.headers["location"], headers=HTML).text
    assert "冻结 #" in freeze and "待审批" in freeze and f'href="/funds/requests/{stop.id}"' in freeze
    again = client.post(
        f"/funds/requests/{stop.id}/follow-up", data={"csrf_token": csrf, "kind": "release"}, headers=HTML
    )
    assert again.status_code == 409 and "已有待处理的后续请求" in again.text
    parent = client.get(f"/funds/requests/{stop.id}", headers=HTML).text
    assert "后续请求" in parent


def test_menu_shows_funds_pages_to_those_who_hold_the_permissions(app: FastAPI, world: World) -> None:
    police, _ = _as(app, "police_a")
    home = police.get("/", headers=HTML).text
    nav = home.split("</nav>")[0]
    assert nav.count('href="/funds/requests"') == 1 and 'href="/funds/trace"' in nav
    bank, _ = _as(app, "bank_icbc")
    nav = bank.get("/", headers=HTML).text.split("</nav>")[0]
    assert 'href="/funds/requests"' in nav and 'href="/funds/trace"' not in nav
    assert bank.get("/funds/trace", headers=HTML).status_code == 403
    assert bank.get("/funds/requests/new", headers=HTML).status_code == 403
    dissuader, _ = _as(app, "dissuader")
    assert "/funds/" not in dissuader.get("/", headers=HTML).text
    assert dissuader.get("/funds/requests", headers=HTML).status_code == 403


def test_deciding_an_approved_request_is_refused_with_its_state(
    app: FastAPI, world: World, session: Session
) -> None:
    req = hold(session, world, until="approved")
    client, csrf = _as(app, "police_a2")
    r = client.post(
        f"/funds/requests/{req.id}/decision", data={"csrf_token": csrf, "approve": "false"}, headers=HTML
    )
    assert r.status_code == 409 and "不能审批" in r.text
    assert service.get_request(session, req.id, world.principals["police_a"]).status == "approved"

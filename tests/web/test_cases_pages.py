"""Case pages: scoped list and detail, masked victim data, opening a case, status moves."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.cases import service as cases
from fanzha.cases.models import Case
from tests.cases.factories import case_in
from tests.factories import World
from tests.web.test_console import HTML, browser_login


def test_station_sees_its_cases_masked_and_not_the_neighbours(
    client: TestClient, world: World, session: Session
) -> None:
    mine = cases.register_case(session, case_in("369901001001"), world.principals["commander"])
    other = cases.register_case(session, case_in("369901002001"), world.principals["commander"])
    browser_login(client, "police_a")
    listing = client.get("/cases", headers=HTML).text
    assert mine.case_no in listing and other.case_no not in listing
    detail = client.get(f"/cases/{mine.id}", headers=HTML).text
    assert "13812345678" not in detail and "138****5678" in detail
    assert "13900001111" not in detail and "139****1111" in detail
    assert "6222020000001234567" not in detail and "6222 **** **** 4567" in detail
    assert client.get(f"/cases/{other.id}", headers=HTML).status_code == 404


def test_revealing_the_victim_and_suspects_is_audited_once(
    client: TestClient, world: World, session: Session
) -> None:
    case = cases.register_case(session, case_in(), world.principals["commander"])
    browser_login(client, "police_a")
    detail = client.get(f"/cases/{case.id}?reveal=true", headers=HTML).text
    assert all(v in detail for v in ("13812345678", "13900001111", "6222020000001234567"))
    (reveal,) = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "pii.reveal", AuditEntry.object_id == str(case.id))
    )
    assert "police_a" in reveal.actor
    browser_login(client, "stats")  # reads cases, may not reveal
    assert "13900001111" not in client.get(f"/cases/{case.id}", headers=HTML).text
    assert client.get(f"/cases/{case.id}?reveal=true", headers=HTML).status_code == 403


def test_filters_narrow_the_list(client: TestClient, world: World, session: Session) -> None:
    boss = world.principals["commander"]
    a = cases.register_case(session, case_in(fraud_type="fake_loan"), boss)
    b = cases.register_case(session, case_in(fraud_type="rebate_task"), boss)
    browser_login(client, "commander")
    page = client.get("/cases?fraud_type=fake_loan&status=&node_code=&identifier=", headers=HTML).text
    assert a.case_no in page and b.case_no not in page


def test_open_a_case_from_a_warning_and_close_it(client: TestClient, world: World, session: Session) -> None:
    csrf = browser_login(client, "police_a")
    form = client.get("/cases/new?warning_id=41&node_code=369901001001&fraud_type=fake_loan", headers=HTML)
    assert 'name="warning_id" value="41"' in form.text
    r = client.post(
        "/cases/new",
        data={
            "csrf_token": csrf,
            "warning_id": "41",
            "occurred_at": "2026-11-20T09:30",
            "node_code": "369901001001",
            "fraud_type": "fake_loan",
            "loss_amount": "5000",
            "victim_phone": "13900001111",
            "summary": "网贷解冻费",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    case = session.scalar(select(Case).where(Case.warning_id == 41))
    assert case is not None and case.occurred_at.hour == 1  # 09:30 Beijing time is 01:30 UTC
    r = client.post(f"/cases/{case.id}/status", data={"csrf_token": csrf, "status": "closed"}, headers=HTML)
    assert r.status_code == 200
    assert re.search(r"已结案", r.text)
    assert "变更案件状态" in r.text


def test_bad_case_form_names_the_field(client: TestClient, world: World) -> None:
    csrf = browser_login(client, "police_a")
    data = {"csrf_token": csrf, "occurred_at": "2026-11-20T09:30", "node_code": "369901001001"}
    r = client.post("/cases/new", data={**data, "fraud_type": "nope", "loss_amount": "x"}, headers=HTML)
    assert r.status_code == 422
    error = re.search(r'id="error"[^>]*>([^<]*)<', r.text)
    assert error and "损失金额：必须是数字" in error[1] and "loss_amount" not in error[1]
    assert 'name="loss_amount" inputmode="decimal" value="x"' in r.text  # the form, as typed


def test_case_page_names_identifier_kinds_and_people_in_chinese(
    client: TestClient, world: World, session: Session
) -> None:
    case = cases.register_case(session, case_in("369901001001"), world.principals["police_a"])
    browser_login(client, "police_a")
    page = client.get(f"/cases/{case.id}", headers=HTML).text
    main = page.split("<main")[1]
    assert "号码：" in main and "账户：" in main
    assert "phone：" not in main and "bank_account：" not in main
    assert "police_a（甲派出所）" in main and not re.search(r"user:\d+:", main)

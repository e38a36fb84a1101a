"""断卡 pages: the punishment list (scoped, masked, listing for five years) and the mule-score list."""

import re
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.core.config import get_settings
from fanzha.funds import punishment
from fanzha.funds.importer import COLUMNS, import_statement
from fanzha.funds.models import PunishedPerson
from fanzha.funds.schemas import PunishedIn
from fanzha.funds.store import TransactionStore
from tests.factories import World
from tests.web.test_console import HTML, browser_login

ID_A, ID_B = "369901199001011234", "36990219850505432X"
PERSON = {"id_number": ID_A, "name": "王小明", "reason": "出售本人银行卡", "node_code": "369901001001"}
PERSON |= {"starts_on": "2026-11-30"}


def _as(app: FastAPI, username: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    return client, browser_login(client, username)


def _listed(session: Session, world: World, id_number: str, name: str, node_code: str, by: str) -> None:
    data = PunishedIn(
        id_number=id_number,
        name=name,
        reason="出售本人银行卡",
        node_code=node_code,
        starts_on=date(2026, 1, 5),
    )
    punishment.list_person(session, data, world.principals[by])


def test_station_sees_only_its_listed_people_masked(app: FastAPI, world: World, session: Session) -> None:
    _listed(session, world, ID_A, "王小明", "369901001001", "police_a")
    _listed(session, world, ID_B, "李大强", "369901002001", "police_b")
    client, _ = _as(app, "police_a")
    r = client.get("/funds/punishment", headers=HTML)
    assert r.status_code == 200
    table = r.text.split('id="punished"')[1]
    assert "3699**********1234" in table and "王**" in table and "2031-01-05" in table
    assert ID_A not in r.text and "王小明" not in r.text
    assert "432X" not in table and "李**" not in table  # another station's listing
    assert 'href="/funds/punishment"' in r.text and 'href="/funds/mule-scores"' in r.text  # the menu


def test_officer_lists_a_person_for_five_years(app: FastAPI, world: World, session: Session) -> None:
    client, csrf = _as(app, "police_a")
    form = {"csrf_token": csrf, **PERSON, "id_number": "369901200002291234", "name": "赵六"}
    form |= {"node_code": "369901001002", "starts_on": "2028-02-29", "case_id": ""}
    r = client.post("/funds/punishment", data=form, headers=HTML)
    assert r.status_code == 200 and "已列入惩戒名单：3699**********1234，至 2033-02-28" in r.text
    person = session.scalars(select(PunishedPerson).where(PunishedPerson.name == "赵六")).one()
    assert person.ends_on == date(2033, 2, 28) and person.node_path.startswith(world.nodes["369901001"].path)


@pytest.mark.parametrize(
    ("change", "message", "status"),
    [
        ({"id_number": "12345"}, "id_number", 422),
        ({"node_code": "369901002001"}, "不在您的管辖范围内", 404),  # police_b's station
        ({"starts_on": ""}, "starts_on", 422),
    ],
)
def test_refused_listing_keeps_the_form_and_says_why(
    app: FastAPI, world: World, session: Session, change: dict[str, str], message: str, status: int
) -> None:
    client, csrf = _as(app, "police_a")
    form = {"csrf_token": csrf, **PERSON} | change
    r = client.post("/funds/punishment", data=form, headers=HTML)
    assert r.status_code == status and message in r.text and 'id="punish-form"' in r.text
    assert 'value="王小明"' in r.text  # what was typed stays
    assert session.scalars(select(PunishedPerson)).all() == []


def test_bank_liaison_has_neither_page(app: FastAPI, world: World) -> None:
    client, _ = _as(app, "bank_icbc")
    assert client.get("/funds/punishment", headers=HTML).status_code == 403
    assert client.get("/funds/mule-scores", headers=HTML).status_code == 403
    assert 'href="/funds/punishment"' not in client.get("/", headers=HTML).text


@pytest.fixture
def statements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TransactionStore:
    """M collects from six people at night and passes it all on within the hour; N is a payroll account."""
    monkeypatch.setattr(get_settings(), "funds_data_dir", tmp_path)
    store = TransactionStore()
    lines = [f"P{k},M,ICBC,out,5000.00,,2026-11-01T01:{10 + k}:00+08:00,," for k in range(6)]
    lines += [f"M,Q{k},ICBC,out,4990.00,,2026-11-01T01:{40 + k}:00+08:00,," for k in range(6)]
    lines += [f"EMPLOYER,N,ICBC,out,8123.45,,2026-10-{10 + k}T10:00:00+08:00,," for k in range(6)]
    import_statement(store, "\n".join([",".join(COLUMNS), *lines, ""]).encode(), "s.csv", "test")
    return store


def test_mule_scores_rank_with_explanation_and_link_to_a_request(
    app: FastAPI, world: World, statements: TransactionStore
) -> None:
    client, _ = _as(app, "police_a")
    r = client.get("/funds/mule-scores", headers=HTML)
    assert r.status_code == 200
    rows = re.findall(r"<tr><td>\d+</td><td>([^<]+)</td>", r.text)
    assert rows[0] == "M" and rows.index("M") < rows.index("N")
    first = r.text.split("<td>M</td>")[1].split("</tr>")[0]
    assert "快进快出" in first and "夜间" in first and 'href="/funds/requests/new?account=M"' in first
    one = client.get("/funds/mule-scores?account=N", headers=HTML).text
    assert re.findall(r"<tr><td>\d+</td><td>([^<]+)</td>", one) == ["N"]
    assert "已导入的流水中没有账户 NOPE" in client.get("/funds/mule-scores?account=NOPE", headers=HTML).text

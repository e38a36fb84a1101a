"""NUL characters and integers past the database's columns are refused per field, never a 500.

PostgreSQL cannot store a NUL in text and its INTEGER id columns end at 2^31 - 1 (SQLite's at
2^63 - 1); either used to reach the database and fail the whole request.
"""

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanzha.core.inputs import DATE_MESSAGE, INT_MAX, NUL_MESSAGE, RANGE_MESSAGE, input_problem
from tests.factories import PASSWORD, World
from tests.warnings.factories import item
from tests.web.test_console import HTML


def _fields(r: object) -> dict[str, str]:
    body = r.json()  # type: ignore[attr-defined]
    return {f["field"]: f["message"] for f in body["error"]["fields"]}


def test_nul_in_a_json_login_is_a_field_error(client: TestClient, world: World) -> None:
    r = client.post("/api/v1/auth/login", json={"username": "police\x00_a", "password": PASSWORD})
    assert r.status_code == 422
    assert _fields(r) == {"username": NUL_MESSAGE}


def test_nul_in_the_login_form_is_a_chinese_page(client: TestClient, world: World) -> None:
    r = client.post("/login", data={"username": "police_a\x00", "password": PASSWORD}, headers=HTML)
    assert r.status_code == 422
    assert "空字符" in r.text


def test_nul_in_query_and_path_values(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    r = c.get("/api/v1/cases", params={"q": "138\x000000"})
    assert r.status_code == 422
    assert _fields(r) == {"q": NUL_MESSAGE}
    r = c.get("/api/v1/nodes/369900%00")
    assert r.status_code == 422
    assert _fields(r) == {"code": NUL_MESSAGE}


def test_nul_in_a_public_report(client: TestClient, world: World) -> None:
    r = client.post("/report", data={"text": "有人让我转账\x00到安全账户"}, headers=HTML)
    assert r.status_code == 422
    assert "空字符" in r.text


def test_one_nul_item_rejects_only_that_item_of_a_batch(client: TestClient, world: World) -> None:
    headers = {"Authorization": f"Bearer {world.keys['feed']}"}
    items = [item() for _ in range(20)]
    items[7]["victim_name"] = "王\x00小明"
    items[11]["evidence"] = [{"kind": "phone", "value": "170\x001111"}]
    r = client.post("/api/v1/warnings/batch", json=items, headers=headers)
    assert r.status_code == 200
    results = r.json()["items"]
    assert [i for i, x in enumerate(results) if x["status"] == "rejected"] == [7, 11]
    assert "victim_name" in str(results[7]) and "空字符" in str(results[7])


def test_ids_past_the_integer_columns_are_field_errors(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    for too_big in (INT_MAX + 1, 2**63, 10**30):
        r = c.get(f"/api/v1/cases/{too_big}")
        assert r.status_code == 422, r.text
        assert _fields(r) == {"case_id": RANGE_MESSAGE}
        r = c.get("/api/v1/warnings", params={"page": too_big})
        assert r.status_code == 422
        assert _fields(r) == {"page": RANGE_MESSAGE}
    assert c.get(f"/api/v1/cases/{INT_MAX}").status_code == 404


def test_integers_in_bodies_and_forms_are_bounded(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("police_a")
    body = {"case_id": 2**40, "bank_code": "ICBC", "account": "6222020200112233445", "amount": "100.00"}
    r = c.post("/api/v1/funds/requests", json=body)
    assert r.status_code == 422
    assert _fields(r) == {"case_id": RANGE_MESSAGE}
    r = c.post("/funds/requests/new", data={**body, "case_id": str(2**40)}, headers=HTML)
    assert r.status_code == 422
    assert "超出范围" in r.text


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(number=st.integers(min_value=-(2**80), max_value=2**80))
def test_any_warning_id_is_missing_or_refused(login, world: World, number: int) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    r = c.get(f"/api/v1/warnings/{number}")
    assert r.status_code == (404 if -(2**31) <= number < 2**31 else 422), r.text


@given(text=st.text(), where=st.integers(min_value=0, max_value=50))
def test_input_problem_finds_a_nul_anywhere(text: str, where: int) -> None:
    spoiled = text[:where] + "\x00" + text[where:]
    assert input_problem({"rows": [{"name": spoiled}]}) == NUL_MESSAGE
    assert input_problem(text.replace("\x00", "")) is None


def test_years_far_off_are_refused_in_bodies_and_queries(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("police_a")
    body = {"node_code": "369901001", "fraud_type": "rebate_task", "loss_amount": "100.00"}
    for when in ("0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"):
        r = c.post("/api/v1/cases", json={**body, "occurred_at": when})
        assert r.status_code == 422, r.text
        assert _fields(r) == {"occurred_at": DATE_MESSAGE}
        r = c.get("/api/v1/cases", params={"since": when})
        assert r.status_code == 422
        assert _fields(r) == {"since": DATE_MESSAGE}
    r = c.post("/api/v1/cases", json={**body, "occurred_at": "2026-11-20T09:30:00+08:00"})
    assert r.status_code == 201

"""One error shape: JSON for the API, a page for the browser."""

from fastapi.testclient import TestClient

from tests.factories import World


def test_api_error_shape_is_pinned(client: TestClient) -> None:
    r = client.get("/api/v1/auth/me")
    assert r.status_code == 401
    assert r.json() == {"error": {"code": "not_authenticated", "message": "请先登录", "fields": []}}


def test_validation_errors_name_the_field(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    r = c.post(
        "/api/v1/users",
        json={
            "username": "ok_name",
            "display_name": "x",
            "password": "short",
            "role": "nobody",
            "unit_id": 1,
        },
    )
    assert r.status_code == 422
    body = r.json()["error"]
    assert body["code"] == "validation_failed"
    assert {f["field"]: f["message"] for f in body["fields"]} == {
        "password": "至少 8 个字符",
        "role": "必须是以下之一：'commander', 'warning_analyst', 'dissuader', 'community_police', "
        "'grid_worker', 'bank_liaison', 'telecom_liaison', 'analyst' or 'prevention_officer'",
    }


def test_browser_gets_an_html_error_page(client: TestClient) -> None:
    r = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "页面不存在" in r.text


def test_api_404_stays_json_even_for_browsers(client: TestClient) -> None:
    r = client.get("/api/v1/nope", headers={"Accept": "text/html"})
    assert r.json()["error"]["code"] == "not_found"


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    assert client.get("/ready").json() == {"status": "ready"}


def test_openapi_is_served_under_v1(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"].startswith("fanzha")
    assert "/api/v1/auth/login" in spec["paths"]

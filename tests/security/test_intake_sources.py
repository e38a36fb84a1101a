"""A feed's API key sends only as the sources it was issued for, so it can neither file warnings
as another source nor read another source's warning back by re-posting its number."""

from fastapi.testclient import TestClient

from tests.factories import World
from tests.warnings.factories import item


def _issue(c: TestClient, world: World, name: str, sources: list[str]) -> dict[str, str]:
    body = {
        "name": name,
        "unit_id": world.units["centre"].id,
        "scopes": ["warnings.intake"],
        "sources": sources,
    }
    r = c.post("/api/v1/api-keys", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["sources"] == sources
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_a_key_sends_only_as_its_sources(login, client: TestClient, world: World) -> None:  # type: ignore[no-untyped-def]
    admin: TestClient = login("commander")
    bank_feed = _issue(admin, world, "银行预警接口", ["bank"])
    r = client.post(
        "/api/v1/warnings/batch", json=[item(source="bank"), item(source="ministry")], headers=bank_feed
    )
    results = r.json()["items"]
    assert [x["status"] for x in results] == ["created", "rejected"]
    assert results[1]["errors"] == [{"field": "source", "message": "此密钥只能提交以下来源的预警：银行"}]


def test_reposting_another_sources_number_reads_nothing(login, client: TestClient, world: World) -> None:  # type: ignore[no-untyped-def]
    admin: TestClient = login("commander")
    ministry, bank = (
        _issue(admin, world, "部级接口", ["ministry"]),
        _issue(admin, world, "银行接口", ["bank"]),
    )
    original = item(source="ministry", source_id="M-0001")
    assert client.post("/api/v1/warnings", json=original, headers=ministry).status_code == 201
    guess = item(source="ministry", source_id="M-0001", victim_name="猜测")
    r = client.post("/api/v1/warnings", json=guess, headers=bank)
    assert r.status_code == 422
    assert "王小明" not in r.text and "369901199001011234" not in r.text


def test_an_intake_key_must_name_its_sources(login, world: World) -> None:  # type: ignore[no-untyped-def]
    admin: TestClient = login("commander")
    body = {"name": "无来源接口", "unit_id": world.units["centre"].id, "scopes": ["warnings.intake"]}
    r = admin.post("/api/v1/api-keys", json=body)
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["field"] == "sources"

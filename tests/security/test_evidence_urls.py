"""A web address that does not parse (``http://[x]/``) is refused at the edge, and one already
stored no longer breaks closing as defrauded, case search or case creation."""

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fanzha.warnings import service
from fanzha.warnings.models import Outcome
from fanzha.warnings.schemas import CloseIn
from tests.factories import World
from tests.warnings.factories import add_gazetteer, item, make_warning

BAD = "http://[x]/"


def test_intake_rejects_the_item_with_a_broken_url(client: TestClient, world: World) -> None:
    headers = {"Authorization": f"Bearer {world.keys['feed']}"}
    r = client.post(
        "/api/v1/warnings/batch",
        json=[item(), item(evidence=[{"kind": "url", "value": BAD}])],
        headers=headers,
    )
    results = r.json()["items"]
    assert [x["status"] for x in results] == ["created", "rejected"]
    assert results[1]["errors"][0]["field"] == "evidence.0.value"
    assert "网址格式不正确" in results[1]["errors"][0]["message"]


def test_a_stored_broken_url_still_closes_as_defrauded(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    w = make_warning(session, world)
    w.evidence = [{"kind": "url", "value": BAD}]  # stored before addresses were checked
    session.flush()
    a = world.principals["police_a"]
    service.claim(session, w.id, a)
    closed = service.close(session, w.id, CloseIn(outcome=Outcome.DEFRAUDED, loss_amount=Decimal("10")), a)
    assert closed.case_id is not None


def test_case_search_and_creation(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("police_a")
    r = c.get("/api/v1/cases", params={"identifier": BAD})
    assert r.status_code == 200 and r.json()["total"] == 0
    body = {
        "occurred_at": "2026-11-20T09:30:00+08:00",
        "node_code": "369901001",
        "fraud_type": "rebate_task",
        "loss_amount": "100.00",
        "suspect_identifiers": [{"kind": "url", "value": BAD}],
    }
    r = c.post("/api/v1/cases", json=body)
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["field"] == "suspect_identifiers.0.value"

"""Intake is idempotent per (source, source id), reports per item, and routes by gazetteer."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.warnings.intake import intake
from fanzha.warnings.models import EarlyWarning
from fanzha.warnings.service import manual_queue
from tests.factories import World
from tests.warnings.factories import FEED, add_gazetteer, item, make_warning


def _count(session: Session, source_id: str) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(EarlyWarning).where(EarlyWarning.source_id == source_id)
        )
        or 0
    )


def test_same_instruction_twice_yields_one_warning(session: Session, world: World) -> None:
    data = item(source_id="P-SAME")
    first = intake(session, [data], FEED).items[0]
    again = intake(session, [data, {**data, "text": "重发"}], FEED)
    assert first.status == "created"
    assert [r.status for r in again.items] == ["existing", "existing"]
    assert {r.id for r in again.items} == {first.id}
    assert _count(session, "P-SAME") == 1


def test_batch_keeps_good_items_and_names_bad_fields(session: Session, world: World) -> None:
    items = [
        item(),
        item(level="urgent"),
        item(issued_at="2026-11-20T09:00:00"),
        item(),
        {"source": "ministry"},
    ]
    result = intake(session, items, FEED)
    assert [r.status for r in result.items] == ["created", "rejected", "rejected", "created", "rejected"]
    assert result.created == 2 and result.rejected == 3
    assert result.items[1].errors[0]["field"] == "level"
    assert "时区" in result.items[2].errors[0]["message"]
    assert {e["field"] for e in result.items[4].errors} >= {"source_id", "issued_at", "level"}


def test_one_audit_entry_per_created_warning(session: Session, world: World) -> None:
    before = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    intake(session, [item() for _ in range(5)], FEED)
    after = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    assert after - before == 5


def test_routing_by_road_number_range(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    low = make_warning(session, world, victim_address="东区阳光路12号")
    high = make_warning(session, world, victim_address="东区阳光路150号2栋")
    assert low.node_id == world.node("369901001001").id and low.state == "routed"
    assert high.node_id == world.node("369901001002").id
    assert "阳光路150号" in high.route_reason and "绿洲社区" in high.route_reason
    assert low.unit_id == world.units["grid_a1"].id


def test_routing_by_community_then_phone_then_manual_queue(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    community = make_warning(session, world, victim_address="西湖街翠苑社区5栋")
    village = make_warning(session, world, victim_address="和平村三组")
    by_phone = make_warning(session, world, victim_address="外地某处", victim_phone="13870021234")
    nowhere = make_warning(session, world, victim_address="外地某处", victim_phone="13900000000")
    assert community.node_id == world.node("369901002001").id and "翠苑社区" in community.route_reason
    assert village.node_id == world.node("369902001001").id
    assert by_phone.node_id == world.node("369902").id and "1387002" in by_phone.route_reason
    assert nowhere.state == "received" and nowhere.node_id == world.node("369900").id
    assert "人工分流" in nowhere.route_reason
    assert nowhere.id in {w.id for w in manual_queue(session, world.principals["analyst"])}


def test_gazetteer_change_is_picked_up(session: Session, world: World) -> None:
    before = make_warning(session, world, victim_address="和平村一组")
    add_gazetteer(session, world)
    after = make_warning(session, world, victim_address="和平村一组")
    assert before.state == "received" and after.node_id == world.node("369902001001").id


def test_api_intake_is_idempotent_and_masks_victim(client: TestClient, world: World) -> None:
    headers = {"Authorization": f"Bearer {world.keys['feed']}"}
    data = item(source_id="API-1")
    first = client.post("/api/v1/warnings", json=data, headers=headers)
    second = client.post("/api/v1/warnings", json=data, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    body = first.json()
    assert body["victim_phone"] != "13912345678" and body["victim_id_number"] != "369901199001011234"
    assert "王小明" not in str(body)


def test_api_batch_reports_per_item(client: TestClient, world: World) -> None:
    headers = {"Authorization": f"Bearer {world.keys['feed']}"}
    res = client.post("/api/v1/warnings/batch", json=[item(), item(level="x")], headers=headers)
    assert res.status_code == 200
    assert [i["status"] for i in res.json()["items"]] == ["created", "rejected"]


def test_intake_needs_the_intake_permission(client: TestClient, world: World) -> None:
    res = client.post(
        "/api/v1/warnings", json=item(), headers={"Authorization": f"Bearer {world.keys['screening']}"}
    )
    assert res.status_code == 403

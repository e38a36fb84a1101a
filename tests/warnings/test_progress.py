"""How a warning reads: the routing reason masked like the address, deadlines met or missed,
timeline steps in words with actors by name, and only the moves the state machine allows."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.jurisdiction.service import find_nodes
from fanzha.warnings import progress, service, tick, views
from fanzha.warnings.intake import intake
from fanzha.warnings.schemas import ActionIn, CloseIn
from fanzha.warnings.statemachine import Move, State, allowed_moves
from tests.factories import World
from tests.warnings.factories import FEED, add_gazetteer, item, make_warning


def _revealed_fields(session: Session, warning_id: int) -> list[str]:
    """The fields named by the warning's one ``pii.reveal`` audit entry."""
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.action == "pii.reveal", AuditEntry.object_id == str(warning_id))
    )
    assert entry is not None
    return list((entry.after or {})["fields"])


def test_route_reason_is_masked_like_the_address_and_revealed_with_it(
    login, session: Session, world: World
) -> None:  # type: ignore[no-untyped-def]
    add_gazetteer(session, world)
    w = make_warning(session, world)  # 测试市东区阳光路12号3单元
    assert "阳光路12号" in w.route_reason
    session.commit()
    police: TestClient = login("police_a")
    masked = police.get(f"/api/v1/warnings/{w.id}").json()
    assert "12" not in masked["route_reason"] and "阳光路**号" in masked["route_reason"]
    assert "阳光社区" in masked["route_reason"]  # the matched area stays readable
    assert "12" not in masked["victim_address"]
    listed = police.get("/api/v1/warnings").json()["items"]
    assert all("12号" not in i["route_reason"] for i in listed)
    revealed = police.get(f"/api/v1/warnings/{w.id}?reveal=true").json()
    assert "阳光路12号" in revealed["route_reason"]
    assert "route_reason" in _revealed_fields(session, w.id)


def test_the_suspects_phone_in_the_evidence_is_masked_until_revealed(
    login, session: Session, world: World
) -> None:  # type: ignore[no-untyped-def]
    """The evidence carried the suspect's number whole to every reader, grid workers included, while
    a case made from the warning masks the same number."""
    add_gazetteer(session, world)  # routes it to station A
    w = make_warning(session, world)  # evidence: phone +86 170 0000 1111, url HTTP://Fake.Example/pay
    session.commit()
    police: TestClient = login("police_a")
    shown = {e["kind"]: e["value"] for e in police.get(f"/api/v1/warnings/{w.id}").json()["evidence"]}
    assert "0000" not in shown["phone"] and shown["phone"].endswith("1111")
    assert shown["url"] == "HTTP://Fake.Example/pay"  # a link is no personal data
    listed = police.get("/api/v1/warnings").json()["items"]
    assert "0000 1111" not in str(listed)
    revealed = police.get(f"/api/v1/warnings/{w.id}?reveal=true").json()["evidence"]
    assert {"kind": "phone", "value": "+86 170 0000 1111"} in revealed
    assert "evidence#0" in _revealed_fields(session, w.id)


def test_the_routing_step_in_the_timeline_is_masked_like_the_reason(
    login, session: Session, world: World
) -> None:  # type: ignore[no-untyped-def]
    """An admitted report's routing step carried the reason whole: the house number (or the phone
    prefix beside the masked phone) was readable in the timeline without a reveal."""
    add_gazetteer(session, world)
    held = intake(session, [item()], FEED, hold="内容过于简单").items[0]
    assert held.id is not None
    w = service.admit(session, held.id, world.principals["analyst"])
    session.commit()
    police: TestClient = login("police_a")
    (step,) = [a for a in police.get(f"/api/v1/warnings/{w.id}").json()["timeline"] if a["kind"] == "route"]
    assert "阳光路**号" in step["note"] and "12" not in step["note"]
    revealed = police.get(f"/api/v1/warnings/{w.id}?reveal=true").json()["timeline"]
    assert any(a["kind"] == "route" and "阳光路12号" in a["note"] for a in revealed)


def test_phone_prefix_in_the_reason_is_masked(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    w = make_warning(session, world, victim_address="外地", victim_phone="13870021234")
    out = views.to_out(session, w, world.principals["commander"])
    assert "1387002" in w.route_reason and "1387002" not in out.route_reason


def test_a_call_on_time_reads_done_not_overdue(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    w = make_warning(session, world, victim_address="测试市东区阳光路12号")
    dissuader = world.principals["police_a"]
    service.claim(session, w.id, dissuader)
    service.record_action(session, w.id, ActionIn(kind="call", result="已接通"), dissuader)
    contact = next(s for s in progress.steps(w) if s.step == "contact")
    assert contact.done_at is not None and not contact.late


def test_a_missed_then_done_step_shows_both_and_a_close_without_visit_is_flagged(
    session: Session, world: World
) -> None:
    add_gazetteer(session, world)
    w = make_warning(session, world, victim_address="测试市东区阳光路12号", level="high")
    assert w.visit_due_at is not None  # high risk: a visit is required
    officer = world.principals["police_a"]
    service.claim(session, w.id, officer)
    later = w.contact_due_at + timedelta(minutes=5)
    tick.tick(session, later)  # the scheduler flags the missed contact
    service.record_action(session, w.id, ActionIn(kind="call", result="已接通"), officer)
    session.refresh(w)
    contact = next(s for s in progress.steps(w) if s.step == "contact")
    assert contact.done_at is not None and contact.late
    assert progress.flags(w) == []
    service.close(session, w.id, CloseIn(outcome="dissuaded"), officer)
    session.refresh(w)
    assert progress.flags(w) == [progress.CLOSED_WITHOUT_VISIT]
    labels = {
        (a.kind_label, a.result_label) for a in progress.timeline(session, service.timeline(session, w))
    }
    assert ("办结", "劝阻成功") in labels and ("超时", "首次联系") in labels
    assert any(k == "超时升级" and r.startswith("至 ") for k, r in labels)
    names = {a.actor_name for a in progress.timeline(session, service.timeline(session, w))}
    assert "police_a（甲派出所）" in names and "系统·超时提醒" in names
    assert not any(n.startswith(("user:", "system:")) for n in names)


def test_pages_offer_only_allowed_moves() -> None:
    assert allowed_moves(State.RECEIVED) == {Move.ROUTE, Move.DISMISS}
    assert allowed_moves(State.HELD) == {Move.ADMIT, Move.DISMISS}
    assert allowed_moves(State.CLOSED) == {Move.REOPEN}
    assert {Move.ACT, Move.CLOSE, Move.RELEASE} <= allowed_moves(State.ASSIGNED)


def test_nodes_are_found_by_name_within_scope(session: Session, world: World) -> None:
    found = find_nodes(session, world.node("369901").path, "社区")
    assert [c.name for c in found] == ["阳光社区", "绿洲社区", "翠苑社区"]
    assert found[0].trail == "测试市 / 东区 / 甲派出所 / 阳光社区" and found[0].code == "369901001001"
    assert find_nodes(session, world.node("369901").path, "和平村") == []  # west district: out of scope
    assert find_nodes(session, "/", "%") == []  # a LIKE wildcard is a plain character

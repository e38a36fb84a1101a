"""The dissuasion workflow: claims lock, actions are timestamped, closing needs an outcome."""

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from fanzha.cases.service import get_case
from fanzha.core.errors import Conflict, Forbidden, NotFound
from fanzha.warnings import service
from fanzha.warnings.models import EarlyWarning, Outcome
from fanzha.warnings.schemas import ActionIn, CloseIn, DismissIn, ReopenIn, RouteIn
from fanzha.warnings.statemachine import TRANSITIONS, Move, State
from tests.factories import World
from tests.warnings.factories import add_gazetteer, make_warning


@pytest.fixture
def routed(session: Session, world: World) -> EarlyWarning:
    add_gazetteer(session, world)
    return make_warning(session, world)


def test_claim_locks_the_warning(session: Session, world: World, routed: EarlyWarning) -> None:
    a, a2 = world.principals["police_a"], world.principals["police_a2"]
    service.claim(session, routed.id, a)
    with pytest.raises(Conflict):
        service.claim(session, routed.id, a2)
    with pytest.raises(Forbidden):
        service.record_action(session, routed.id, ActionIn(kind="call", result="接通"), a2)
    assert routed.assignee_id == world.users["police_a"] and routed.state == "assigned"


def test_actions_set_contact_and_visit_times_and_close_needs_holder(
    session: Session, world: World, routed: EarlyWarning
) -> None:
    a = world.principals["police_a"]
    service.claim(session, routed.id, a)
    service.record_action(session, routed.id, ActionIn(kind="call", result="未接通"), a)
    first_contact = routed.first_contact_at
    service.record_action(session, routed.id, ActionIn(kind="visit", result="见面劝阻", note="已上门"), a)
    w = service.close(session, routed.id, CloseIn(outcome=Outcome.DISSUADED, note="已劝阻"), a)
    assert first_contact is not None and w.first_contact_at == first_contact and w.visited_at is not None
    assert w.state == "closed" and w.outcome == "dissuaded" and w.feedback_seq is not None
    kinds = [t.kind for t in service.timeline(session, w)]
    assert kinds == ["claim", "call", "visit", "close"]


def test_defrauded_opens_a_prefilled_case(session: Session, world: World, routed: EarlyWarning) -> None:
    a = world.principals["police_a"]
    service.claim(session, routed.id, a)
    w = service.close(
        session, routed.id, CloseIn(outcome=Outcome.DEFRAUDED, loss_amount=Decimal("5200.00")), a
    )
    assert w.case_id is not None
    case = get_case(session, w.case_id, a)
    assert case.warning_id == w.id and case.loss_amount == Decimal("5200.00")
    assert case.fraud_type == "rebate_task" and case.node_path == w.node_path
    assert (
        "phone",
        "17000001111",
    ) in {(kind, value) for kind, value, _ in service.confirmed_identifiers(session)}


def test_reroute_needs_a_reason_and_records_it(session: Session, world: World, routed: EarlyWarning) -> None:
    w = service.reroute(
        session, routed.id, RouteIn(node_code="369901002", reason="住址已搬迁"), world.principals["analyst"]
    )
    assert w.node_path == world.node("369901002").path and "住址已搬迁" in w.route_reason
    with pytest.raises(NotFound):
        service.get_warning(session, w.id, world.principals["police_a"])
    with pytest.raises(Forbidden):
        service.reroute(
            session, w.id, RouteIn(node_code="369901001", reason="试试"), world.principals["police_b"]
        )


def test_reopen_gives_fresh_deadlines(session: Session, world: World, routed: EarlyWarning) -> None:
    a = world.principals["police_a"]
    service.claim(session, routed.id, a)
    service.close(session, routed.id, CloseIn(outcome=Outcome.NOT_REACHED), a)
    old_due = routed.close_due_at
    w = service.reopen(session, routed.id, ReopenIn(reason="家属来电"), a)
    assert w.state == "routed" and w.outcome is None and w.assignee_id is None and w.close_due_at > old_due


MOVES = {
    Move.ROUTE: lambda s, w, p: service.reroute(
        s, w.id, RouteIn(node_code="369901001", reason="改派测试"), p
    ),
    Move.CLAIM: lambda s, w, p: service.claim(s, w.id, p),
    Move.RELEASE: lambda s, w, p: service.release(s, w.id, p),
    Move.ACT: lambda s, w, p: service.record_action(s, w.id, ActionIn(kind="note", note="备注"), p),
    Move.CLOSE: lambda s, w, p: service.close(s, w.id, CloseIn(outcome=Outcome.FALSE_ALARM), p),
    Move.REOPEN: lambda s, w, p: service.reopen(s, w.id, ReopenIn(reason="重新核实"), p),
    Move.ADMIT: lambda s, w, p: service.admit(s, w.id, p),
    Move.DISMISS: lambda s, w, p: service.dismiss(s, w.id, DismissIn(reason="重复预警"), p),
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(st.sampled_from(list(Move)), min_size=1, max_size=8))
def test_every_move_outside_the_table_is_refused(session: Session, world: World, moves: list[Move]) -> None:
    """Random sequences of moves: allowed ones land in the table's state, others change nothing."""
    w = make_warning(session, world, victim_address="外地")  # starts in the manual queue
    analyst = world.principals["analyst"]
    for move in moves:
        state = State(w.state)
        snapshot = (w.state, w.assignee_id, w.version, w.node_path)
        expected = TRANSITIONS.get((state, move))
        if expected is None:
            with pytest.raises(Conflict, match="不能执行"):
                MOVES[move](session, w, analyst)
            session.refresh(w)
            assert (w.state, w.assignee_id, w.version, w.node_path) == snapshot
        else:
            MOVES[move](session, w, analyst)
            assert w.state == expected.value


def test_api_queue_claim_act_close(login, world: World, session: Session) -> None:  # type: ignore[no-untyped-def]
    add_gazetteer(session, world)
    w = make_warning(session, world)
    other = make_warning(session, world, victim_address="翠苑社区1栋")  # station B
    police: TestClient = login("police_a")
    queue = police.get("/api/v1/warnings/queue").json()
    assert [q["id"] for q in queue] == [w.id]
    assert police.post("/api/v1/warnings/next").json()["id"] == w.id
    assert (
        police.post(f"/api/v1/warnings/{w.id}/actions", json={"kind": "call", "result": "接通"}).status_code
        == 200
    )
    res = police.post(f"/api/v1/warnings/{w.id}/close", json={"outcome": "dissuaded"})
    assert res.status_code == 200 and res.json()["state"] == "closed"
    refused = police.post(f"/api/v1/warnings/{w.id}/claim")
    assert refused.status_code == 409 and "已办结" in refused.json()["error"]["message"]
    assert police.get(f"/api/v1/warnings/{other.id}").status_code == 404
    detail = police.get(f"/api/v1/warnings/{w.id}?reveal=true").json()
    assert detail["victim_phone"] == "13912345678" and [t["kind"] for t in detail["timeline"]][-1] == "close"

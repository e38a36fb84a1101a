"""Deadlines live on the rows: a tick marks overdue steps and escalates each warning once."""

from dataclasses import replace
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.accounts.schemas import UserIn
from fanzha.core.principal import system_principal
from fanzha.warnings import service, views
from fanzha.warnings.deadlines import Norm, set_norm
from fanzha.warnings.feedback import feedback
from fanzha.warnings.intake import intake
from fanzha.warnings.models import Outcome, WarningAction
from fanzha.warnings.schemas import ActionIn, CloseIn, ReopenIn
from fanzha.warnings.tick import tick
from tests.factories import PASSWORD, World
from tests.warnings.factories import FEED, add_gazetteer, item, make_warning


def test_default_deadlines_follow_domain_norms(session: Session, world: World) -> None:
    high = make_warning(session, world, level="high")
    low = make_warning(session, world, level="low")
    assert high.contact_due_at - high.received_at == timedelta(minutes=5)
    assert high.visit_due_at is not None and high.visit_due_at - high.received_at == timedelta(minutes=30)
    assert high.close_due_at - high.received_at == timedelta(hours=2)
    assert low.visit_due_at is None and low.close_due_at - low.received_at == timedelta(hours=72)


def test_nearest_ancestor_norm_wins(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    east, station = world.node("369901"), world.node("369901001")
    set_norm(session, east.id, east.path, "high", Norm(10, 60, 240), "test")
    set_norm(session, station.id, station.path, "high", Norm(3, 20, 90), "test")
    in_station = make_warning(session, world)  # 阳光社区, under station A
    in_b = make_warning(session, world, victim_address="翠苑社区")  # station B, under east only
    assert in_station.contact_due_at - in_station.received_at == timedelta(minutes=3)
    assert in_b.close_due_at - in_b.received_at == timedelta(minutes=240)


def test_overdue_warning_escalates_once(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    w = make_warning(session, world)
    later = w.received_at + timedelta(minutes=6)
    first = tick(session, later)
    again = tick(session, later + timedelta(minutes=1))
    much_later = tick(session, later + timedelta(hours=3))
    session.refresh(w)
    assert first.overdue["contact"] == 1 and first.escalated == 1
    assert again.escalated == 0 and much_later.escalated == 0
    assert much_later.overdue == {"contact": 0, "visit": 1, "close": 1}
    assert w.escalated_unit_id == world.units["station_a"].id  # the grid's parent unit
    escalations = session.scalars(
        select(WarningAction).where(WarningAction.warning_id == w.id, WarningAction.kind == "escalate")
    ).all()
    assert len(escalations) == 1


def test_contact_in_time_is_not_overdue(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    w = make_warning(session, world, level="medium")
    a = world.principals["police_a"]
    service.claim(session, w.id, a)
    service.record_action(session, w.id, ActionIn(kind="call", result="接通"), a)
    report = tick(session, w.received_at + timedelta(hours=1))
    assert report.overdue["contact"] == 0 and report.escalated == 0
    overdue = views.overdue_list(session, world.principals["commander"], w.received_at + timedelta(days=2))
    assert [(o.id, o.step) for o in overdue] == [(w.id, "close")]


def test_feedback_cursor_never_misses_or_repeats(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    client = replace(FEED, kind="client", id=99, name="feed", role="client", sources=frozenset({"province"}))
    ids = [r.id for r in intake(session, [item() for _ in range(4)], client).items]
    a = world.principals["police_a"]
    for wid, outcome in zip(ids[:3], (Outcome.DISSUADED, Outcome.REFUSED, Outcome.FALSE_ALARM), strict=True):
        assert wid is not None
        service.claim(session, wid, a)
        service.close(session, wid, CloseIn(outcome=outcome), a)
    page1 = feedback(session, client, 0, limit=2)
    page2 = feedback(session, client, page1.next_cursor, limit=2)
    assert [i.id for i in page1.items + page2.items] == ids[:3]
    assert feedback(session, client, page2.next_cursor).items == []
    assert ids[0] is not None
    service.reopen(session, ids[0], ReopenIn(reason="复核"), a)
    service.claim(session, ids[0], a)
    service.close(session, ids[0], CloseIn(outcome=Outcome.DEFRAUDED), a)
    changed = feedback(session, client, page2.next_cursor)
    assert [(i.id, i.outcome) for i in changed.items] == [(ids[0], "defrauded")]


def test_feedback_endpoint_only_shows_the_clients_own_warnings(
    client: TestClient, session: Session, world: World
) -> None:
    add_gazetteer(session, world)
    headers = {"Authorization": f"Bearer {world.keys['feed']}"}
    mine = client.post("/api/v1/warnings", json=item(), headers=headers).json()["id"]
    theirs = make_warning(session, world)
    a = world.principals["commander"]
    for wid in (mine, theirs.id):
        service.claim(session, wid, a)
        service.close(session, wid, CloseIn(outcome=Outcome.DISSUADED), a)
    body = client.get("/api/v1/warnings/feedback?cursor=0", headers=headers).json()
    assert [i["id"] for i in body["items"]] == [mine] and body["next_cursor"] == body["items"][0]["seq"]


def test_auto_assignment_hands_new_warnings_to_on_duty_people(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    station = world.node("369901002")
    set_norm(session, station.id, station.path, "high", Norm(5, 30, 120, auto_assign=True), "test")
    w = make_warning(session, world, victim_address="翠苑社区")  # station B's grid, no grid team there
    assert w.state == "assigned" and w.assignee_id == world.users["police_b"]
    assert [t.kind for t in service.timeline(session, w)] == ["claim"]


def _second_on_duty_officer(session: Session, world: World) -> int:
    unit = world.units["station_b"]
    body = UserIn(
        username="police_b2",
        display_name="乙所二号",
        password=PASSWORD,
        role="community_police",
        unit_id=unit.id,
    )
    user = accounts.create_user(session, body, system_principal(name="test"))
    user.on_duty = True
    session.flush()
    return user.id


def test_auto_assignment_spreads_warnings_the_same_whether_they_come_alone_or_in_a_batch(
    session: Session, world: World
) -> None:
    add_gazetteer(session, world)
    station = world.node("369901002")
    set_norm(session, station.id, station.path, "high", Norm(5, 30, 120, auto_assign=True), "test")
    first, second = world.users["police_b"], _second_on_duty_officer(session, world)
    alone = [make_warning(session, world, victim_address="翠苑社区").assignee_id for _ in range(3)]
    assert alone == [first, second, first]  # the one holding fewer open warnings; the older on a tie
    batch = intake(session, [item(victim_address="翠苑社区") for _ in range(3)], FEED).items
    together = [
        service.get_warning(session, r.id, world.principals["commander"]).assignee_id for r in batch if r.id
    ]
    assert together == [second, first, second]  # what three single POSTs in a row would have got

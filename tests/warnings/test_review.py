"""举报审核 and 无效: a held report waits at the centre without a deadline running, an analyst
admits it to routing (fresh deadlines) or dismisses it; any open warning can be marked 无效 in one
step with a reason, where the state machine allows it, audited."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.core.errors import Conflict, Forbidden
from fanzha.core.timeutil import as_utc, utcnow
from fanzha.warnings import service, views
from fanzha.warnings.intake import intake
from fanzha.warnings.models import EarlyWarning
from fanzha.warnings.progress import flags
from fanzha.warnings.schemas import ActionIn, DismissIn
from fanzha.warnings.statemachine import State
from fanzha.warnings.tick import tick
from tests.factories import World
from tests.warnings.factories import FEED, add_gazetteer, item, make_warning


def _held(session: Session, world: World, **overrides: object) -> EarlyWarning:
    result = intake(session, [item(**overrides)], FEED, hold="内容过于简单").items[0]
    assert result.id is not None
    return service.get_warning(session, result.id, world.principals["commander"])


def _actions(session: Session, w: EarlyWarning) -> list[str]:
    return [a.kind for a in service.timeline(session, w)]


def test_a_held_report_waits_at_the_centre_outside_every_queue(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    w = _held(session, world)  # its address lies in station A's grid
    assert w.state == State.HELD and w.node_path == world.node("369900").path
    assert w.route_reason == "举报审核：内容过于简单"
    analyst, police = world.principals["analyst"], world.principals["police_a"]
    assert [h.id for h in service.held_reports(session, analyst)] == [w.id]
    assert service.held_count(session, analyst) == 1 and service.held_count(session, police) == 0
    assert w.id not in {q.id for q in service.queue(session, analyst)}
    assert w.id not in {q.id for q in service.manual_queue(session, analyst)}
    assert service.claim_next(session, police) is None
    tick(session, utcnow() + timedelta(days=5))  # no deadline runs while it is held
    session.refresh(w)
    assert w.contact_overdue_at is None and w.escalated_at is None


def test_admitting_routes_by_the_address_with_deadlines_from_now(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    w = _held(session, world)
    before = utcnow()
    w = service.admit(session, w.id, world.principals["analyst"])
    assert w.state == State.ROUTED and w.node_path == world.node("369901001001").path
    assert as_utc(w.contact_due_at) >= before + timedelta(minutes=5)
    assert _actions(session, w) == ["admit", "route"]
    assert w.id in {q.id for q in service.queue(session, world.principals["police_a"])}
    audited = session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.object_type == "warning", AuditEntry.object_id == str(w.id)
        )
    ).all()
    assert "warnings.admit" in audited and "warnings.route" in audited


def test_an_unplaceable_report_is_admitted_to_manual_routing(session: Session, world: World) -> None:
    w = _held(session, world, victim_address="外地", victim_phone=None)
    w = service.admit(session, w.id, world.principals["analyst"])
    assert w.state == State.RECEIVED and "人工分流" in w.route_reason
    assert w.id in {m.id for m in service.manual_queue(session, world.principals["analyst"])}


def test_only_the_centre_reviews(session: Session, world: World) -> None:
    w = _held(session, world)
    with pytest.raises(Forbidden):
        service.admit(session, w.id, world.principals["dissuader"])
    with pytest.raises(Forbidden):
        service.dismiss(session, w.id, DismissIn(reason="无内容"), world.principals["dissuader"])
    service.admit(session, w.id, world.principals["analyst"])
    with pytest.raises(Conflict):  # admitted once
        service.admit(session, w.id, world.principals["analyst"])


def test_dismissing_closes_as_false_alarm_in_one_step_with_the_reason(session: Session, world: World) -> None:
    w = _held(session, world)
    w = service.dismiss(session, w.id, DismissIn(reason="测试内容，无须处置"), world.principals["analyst"])
    assert w.state == State.CLOSED and w.outcome == "false_alarm" and w.feedback_seq is not None
    assert w.outcome_note == "测试内容，无须处置" and _actions(session, w) == ["dismiss"]
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "warnings.dismiss", AuditEntry.object_id == str(w.id))
    ).one()
    assert entry.actor.endswith(":analyst") and entry.after and entry.after["state"] == "closed"
    with pytest.raises(Conflict):  # the table allows no 无效 from closed
        service.dismiss(session, w.id, DismissIn(reason="再来一次"), world.principals["analyst"])


def test_the_holder_marks_a_duplicate_invalid_others_may_not(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    w = make_warning(session, world)  # high level: a visit is due
    a, a2 = world.principals["police_a"], world.principals["police_a2"]
    with pytest.raises(Forbidden):  # unclaimed: an analyst's decision
        service.dismiss(session, w.id, DismissIn(reason="重复预警"), a)
    service.claim(session, w.id, a)
    service.record_action(session, w.id, ActionIn(kind="call", result="已接通"), a)
    with pytest.raises(Forbidden):
        service.dismiss(session, w.id, DismissIn(reason="重复预警"), a2)
    w = service.dismiss(session, w.id, DismissIn(reason="重复预警，同 #1"), a)
    assert w.outcome == "false_alarm" and flags(w) == []  # no visit owed on a false alarm


def test_the_next_step_is_the_first_deadline_not_yet_met(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    w = make_warning(session, world)
    a = world.principals["police_a"]
    assert views.to_out(session, w, a).next_step.step == "contact"  # type: ignore[union-attr]
    service.claim(session, w.id, a)
    service.record_action(session, w.id, ActionIn(kind="call", result="已接通"), a)
    assert views.to_out(session, w, a).next_step.step == "visit"  # type: ignore[union-attr]
    service.record_action(session, w.id, ActionIn(kind="visit", result="已见面"), a)
    assert views.to_out(session, w, a).next_step.step == "close"  # type: ignore[union-attr]

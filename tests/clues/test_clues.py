"""Clues: routed to the unit working their node, due by level, escalated once when overdue,
each step on the timeline; a station sees only its own; upstream resends are harmless."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.clues import service, workflow
from fanzha.clues.models import ClueResult, ClueSource
from fanzha.clues.schemas import ClueIn, ClueQuery, JudgeIn, ResultIn
from fanzha.clues.tick import tick
from fanzha.core.errors import Conflict, NotFound
from fanzha.core.timeutil import utcnow
from tests.clues.factories import case_with
from tests.factories import World


def _clue(
    session: Session, world: World, node: str = "369901001001", level: str = "1", value: str = "13912345678"
) -> int:
    data = ClueIn(kind="phone", value=value, level=level, node_code=node)  # type: ignore[arg-type]
    return workflow.create_clue(session, data, world.principals["commander"]).id


def test_overdue_clue_escalates_once_to_the_unit_above(session: Session, world: World) -> None:
    clue_id = _clue(session, world)
    clue = workflow.get_clue(session, clue_id, world.principals["commander"])
    assert clue.unit_id == world.units["grid_a1"].id
    assert clue.due_at - clue.created_at == timedelta(hours=24)
    assert tick(session, clue.due_at - timedelta(minutes=1)).escalated == 0
    later = clue.due_at + timedelta(minutes=1)
    first = tick(session, later)
    again = tick(session, later + timedelta(hours=1))
    assert (first.overdue, first.escalated) == (1, 1) and (again.overdue, again.escalated) == (0, 0)
    session.refresh(clue)
    assert clue.escalated_unit_id == world.units["station_a"].id
    out = workflow.to_out(session, clue, world.principals["commander"], timeline=True)
    assert [a.kind for a in out.timeline] == ["create", "overdue", "escalate"] and out.overdue
    assert out.value == "139****5678"
    escalations = session.query(AuditEntry).filter_by(action="clue.escalate", object_id=str(clue_id)).count()
    assert escalations == 1


def test_workflow_runs_judge_then_result_and_refuses_skipping(session: Session, world: World) -> None:
    police = world.principals["police_a"]
    clue_id = _clue(session, world)
    with pytest.raises(Conflict, match="待研判"):
        workflow.record_result(session, clue_id, ResultIn(result=ClueResult.DEN), police)
    workflow.judge(session, clue_id, JudgeIn(note="号码近一周在本辖区活跃"), police)
    closed = workflow.record_result(
        session, clue_id, ResultIn(result=ClueResult.DEN, note="某小区3栋"), police
    )
    assert closed.state == "closed" and closed.closed_by == police.actor
    assert tick(session, utcnow() + timedelta(days=30)).overdue == 0


def test_a_station_cannot_see_another_stations_clues(session: Session, world: World) -> None:
    mine = _clue(session, world, "369901001001")
    theirs = _clue(session, world, "369901002001", value="13900009999")
    police_a = world.principals["police_a"]
    assert [c.id for c in workflow.list_clues(session, police_a, ClueQuery())] == [mine]
    with pytest.raises(NotFound):
        workflow.get_clue(session, theirs, police_a)


def test_upstream_resend_returns_the_same_clue(session: Session, world: World) -> None:
    item = ClueIn(kind="bank_account", value="6222 0000 1111 3333", source_id="SJ-2026-001")  # type: ignore[arg-type]
    first = workflow.intake(session, [(1, item)], world.principals["commander"], ClueSource.UPSTREAM)
    second = workflow.intake(session, [(1, item)], world.principals["commander"], ClueSource.UPSTREAM)
    assert first.created and second.existing == first.created and not second.created


def test_an_analyst_resending_a_source_id_gets_the_clue_registered_once(
    login: Callable[[str], TestClient], session: Session, world: World
) -> None:
    client = login("commander")
    body = {"kind": "bank_account", "value": "6222 0000 1111 4444", "source_id": "0"}
    first, second = client.post("/api/v1/clues", json=body), client.post("/api/v1/clues", json=body)
    assert (first.status_code, second.status_code) == (201, 200)  # the second was a 500 on the unique index
    assert second.json()["id"] == first.json()["id"]


def test_a_source_id_registered_outside_the_readers_subtree_is_a_conflict(
    session: Session, world: World
) -> None:
    item = ClueIn(kind="phone", value="13900004444", source_id="ZJ-7", node_code="369901001001")  # type: ignore[arg-type]
    workflow.register(session, item, world.principals["police_a"])
    with pytest.raises(Conflict):
        workflow.register(session, item, world.principals["police_b"])


def test_closing_a_series_closes_its_open_clues(session: Session, world: World) -> None:
    case_id = case_with(session, world, ("phone", "13912345678"))
    open_id = _clue(session, world, value="139 1234 5678")
    (link,) = service.series_for_case(session, world.principals["commander"], case_id)
    closed = service.close_clues_for_series(
        session, world.principals["commander"], link.series_id, ClueResult.SUSPECT, "收网抓获"
    )
    assert closed == [open_id]
    assert workflow.get_clue(session, open_id, world.principals["commander"]).result == "suspect"


def test_api_creates_a_clue_masked_and_shows_a_cases_series(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login("police_a")
    created = client.post("/api/v1/clues", json={"kind": "bank_account", "value": "6222 0000 4444 5555"})
    assert created.status_code == 201, created.text
    assert created.json()["value"] != "6222 0000 4444 5555" and created.json()["node_code"] == "369901001"
    case_id = case_with(session, world, ("bank_account", "6222-0000-4444-5555"))
    (link,) = client.get(f"/api/v1/series/by-case/{case_id}").json()
    assert link["via"][0]["value"] == "6222 **** **** 5555" and link["record_count"] == 2
    detail = client.get(f"/api/v1/series/{link['series_id']}").json()
    assert {m["kind"] for m in detail["members"]} == {"case", "clue"}

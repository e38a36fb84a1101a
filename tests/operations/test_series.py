"""A series (串并案) made into a target package: the planner gets its cases, the graph draws its
records, identifiers, dens and money, and the operation's result closes the series' clues."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.cases import service as cases
from fanzha.clues import service as clues
from fanzha.clues import workflow
from fanzha.clues.schemas import ClueIn
from fanzha.core.errors import Forbidden
from fanzha.operations import graph, service
from fanzha.operations.schemas import ConcludeIn, ItemIn, PackageIn, StatusIn
from tests.cases.factories import case_in
from tests.factories import World
from tests.operations.factories import STRIKE, operation, target


def _gang(session: Session, world: World) -> tuple[int, list[int]]:
    """Two cases sharing an account written two ways and a third through a phone: one series."""
    boss = world.principals["commander"]
    idents = [
        [("bank_account", "6222 0200 1234 5678")],
        [("bank_account", "6222-0200-1234-5678"), ("phone", "13911112222")],
        [("phone", "+86 139-1111-2222")],
    ]
    ids = [
        cases.register_case(
            session, case_in(suspect_identifiers=[{"kind": k, "value": v} for k, v in i]), boss
        ).id
        for i in idents
    ]
    links = clues.series_for_case(session, boss, ids[-1])  # indexes every case up to the last
    return links[0].series_id, ids


def test_package_from_a_series_plans_its_cases_and_draws_the_gang(session: Session, world: World) -> None:
    series_id, ids = _gang(session, world)
    boss = world.principals["commander"]
    assert sorted(c for c, _ in graph.package_cases(session, boss, series_id, None)) == sorted(ids)
    package = service.create_package(
        session, PackageIn(title="团伙", node_code="369900", series_id=series_id), boss
    )
    leader = ItemIn(kind="person", label="组长", person_name="赵大勇", phone="139 1111 2222")
    item = service.add_item(session, package.id, leader, boss)
    drawn = graph.package_graph(session, boss, package, clues.get_series(session, boss, series_id), [])
    nodes = {n["id"]: n for n in drawn.option["series"][0]["data"]}
    links = {(e["source"], e["target"]) for e in drawn.option["series"][0]["links"]}
    assert {f"case:{i}" for i in ids} <= set(nodes)
    phone = next(k for k, n in nodes.items() if n["name"] == "139****2222")
    assert (f"item:{item.id}", phone) in links  # the leader's phone is the series' phone
    assert "赵大勇" not in str(drawn.option)  # the drawing shows labels, not personal data


def test_revealing_a_package_is_checked_and_audited_for_its_drawn_cases(
    session: Session, world: World
) -> None:
    """A package with no items drew its operations' cases' phones and accounts whole on ?reveal=true
    for a user without the permission, and no entry recorded the read."""
    _, ids = _gang(session, world)
    boss = world.principals["commander"]
    package = service.create_package(session, PackageIn(title="无目标", node_code="369900"), boss)
    stats, analyst = world.principals["stats"], world.principals["analyst"]
    with pytest.raises(Forbidden):
        service.package_out(session, package, stats, reveal=True)
    with pytest.raises(Forbidden):
        graph.package_graph(session, stats, package, None, ids, reveal=True)
    drawn = graph.package_graph(session, analyst, package, None, ids, reveal=True)
    assert "13911112222" in str(drawn.option)
    revealed = session.scalars(
        select(AuditEntry.object_id).where(
            AuditEntry.action == "pii.reveal", AuditEntry.object_type == "case"
        )
    ).all()
    assert sorted(revealed) == sorted(str(i) for i in ids)


def test_result_closes_the_series_clues_with_the_cases(session: Session, world: World) -> None:
    series_id, ids = _gang(session, world)
    boss = world.principals["commander"]
    clue = workflow.create_clue(session, ClueIn(kind="phone", value="13911112222"), boss)
    op = operation(session, world, series_id=series_id, case_ids=ids, targets=[target()])
    data = StatusIn(arrived=True, arrests=2, den_destroyed=True)
    service.report_status(session, op.targets[0].id, data, boss, now=STRIKE + timedelta(hours=1))
    service.conclude(session, op.id, ConcludeIn(result_note="窝点捣毁"), boss, STRIKE + timedelta(hours=2))
    assert all(cases.get_case(session, i, boss).status == "solved" for i in ids)
    closed = workflow.get_clue(session, clue.id, boss)
    assert closed.state == "closed" and closed.result == "den"

"""Joint operations: results solve their cases whole or not at all, figures count what was
confirmed, live status is checked field by field, every read is scoped and personal data masked."""

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from fanzha.audit.service import history_of
from fanzha.cases import service as cases
from fanzha.cases.models import CaseStatus
from fanzha.cases.schemas import CaseStatusIn
from fanzha.core.errors import Conflict, ValidationFailed
from fanzha.core.query import SELF, Split
from fanzha.operations import service, stats
from fanzha.operations.models import OperationStatus, SeizedCategory
from fanzha.operations.schemas import ConcludeIn, ItemIn, PackageIn, StatusIn
from tests.cases.factories import case_in
from tests.factories import World
from tests.operations.factories import STRIKE, operation, target
from tests.warnings.factories import add_gazetteer

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
AFTER = STRIKE + timedelta(hours=1)


def _case(session: Session, world: World, node: str = "369901001001") -> int:
    return cases.register_case(session, case_in(node), world.principals["commander"]).id


def _report(session: Session, world: World, target_id: int, **values: object) -> None:
    data = StatusIn.model_validate({"arrived": True, **values})
    service.report_status(session, target_id, data, world.principals["commander"], now=AFTER)


def test_result_marks_cases_solved_and_counts_in_figures(session: Session, world: World) -> None:
    a, b = _case(session, world), _case(session, world, "369902001001")
    earlier = _case(session, world)
    cases.change_status(
        session, earlier, CaseStatusIn(status=CaseStatus.SOLVED), world.principals["commander"]
    )
    op = operation(session, world, case_ids=[a, b, earlier], targets=[target(), target(kind="person")])
    _report(session, world, op.targets[0].id, arrests=3, seized={"phone": 5}, den_destroyed=True)
    _report(session, world, op.targets[1].id, arrests=1)
    assert op.status == OperationStatus.LIVE.value
    service.conclude(session, op.id, ConcludeIn(result_note="全部到案"), world.principals["commander"], AFTER)
    for case_id in (a, b, earlier):
        assert cases.get_case(session, case_id, world.principals["commander"]).status == "solved"
    assert [c.solved_here for c in op.cases] == [True, True, False]
    assert [e.action for e in history_of(session, "case", str(a))][-1] == "case.status"
    found = stats.measures(session, Split("/369900/", [(STRIKE, STRIKE + timedelta(days=1))]))
    # No gazetteer: the targets count at the leading node (the city); the cases at their own nodes.
    assert found[(SELF, 0)] == {"dens_destroyed": 1, "suspects_caught": 4, "cases_solved": 2}


def test_result_rolls_back_whole_when_one_case_cannot_be_solved(session: Session, world: World) -> None:
    open_case, closed = _case(session, world), _case(session, world)
    boss = world.principals["commander"]
    cases.change_status(session, closed, CaseStatusIn(status=CaseStatus.CLOSED), boss)
    op = operation(session, world, case_ids=[open_case, closed])
    _report(session, world, op.targets[0].id, arrests=2)
    with pytest.raises(Conflict, match="已结案"):
        service.conclude(session, op.id, ConcludeIn(), boss, AFTER)
    assert cases.get_case(session, open_case, boss).status == CaseStatus.REGISTERED.value
    assert op.status == OperationStatus.LIVE.value and op.concluded_at is None
    assert "operation.conclude" not in [e.action for e in history_of(session, "operation", str(op.id))]
    assert stats.measures(session, Split("/369900/", [(STRIKE, STRIKE + timedelta(days=1))])) == {}


def test_result_waits_for_the_hour_and_a_report(session: Session, world: World) -> None:
    op = operation(session, world)
    with pytest.raises(Conflict, match="统一收网时间未到"):
        service.conclude(
            session, op.id, ConcludeIn(), world.principals["commander"], STRIKE - timedelta(minutes=1)
        )
    with pytest.raises(Conflict, match="还没有任何目标上报"):
        service.conclude(session, op.id, ConcludeIn(), world.principals["commander"], AFTER)
    with pytest.raises(ValidationFailed, match="统一收网时间"):
        data = StatusIn(arrived=True)
        service.report_status(
            session, op.targets[0].id, data, world.principals["commander"], STRIKE - timedelta(hours=1)
        )


@pytest.mark.parametrize(
    ("body", "label"),
    [
        ({"arrived": True, "arrests": -1}, "抓获人数"),
        ({"arrived": True, "seized": {"phone": -2}}, "查扣物品"),
        ({"arrived": True, "seized": {"tank": 1}}, "查扣物品"),
        ({"arrests": 2}, "到达现场"),
        ({"arrived": True, "den_destroyed": True}, "捣毁窝点"),
    ],
)
def test_live_status_errors_name_the_field_in_chinese(
    login, session: Session, world: World, body, label
) -> None:  # type: ignore[no-untyped-def]
    op = operation(session, world, targets=[target(kind="person", label="组长")])
    r = login("analyst").put(f"/api/v1/operations/targets/{op.targets[0].id}/status", json=body)
    assert r.status_code == 422, r.text
    assert label in r.json()["error"]["message"]
    assert op.targets[0].arrests == 0 and op.status == OperationStatus.PLANNED.value


def test_a_station_sees_operations_that_touch_its_area_only(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    add_gazetteer(session, world)
    touching = operation(session, world, title="甲所有目标", targets=[target(address="阳光路12号")])
    elsewhere = operation(
        session, world, title="别处", targets=[target(address="外地某路1号", city="广州市")]
    )
    assert touching.targets[0].node_path == world.node("369901001001").path
    assert elsewhere.targets[0].node_path == "/369900/"  # another city: counts at the lead
    police_a = login("police_a")
    titles = [o["title"] for o in police_a.get("/api/v1/operations").json()]
    assert titles == ["甲所有目标"]
    assert police_a.get(f"/api/v1/operations/{elsewhere.id}").status_code == 404
    r = police_a.put(f"/api/v1/operations/targets/{elsewhere.targets[0].id}/status", json={"arrived": True})
    assert r.status_code == 404


def test_leaders_phones_and_addresses_are_masked_and_reveal_is_audited(
    login, session: Session, world: World
) -> None:  # type: ignore[no-untyped-def]
    op = operation(session, world)
    analyst = login("analyst")
    shown = analyst.get(f"/api/v1/operations/{op.id}").json()["targets"][0]
    assert shown["leader_phone"] != "13907910001" and "*" in shown["leader_phone"]
    assert "12号" not in shown["address"]
    full = analyst.get(f"/api/v1/operations/{op.id}?reveal=true").json()["targets"][0]
    assert full["leader_phone"] == "13907910001" and full["address"] == "阳光路12号 301室"
    assert "pii.reveal" in [e.action for e in history_of(session, "operation", str(op.id))]
    assert login("stats").get(f"/api/v1/operations/{op.id}?reveal=true").status_code == 403


def test_package_items_route_to_grids_and_dens_need_an_address(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    boss = world.principals["commander"]
    package = service.create_package(session, PackageIn(title="刷单团伙", node_code="369900"), boss)
    den = service.add_item(session, package.id, ItemIn(kind="den", label="窝点", address="阳光路120号"), boss)
    assert den.node_path == world.node("369901001002").path and "绿洲社区" in den.route_reason
    with pytest.raises(ValidationFailed, match="地址"):
        service.add_item(session, package.id, ItemIn(kind="den", label="无址窝点"), boss)
    person = ItemIn(kind="person", label="组长", person_name="赵大勇", id_number="369901199001011234")
    service.add_item(session, package.id, person, boss)
    shown = service.package_out(session, package, boss)
    assert [i.person_name for i in shown.items] == [None, "赵**"]
    assert "120" not in shown.items[0].route_reason and "绿洲社区" in shown.items[0].route_reason
    # An operation's target takes the item's whole address without it being shown anywhere.
    op = operation(session, world, package_id=package.id, targets=[target(address="", item_id=den.id)])
    assert op.targets[0].address == "阳光路120号" and op.series_id is None


def test_briefing_pdf_has_the_chinese_title(login, session: Session, world: World, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    op = operation(
        session, world, targets=[target(), target(label="异地窝点", city="广州市", unit_name="天河分局")]
    )
    r = login("analyst").get(f"/api/v1/operations/{op.id}/briefing.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "briefing.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "雷霆行动 收网行动简报" in text
    assert "2026年11月21日 05:00" in text and "天河分局" in text and "139****0001" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    png = ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(SCREENSHOTS / "operation-briefing")]
    subprocess.run(png, check=True)


def test_seized_categories_are_counted_per_category(session: Session, world: World) -> None:
    op = operation(session, world, targets=[target(), target(label="二号窝点")])
    _report(session, world, op.targets[0].id, seized={"phone": 2, "goip": 1, "bank_card": 0})
    _report(session, world, op.targets[1].id, seized={"phone": 3})
    shown = service.operation_out(session, op, world.principals["commander"])
    assert shown.seized == {SeizedCategory.PHONE.value: 5, SeizedCategory.GOIP.value: 1}


def test_dashboard_shows_this_months_confirmed_results(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    op = operation(session, world, case_ids=[_case(session, world)])
    _report(session, world, op.targets[0].id, arrests=4, den_destroyed=True)
    panel = login("commander").get("/dashboard/panel").text
    assert "捣毁窝点（个）</span><b>0</b>" in panel  # reported, not yet confirmed
    service.conclude(session, op.id, ConcludeIn(), world.principals["commander"])
    panel = login("commander").get("/dashboard/panel").text
    for figure in (
        "捣毁窝点（个）</span><b>1</b>",
        "抓获嫌疑人（人）</span><b>4</b>",
        "收网破案（起）</span><b>1</b>",
    ):
        assert figure in panel

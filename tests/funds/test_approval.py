"""Who may approve a stop-payment: a second officer of the requester's unit or above, never below;
who is told a request waits; and banks see a request only once it is approved."""

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.accounts.schemas import UserIn
from fanzha.cases import service as cases
from fanzha.core.errors import Forbidden, NotFound
from fanzha.core.principal import Principal, system_principal
from fanzha.core.roles import Role
from fanzha.funds import service
from fanzha.funds.models import FundRequest, RequestStatus
from fanzha.funds.schemas import DecisionIn, HoldIn
from tests.cases.factories import case_in
from tests.factories import PASSWORD, World
from tests.funds.factories import hold


def _officer(session: Session, world: World, username: str, role: Role, unit: str) -> Principal:
    data = UserIn(
        username=username,
        display_name=f"{username}警官",
        password=PASSWORD,
        role=role,
        unit_id=world.units[unit].id,
    )
    return accounts.principal_for_user(accounts.create_user(session, data, system_principal()))


def _request_by(session: Session, world: World, maker: Principal, node_code: str) -> FundRequest:
    case = cases.register_case(session, case_in(node_code), maker)
    data = HoldIn(case_id=case.id, bank_code="ICBC", account="6222020000009999", amount=Decimal("100"))
    return service.request_hold(session, data, maker)


def test_station_officer_cannot_approve_the_centres_request(session: Session, world: World) -> None:
    req = _request_by(session, world, world.principals["commander"], "369901001001")
    station = world.principals["police_a"]
    assert station.sees(req.node_path)  # the case is the station's, yet the request is the centre's
    with pytest.raises(Forbidden, match="测试市反诈中心或其上级单位"):
        service.decide(session, req.id, DecisionIn(approve=True), station)
    assert req.status == RequestStatus.REQUESTED
    assert req.id not in {r.id for r in service.awaiting_approval(session, station)}
    second = _officer(session, world, "commander2", Role.COMMANDER, "centre")
    assert service.decide(session, req.id, DecisionIn(approve=True), second).status == RequestStatus.APPROVED


def test_a_centre_request_in_a_district_case_waits_for_the_centres_approvers(
    session: Session, world: World
) -> None:
    district = _officer(session, world, "east_police", Role.COMMUNITY_POLICE, "east")
    second = _officer(session, world, "commander2", Role.COMMANDER, "centre")
    req = _request_by(session, world, world.principals["commander"], "369901")
    waiting = service.waiting_for(session, req)
    assert waiting.unit == "测试市反诈中心"
    assert waiting.approvers == ["commander2警官（测试市反诈中心）"]  # not the requester, nobody below
    assert [r.id for r in service.awaiting_approval(session, second)] == [req.id]
    assert service.awaiting_approval(session, district) == []
    with pytest.raises(Forbidden):
        service.decide(session, req.id, DecisionIn(approve=True), district)


def test_a_station_request_may_be_approved_by_a_colleague_or_any_unit_above(
    session: Session, world: World
) -> None:
    district = _officer(session, world, "east_police", Role.COMMUNITY_POLICE, "east")
    req = _request_by(session, world, world.principals["police_a"], "369901001001")
    names = service.waiting_for(session, req).approvers
    assert "police_a2（甲派出所）" in names and "east_police警官（东区分局）" in names
    assert "commander（测试市反诈中心）" in names
    assert "police_a（甲派出所）" not in names  # the maker
    assert not any("乙派出所" in n for n in names)  # another station is not above the requester
    for who in (world.principals["police_a2"], district, world.principals["commander"]):
        assert req.id in {r.id for r in service.awaiting_approval(session, who)}
    assert service.awaiting_approval(session, world.principals["police_a"]) == []  # the maker
    assert (
        service.decide(session, req.id, DecisionIn(approve=True), district).status == RequestStatus.APPROVED
    )


def test_bank_sees_a_request_only_after_approval(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    waiting = hold(session, world, until="requested")
    rejected = hold(session, world, until="requested")
    service.decide(session, rejected.id, DecisionIn(approve=False), world.principals["police_a2"])
    approved = hold(session, world, until="approved")
    session.commit()
    bank = world.principals["bank_icbc"]
    for hidden in (waiting, rejected):
        with pytest.raises(NotFound):
            service.get_request(session, hidden.id, bank)
    client = login("bank_icbc")
    assert [i["id"] for i in client.get("/api/v1/funds/requests").json()["items"]] == [approved.id]
    assert client.get(f"/api/v1/funds/requests/{waiting.id}").status_code == 404

"""Stop-payment and freeze requests: maker-checker, bank scoping, expiry, exact amounts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.core.errors import Conflict, Forbidden, NotFound
from fanzha.core.timeutil import as_utc
from fanzha.funds import service
from fanzha.funds.models import FundRequest, RequestStatus
from fanzha.funds.schemas import AckIn, DecisionIn, FollowUpIn
from tests.factories import World
from tests.funds.factories import hold


def test_maker_cannot_approve_own_request(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    req = hold(session, world, until="requested")
    maker = login("police_a")
    r = maker.post(f"/api/v1/funds/requests/{req.id}/decision", json={"approve": True})
    assert r.status_code == 403
    assert "不能审批自己" in r.json()["error"]["message"]
    session.refresh(req)
    assert req.status == RequestStatus.REQUESTED
    ok = login("police_a2").post(f"/api/v1/funds/requests/{req.id}/decision", json={"approve": True})
    assert ok.status_code == 200 and ok.json()["status"] == "approved"


def test_liaison_sees_only_own_bank(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    icbc = hold(session, world, bank="ICBC", until="approved")
    ccb = hold(session, world, bank="CCB", until="approved")
    client = login("bank_icbc")
    listed = client.get("/api/v1/funds/requests").json()
    assert [i["id"] for i in listed["items"]] == [icbc.id]
    assert client.get(f"/api/v1/funds/requests/{ccb.id}").status_code == 404
    ack = {"executed_amount": "1.00", "balance_found": "1.00"}
    assert client.post(f"/api/v1/funds/requests/{ccb.id}/ack", json=ack).status_code == 404
    assert client.post(f"/api/v1/funds/requests/{icbc.id}/ack", json=ack).status_code == 200


def test_officer_of_another_station_gets_404(session: Session, world: World) -> None:
    req = hold(session, world, node_code="369901002001", until="requested")
    with pytest.raises(NotFound):
        service.get_request(session, req.id, world.principals["police_a"])


def test_bank_system_key_acknowledges_with_amount_and_balance(client, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    req = hold(session, world, until="approved", amount="8000.00")
    headers = {"Authorization": f"Bearer {world.keys['icbc-system']}"}
    too_much = {"executed_amount": "8000.01", "balance_found": "9000.00"}
    assert (
        client.post(f"/api/v1/funds/requests/{req.id}/ack", json=too_much, headers=headers).status_code == 422
    )
    body = {"executed_amount": "7421.35", "balance_found": "7421.35"}
    r = client.post(f"/api/v1/funds/requests/{req.id}/ack", json=body, headers=headers)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["status"] == "in_effect" and out["executed_amount"] == "7421.35"
    until = as_utc(service.get_request(session, req.id, world.principals["police_a"]).effective_until)  # type: ignore[arg-type]
    assert until - as_utc(req.acknowledged_at) == timedelta(hours=48)  # type: ignore[arg-type]


def test_expiry_warning_fires_once_then_expires(session: Session, world: World) -> None:
    req = hold(session, world)
    start = as_utc(req.acknowledged_at)  # type: ignore[arg-type]
    assert service.tick(session, start + timedelta(hours=30)).warned == 0
    assert service.tick(session, start + timedelta(hours=37)).warned == 1
    assert service.tick(session, start + timedelta(hours=38)).warned == 0
    session.refresh(req)
    assert req.warned_at is not None and req.status == RequestStatus.IN_EFFECT
    assert service.tick(session, start + timedelta(hours=48)).expired == 1
    session.refresh(req)
    assert req.status == RequestStatus.EXPIRED
    warnings = (
        session.query(AuditEntry).filter_by(action="funds.expiry_warning", object_id=str(req.id)).count()
    )
    assert warnings == 1


def test_convert_to_freeze_then_release_need_approval_again(session: Session, world: World) -> None:
    stop = hold(session, world)
    maker, checker, bank = (world.principals[u] for u in ("police_a", "police_a2", "bank_icbc"))
    freeze = service.follow_up(session, stop.id, FollowUpIn(kind="freeze"), maker)
    with pytest.raises(Conflict):
        service.follow_up(session, stop.id, FollowUpIn(kind="release"), maker)
    with pytest.raises(NotFound):  # the bank does not see a request before it is approved
        service.acknowledge(
            session, freeze.id, AckIn(executed_amount=Decimal(1), balance_found=Decimal(1)), bank
        )
    service.decide(session, freeze.id, DecisionIn(approve=True), checker)
    ack = AckIn(executed_amount=Decimal("5000.00"), balance_found=Decimal("6000.00"))
    service.acknowledge(session, freeze.id, ack, bank)
    session.refresh(stop)
    assert stop.status == RequestStatus.CONVERTED and freeze.status == RequestStatus.IN_EFFECT
    months = as_utc(freeze.effective_until) - as_utc(freeze.acknowledged_at)  # type: ignore[arg-type]
    assert timedelta(days=181) <= months <= timedelta(days=184)
    back = service.follow_up(session, freeze.id, FollowUpIn(kind="return"), maker)
    with pytest.raises(Forbidden):
        service.decide(session, back.id, DecisionIn(approve=True), maker)
    service.decide(session, back.id, DecisionIn(approve=True), checker)
    service.acknowledge(session, back.id, ack, bank)
    session.refresh(freeze)
    assert freeze.status == RequestStatus.RETURNED and back.status == RequestStatus.DONE
    assert back.amount == Decimal("5000.00")


def test_renewal_extends_from_the_old_end(session: Session, world: World) -> None:
    stop = hold(session, world)
    maker, checker, bank = (world.principals[u] for u in ("police_a", "police_a2", "bank_icbc"))
    ack = AckIn(executed_amount=Decimal("5000.00"), balance_found=Decimal("5000.00"))
    freeze = service.follow_up(session, stop.id, FollowUpIn(kind="freeze"), maker)
    service.decide(session, freeze.id, DecisionIn(approve=True), checker)
    service.acknowledge(session, freeze.id, ack, bank)
    renew = service.follow_up(session, freeze.id, FollowUpIn(kind="renew"), maker)
    service.decide(session, renew.id, DecisionIn(approve=True), checker)
    service.acknowledge(session, renew.id, ack, bank)
    assert service.add_months(as_utc(freeze.effective_until), 6) == as_utc(renew.effective_until)  # type: ignore[arg-type]
    assert freeze.status == RequestStatus.RENEWED


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(cents=st.integers(min_value=1, max_value=99_999_999_999_99))
def test_amounts_round_trip_exactly(session: Session, world: World, cents: int) -> None:
    amount = Decimal(cents) / 100
    req = hold(session, world, until="approved", amount=f"{amount:.2f}")
    session.expire(req)
    stored = session.get(FundRequest, req.id)
    assert stored is not None and stored.amount == amount
    assert service.to_out(stored).model_dump(mode="json")["amount"] == f"{amount:.2f}"

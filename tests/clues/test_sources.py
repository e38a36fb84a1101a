"""Warnings and fund requests feed the series graph through their capabilities' reads: a
warning's phone links two cases into one series; an account stopped for a case (traced from its
money) bridges the case to another case naming that account."""

from decimal import Decimal

from sqlalchemy.orm import Session

from fanzha.clues import service
from fanzha.clues.models import RecordKind
from fanzha.core.timeutil import utcnow
from fanzha.funds import service as funds
from fanzha.funds.schemas import HoldIn
from tests.clues.factories import case_with
from tests.factories import World
from tests.warnings.factories import make_warning


def _series(session: Session, world: World, case_id: int) -> int | None:
    links = service.series_for_case(session, world.principals["commander"], case_id)
    return links[0].series_id if links else None


def test_a_warnings_phone_links_two_cases_into_one_series(session: Session, world: World) -> None:
    a = case_with(session, world, ("phone", "17000002222"))
    b = case_with(session, world, ("bank_account", "6222 0300 0000 7777"))
    assert _series(session, world, a) != _series(session, world, b)
    evidence = [
        {"kind": "phone", "value": "+86 170-0000-2222"},
        {"kind": "bank_account", "value": "6222030000007777"},
    ]
    warning = make_warning(session, world, evidence=evidence)
    assert service.index_new_records(session, utcnow()) >= 1
    joined = _series(session, world, a)
    assert joined is not None and joined == _series(session, world, b)
    detail = service.get_series(session, world.principals["commander"], joined, reveal=True)
    assert (RecordKind.WARNING, warning.id) in {(m.kind, m.record_id) for m in detail.members}
    (merge,) = detail.merges
    assert merge.text.startswith("预警 ") and "6222030000007777" in merge.text + str(merge.anchor)


def test_a_traced_account_bridges_its_case_to_a_case_naming_it(session: Session, world: World) -> None:
    victim_case = case_with(session, world, ("phone", "17000003333"))
    mule_case = case_with(session, world, ("bank_account", "6222 0300 0000 8888"))
    unrelated = case_with(session, world, ("phone", "17000004444"))
    hold = HoldIn(
        case_id=victim_case, bank_code="ICBC", account="6222-0300-0000-8888", amount=Decimal("5000")
    )
    request = funds.request_hold(session, hold, world.principals["commander"])
    service.index_new_records(session, utcnow())
    joined = _series(session, world, victim_case)
    assert joined is not None and joined == _series(session, world, mule_case)
    assert _series(session, world, unrelated) != joined
    detail = service.get_series(session, world.principals["commander"], joined)
    assert {(m.kind, m.record_id) for m in detail.members} == {
        (RecordKind.CASE, victim_case),
        (RecordKind.CASE, mule_case),
        (RecordKind.FUND_REQUEST, request.id),
    }

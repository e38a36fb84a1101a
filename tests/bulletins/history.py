"""A small, fully known history of cases, warnings and frozen funds, built through the services.

Every figure the bulletin tests check is computed by hand from the tables below (comments
give the sums), so a wrong definition or a boundary error shows up as a wrong number.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.cases.schemas import CaseIn
from fanzha.core.principal import Principal, system_principal
from fanzha.core.vocab import FraudType, VictimGroup
from fanzha.funds import service as funds
from fanzha.funds.models import FundRequest
from fanzha.funds.schemas import AckIn, DecisionIn, FollowUpIn, HoldIn
from fanzha.warnings import service as warnings
from fanzha.warnings import tick as warnings_tick
from fanzha.warnings.intake import intake
from fanzha.warnings.models import Level, Outcome, Source
from fanzha.warnings.schemas import ActionIn, CloseIn, RouteIn, WarningIn
from tests.factories import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
A1, A2, A, B1, C, C1 = (
    "369901001001",
    "369901001002",
    "369901001",
    "369901002001",
    "369902001",
    "369902001001",
)


def local(y: int, m: int, d: int, hh: int = 12, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


F = FraudType
G = VictimGroup
# (node, occurred at (local), type, loss, victim age, victim group)
CASES = [
    # October 2026: 5 cases, 134,200.50 yuan. East (A1, A2, A, B1): 4 cases 54,200.50; west (C1): 1, 80,000.
    (A1, local(2026, 10, 1, 0, 0, 0), F.REBATE_TASK, "1000.00", 19, G.STUDENT),  # first instant of October
    (A2, local(2026, 10, 15), F.FAKE_INVESTMENT, "50000.50", 66, G.ELDERLY),
    (A, local(2026, 10, 31, 23, 59, 59), F.REBATE_TASK, "200.00", None, None),  # last second of October
    (B1, local(2026, 10, 20), F.FAKE_CUSTOMER_SERVICE, "3000.00", 30, G.YOUNG_MOTHER),
    (C1, local(2026, 10, 5), F.ROMANCE, "80000.00", 45, G.WORKER),
    # November 2026 (local midnight: not October) — still in ISO week 2026-W44 (26 Oct – 1 Nov).
    (C, local(2026, 11, 1, 0, 0, 0), F.REBATE_TASK, "999.00", 23, G.STUDENT),
    # September 2026: 2 cases, 1,200.00; the second one is in week 2026-W40 with October's first case.
    (A1, local(2026, 9, 10), F.REBATE_TASK, "500.00", 17, G.STUDENT),
    (C, local(2026, 9, 30, 23, 59, 59), F.FAKE_LOAN, "700.00", 60, G.ELDERLY),
    # October 2025: 4 cases, 4,000.00 (east 3, west 1).
    (A1, local(2025, 10, 3), F.REBATE_TASK, "1000.00", 20, G.STUDENT),
    (A1, local(2025, 10, 3), F.REBATE_TASK, "1000.00", 20, G.STUDENT),
    (A1, local(2025, 10, 3), F.REBATE_TASK, "1000.00", 20, G.STUDENT),
    (C1, local(2025, 10, 9), F.REBATE_TASK, "1000.00", 20, G.STUDENT),
    # Week 2026-W53 runs 28 Dec 2026 – 3 Jan 2027: one case, in January 2027.
    (C1, local(2027, 1, 2), F.OTHER, "100.00", 50, G.OTHER),
    (C1, local(2026, 12, 27, 23), F.OTHER, "100.00", 50, G.OTHER),  # W52
    # Leap day 2024-02-29: 1 case; 2023-02-28 (its 同比 base): 2 cases.
    (A1, local(2024, 2, 29), F.OTHER, "10.00", 40, G.OTHER),
    (A1, local(2023, 2, 28), F.OTHER, "10.00", 40, G.OTHER),
    (A1, local(2023, 2, 28), F.OTHER, "10.00", 40, G.OTHER),
]


CaseRow = tuple[str, datetime, FraudType, str, int | None, VictimGroup | None]
MAKER, CHECKER = system_principal(name="maker"), system_principal(name="checker")


def add_cases(session: Session, rows: list[CaseRow]) -> list[int]:
    items = [
        CaseIn(occurred_at=at, node_code=node, fraud_type=kind, loss_amount=Decimal(loss), victim_age=age,
               victim_group=group, summary="测试案件")
        for node, at, kind, loss, age, group in rows
    ]  # fmt: skip
    return cases.register_cases_bulk(session, items, system_principal(name="test"))


def _carried_out(
    session: Session, req: FundRequest, bank: Principal, amount: str, at: datetime
) -> FundRequest:
    """Approved by a second officer, then carried out by the bank at ``at`` for ``amount``."""
    funds.decide(session, req.id, DecisionIn(approve=True), CHECKER)
    ack = AckIn(executed_amount=Decimal(amount), balance_found=Decimal(amount))
    return funds.acknowledge(session, req.id, ack, bank, now=at)


def _hold(session: Session, case_id: int, kind: str, bank: str, account: str, amount: str) -> FundRequest:
    data = HoldIn(case_id=case_id, kind=kind, bank_code=bank, account=account, amount=Decimal(amount))  # type: ignore[arg-type]
    return funds.request_hold(session, data, MAKER)


def _follow(session: Session, hold: FundRequest, kind: str) -> FundRequest:
    return funds.follow_up(session, hold.id, FollowUpIn(kind=kind), MAKER)  # type: ignore[arg-type]


def add_funds(session: Session, world: World, case_ids: list[int]) -> None:
    """October 2026: stop-payments 2 (32,500.00), freezes 1 (1 account, 30,000.00), returned 20,000.00.
    September 2026: one freeze of 20,000.00 (carried out 30 minutes before October began)."""
    icbc, ccb = world.principals["bank_icbc"], world.principals["bank_ccb"]
    stop = _carried_out(session, _hold(session, case_ids[1], "stop_payment", "ICBC", "6222 0000 0000 0001",
                                       "50000.50"), icbc, "30000.00", local(2026, 10, 15, 14))  # fmt: skip
    freeze = _carried_out(
        session, _follow(session, stop, "freeze"), icbc, "30000.00", local(2026, 10, 16, 10)
    )
    _carried_out(
        session, _follow(session, freeze, "return"), icbc, "30000.00", local(2026, 11, 3)
    )  # November
    west = _carried_out(session, _hold(session, case_ids[4], "freeze", "CCB", "6217000000000002", "80000.00"),
                        ccb, "20000.00", local(2026, 9, 30, 23, 30))  # fmt: skip
    _carried_out(session, _follow(session, west, "return"), ccb, "20000.00", local(2026, 10, 2))
    _carried_out(session, _hold(session, case_ids[3], "stop_payment", "ICBC", "6222000000000003", "3000.00"),
                 icbc, "2500.00", local(2026, 10, 20))  # fmt: skip


S, L, OC = Source, Level, Outcome
# (node, received (local), level, source, minutes to first contact or None, closed (local), outcome),
# in the order they happen. October 2026, city: received 5 (high 2), reached in time 2 (W1, W5),
# closed with an outcome other than false alarm 4 (W4, W1, W2, W6), dissuaded 3 (W4, W1, W2),
# overdue steps 3 (all of W6's). East (A1, B1): received 4, closed 3, dissuaded 2; west (C1): 1, 1, 1.
WARNINGS = [
    (C1, local(2026, 9, 30, 23), L.HIGH, S.CITY, 2, local(2026, 10, 1, 1), OC.DISSUADED),  # W4: Sep → Oct
    (A1, local(2026, 10, 10, 10), L.HIGH, S.MINISTRY, 3, local(2026, 10, 10, 11), OC.DISSUADED),  # W1
    (
        A1,
        local(2026, 10, 12, 9),
        L.MEDIUM,
        S.HOTLINE_96110,
        45,
        local(2026, 10, 13),
        OC.DISSUADED,
    ),  # W2: late
    (B1, local(2026, 10, 20, 14), L.LOW, S.SMS_12381, None, local(2026, 10, 21), OC.FALSE_ALARM),  # W3
    (
        A1,
        local(2026, 10, 25, 8),
        L.HIGH,
        S.PROVINCE,
        20,
        local(2026, 10, 25, 13),
        OC.NOT_REACHED,
    ),  # W6: overdue
    (C1, local(2026, 10, 31, 22), L.MEDIUM, S.BANK, 10, local(2026, 11, 1, 2), OC.REFUSED),  # W5: Oct → Nov
]
# Scheduler passes while W6 is open: its contact (due 08:05), then its visit (08:30) and close (10:00).
TICKS = [local(2026, 10, 25, 8, 10), local(2026, 10, 25, 10, 30)]


def add_warnings(session: Session, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each warning received, routed, claimed, contacted and closed through the service at its time."""
    clock = [local(2026, 1, 1)]
    monkeypatch.setattr(warnings, "utcnow", lambda: clock[0])
    analyst = world.principals["analyst"]
    for n, (node, received, level, source, contact, closed, outcome) in enumerate(WARNINGS):
        clock[0] = received
        item = WarningIn(source=source, source_id=f"H{n}", issued_at=received, level=level, text="测试预警")
        result = intake(session, [item], system_principal(name="feed"), now=received)
        wid = result.items[0].id
        assert wid is not None
        warnings.reroute(session, wid, RouteIn(node_code=node, reason="测试分流"), analyst)
        warnings.claim(session, wid, analyst)
        for at in [t for t in TICKS if received < t < closed]:
            if contact is not None and received + timedelta(minutes=contact) < at:
                clock[0] = received + timedelta(minutes=contact)
                warnings.record_action(session, wid, ActionIn(kind="call"), analyst)
                contact = None
            warnings_tick.tick(session, at)
        if contact is not None:
            clock[0] = received + timedelta(minutes=contact)
            warnings.record_action(session, wid, ActionIn(kind="call"), analyst)
        clock[0] = closed
        warnings.close(session, wid, CloseIn(outcome=outcome), analyst)


def build_history(session: Session, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    case_ids = add_cases(session, CASES)
    add_funds(session, world, case_ids)
    add_warnings(session, world, monkeypatch)
    session.flush()

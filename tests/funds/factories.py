"""Requests to banks in a chosen state, made through the services as officers and banks would."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.funds import service
from fanzha.funds.models import FundRequest
from fanzha.funds.schemas import AckIn, DecisionIn, HoldIn
from tests.cases.factories import case_in
from tests.factories import World

# Who asks and who approves at each station of the test world.
OFFICERS = {"369901001001": ("police_a", "police_a2"), "369901002001": ("police_b", "commander")}


def hold(
    session: Session,
    world: World,
    node_code: str = "369901001001",
    bank: str = "ICBC",
    until: str = "in_effect",
    amount: str = "5000.00",
    now: datetime | None = None,
) -> FundRequest:
    """A stop-payment taken to ``until``: "requested", "approved" or "in_effect".

    Committed (a savepoint in the test harness), so a failing request later rolls back only itself.
    """
    maker, checker = OFFICERS[node_code]
    case = cases.register_case(session, case_in(node_code), world.principals[maker])
    data = HoldIn(case_id=case.id, bank_code=bank, account="6222 0200 0000 9999", amount=Decimal(amount))
    req = service.request_hold(session, data, world.principals[maker])
    if until != "requested":
        service.decide(session, req.id, DecisionIn(approve=True), world.principals[checker])
    if until == "in_effect":
        liaison = world.principals["bank_icbc" if bank == "ICBC" else "bank_ccb"]
        ack = AckIn(executed_amount=Decimal(amount), balance_found=Decimal(amount) + 1)
        service.acknowledge(session, req.id, ack, liaison, now=now)
    session.commit()
    return req

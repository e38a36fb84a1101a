"""Aggregate figures over requests to banks for bulletins (set-based, this package's table only).

Money counts when the bank carried the instruction out: a stop-payment, freeze or return is
in the period in which the bank acknowledged it (``acknowledged_at``), with the amount the
bank actually executed. Definitions: docs/bulletins.md.
"""

from typing import Any

from sqlalchemy import ColumnElement, case, distinct, func, literal, select
from sqlalchemy.orm import Session

from fanzha.core.query import Measures, Split
from fanzha.funds.models import FundRequest, RequestKind

NAMES = [
    "stop_payments",
    "stop_payment_amount",
    "freezes",
    "frozen_accounts",
    "frozen_amount",
    "returned_amount",
]


def _when(kind: RequestKind, value: Any) -> ColumnElement[Any]:
    return case((FundRequest.kind == kind.value, value), else_=None)


def measures(session: Session, split: Split) -> Measures:
    """Stop-payments, freezes (with distinct accounts) and returns carried out, per group and window."""
    group = split.group_of(FundRequest.node_path)
    window = split.window_of(FundRequest.acknowledged_at)
    account = FundRequest.bank_code + literal(":") + FundRequest.account
    stop, freeze, back = RequestKind.STOP_PAYMENT, RequestKind.FREEZE, RequestKind.RETURN
    stmt = (
        select(
            group,
            window,
            func.count(_when(stop, FundRequest.id)),
            func.sum(_when(stop, FundRequest.executed_amount)),
            func.count(_when(freeze, FundRequest.id)),
            func.count(distinct(_when(freeze, account))),
            func.sum(_when(freeze, FundRequest.executed_amount)),
            func.sum(_when(back, FundRequest.executed_amount)),
        )
        .where(split.where(FundRequest.node_path, FundRequest.acknowledged_at))
        .where(FundRequest.kind.in_([stop.value, freeze.value, back.value]))
        .group_by(group, window)
    )
    return split.collect(session.execute(stmt), NAMES)

"""Requests to banks (止付/冻结/续冻/解冻/返还) and the 断卡 punishment list.

Every instruction to a bank is one row with the same life: requested → approved (by a second
officer) → acknowledged by the bank. A freeze, renewal, release or return names the hold it
acts on (``parent_id``); the bank's acknowledgement of it closes or replaces that hold.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, node_path_type
from fanzha.core.labels import LabelledEnum
from fanzha.core.timeutil import utcnow


class RequestKind(LabelledEnum):
    STOP_PAYMENT = "stop_payment", "紧急止付"
    FREEZE = "freeze", "冻结"
    RENEW = "renew", "续冻"
    RELEASE = "release", "解冻"
    RETURN = "return", "返还"

    @property
    def is_hold(self) -> bool:
        """Stop-payments, freezes and renewals keep money where it is until they end."""
        return self in (RequestKind.STOP_PAYMENT, RequestKind.FREEZE, RequestKind.RENEW)


# Audit action codes of this package as officers read them in a record's history.
AUDIT_LABELS = {
    **{f"funds.request.{k.value}": f"申请{k.label}" for k in RequestKind},
    "funds.approve": "审批通过",
    "funds.reject": "驳回",
    "funds.acknowledge": "银行回执",
    "funds.expiry_warning": "到期提醒",
    "funds.expired": "到期解除",
}


class RequestStatus(LabelledEnum):
    REQUESTED = "requested", "待审批"
    APPROVED = "approved", "已审批，待银行执行"
    REJECTED = "rejected", "已驳回"
    IN_EFFECT = "in_effect", "生效中"  # a hold the bank put in place
    DONE = "done", "已执行"  # a release or return the bank carried out
    EXPIRED = "expired", "已到期"
    CONVERTED = "converted", "已转冻结"  # a stop-payment replaced by a freeze
    RENEWED = "renewed", "已续冻"  # a freeze replaced by its renewal
    RELEASED = "released", "已解冻"
    RETURNED = "returned", "已返还"


# Statuses a bank never sees: the request has not (or will never have) a second officer's approval.
UNRELEASED = (RequestStatus.REQUESTED.value, RequestStatus.REJECTED.value)


class FundRequest(Base):
    __tablename__ = "funds_requests"
    __table_args__ = (
        Index("ix_funds_requests_bank_status", "bank_code", "status"),
        Index("ix_funds_requests_status_until", "status", "effective_until"),
        Index("ix_funds_requests_account", "account"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.REQUESTED.value)
    # The case it serves (cases capability: plain indexed integer) and that case's node.
    case_id: Mapped[int] = mapped_column(index=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction_nodes.id"))
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("funds_requests.id"), index=True)
    bank_code: Mapped[str] = mapped_column(String(20))
    account: Mapped[str] = mapped_column(String(40))
    account_name: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))
    acknowledged_at: Mapped[datetime | None]
    executed_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    balance_found: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    effective_until: Mapped[datetime | None]
    warned_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]


class PunishedPerson(Base):
    """A person found renting, selling or lending accounts or SIM cards (断卡 惩戒名单)."""

    __tablename__ = "funds_punished"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(index=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction_nodes.id"))
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    listed_by: Mapped[str] = mapped_column(String(120))
    listed_at: Mapped[datetime] = mapped_column(default=utcnow)

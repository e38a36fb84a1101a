"""Case tables. Suspect identifiers get their own indexed table for reputation lookups."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fanzha.core.db import Base, node_path_type
from fanzha.core.labels import LabelledEnum
from fanzha.core.timeutil import utcnow
from fanzha.jurisdiction.models import Node


class CaseStatus(LabelledEnum):
    REGISTERED = "registered", "已立案"
    SOLVED = "solved", "已破案"
    CLOSED = "closed", "已结案"


# Which status may follow which: a solved case can still be closed; closed is final.
STATUS_MOVES: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.REGISTERED: frozenset({CaseStatus.SOLVED, CaseStatus.CLOSED}),
    CaseStatus.SOLVED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}


class IdentifierKind(StrEnum):
    PHONE = "phone"
    BANK_ACCOUNT = "bank_account"
    URL = "url"
    APP = "app"
    WECHAT = "wechat"
    QQ = "qq"
    OTHER = "other"


# Covering indexes: the aggregates by period and the ranking by loss (cases.stats) read only the
# index, not the rows (PostgreSQL needs ``id`` in it; SQLite has the rowid in every index); so does
# prevention's aiming scan of a subtree (cases.stats.victim_counts) through NODE_PATH_COVER.
OCCURRED_COVER = ("occurred_at", "node_path", "loss_amount", "fraud_type", "victim_group", "victim_age", "id")
NODE_PATH_COVER = ("node_path", "occurred_at", "fraud_type", "victim_group", "victim_age")


# Audit action codes of this package as officers read them in a record's history.
AUDIT_LABELS = {"case.register": "登记案件", "case.status": "变更案件状态"}


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_node_path_cover", *NODE_PATH_COVER),
        Index("ix_cases_occurred_cover", *OCCURRED_COVER),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(40), unique=True)
    occurred_at: Mapped[datetime]
    node_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction_nodes.id"))
    node_path: Mapped[str] = mapped_column(node_path_type())
    fraud_type: Mapped[str] = mapped_column(String(40), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    loss_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    victim_name: Mapped[str | None] = mapped_column(String(100))
    victim_phone: Mapped[str | None] = mapped_column(String(30))
    victim_id_number: Mapped[str | None] = mapped_column(String(30))
    victim_age: Mapped[int | None]
    victim_group: Mapped[str | None] = mapped_column(String(30), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.REGISTERED.value, index=True)
    # The warning it came from (another capability's table: a plain indexed integer, no FK).
    warning_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    status_changed_at: Mapped[datetime | None]

    node: Mapped[Node] = relationship(lazy="joined")
    identifiers: Mapped[list["CaseIdentifier"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseIdentifier.id"
    )


class CaseIdentifier(Base):
    """One suspect identifier of a case, stored normalised so equal values match."""

    __tablename__ = "case_identifiers"
    __table_args__ = (Index("ix_case_identifiers_kind_value", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(300))
    raw: Mapped[str] = mapped_column(String(300))

    case: Mapped[Case] = relationship(back_populates="identifiers")

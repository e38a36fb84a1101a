"""Warning tables. Deadlines are columns, so timers survive restarts and any process can tick."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, node_path_type
from fanzha.core.labels import LabelledEnum
from fanzha.core.timeutil import utcnow


class Source(LabelledEnum):
    MINISTRY = "ministry", "部级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级研判"
    SMS_12381 = "12381", "12381"
    HOTLINE_96110 = "96110", "96110"
    BANK = "bank", "银行"
    OPERATOR = "operator", "运营商"
    CITIZEN = "citizen", "群众举报"


class Level(LabelledEnum):
    HIGH = "high", "高危"
    MEDIUM = "medium", "中危"
    LOW = "low", "低危"

    @property
    def rank(self) -> int:
        """Queue order: high first."""
        return {"high": 0, "medium": 1, "low": 2}[self.value]


class Outcome(LabelledEnum):
    DISSUADED = "dissuaded", "劝阻成功"
    DEFRAUDED = "defrauded", "已被骗"
    NOT_REACHED = "not_reached", "未联系上"
    FALSE_ALARM = "false_alarm", "无效预警"
    REFUSED = "refused", "拒绝配合"


# Covering indexes for the counts by receiving / closing time (stats, views.dashboard): every
# column those aggregates read is in the index, so neither database visits the table's rows.
RECEIVED_COVER = (
    "received_at",
    "node_path",
    "level",
    "source",
    "first_contact_at",
    "contact_due_at",
    "contact_overdue_at",
    "visit_overdue_at",
    "close_overdue_at",
)
CLOSED_COVER = ("closed_at", "node_path", "outcome", "amount_at_risk")


class EarlyWarning(Base):
    __tablename__ = "warnings_items"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_warnings_items_source"),
        Index("ix_warnings_items_queue", "state", "node_path", "level_rank", "close_due_at"),
        # Covering for prevention's warning counts per grid (warnings.stats.grid_profile).
        Index("ix_warnings_items_path_cover", "node_path", "received_at", "fraud_type", "victim_group"),
        Index("ix_warnings_items_open_due", "state", "close_due_at"),
        Index("ix_warnings_items_client_feedback", "client_id", "feedback_seq"),
        Index("ix_warnings_items_source_feedback", "source", "feedback_seq"),
        Index("ix_warnings_items_received_cover", *RECEIVED_COVER),
        Index("ix_warnings_items_closed_cover", *CLOSED_COVER),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(100))
    client_id: Mapped[int | None] = mapped_column(Integer)
    issued_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    level: Mapped[str] = mapped_column(String(10))
    level_rank: Mapped[int] = mapped_column(Integer)
    victim_name: Mapped[str | None] = mapped_column(String(100))
    victim_phone: Mapped[str | None] = mapped_column(String(30))
    victim_id_number: Mapped[str | None] = mapped_column(String(30))
    victim_address: Mapped[str | None] = mapped_column(String(300))
    victim_age: Mapped[int | None] = mapped_column(Integer)
    victim_group: Mapped[str | None] = mapped_column(String(20))
    fraud_type: Mapped[str] = mapped_column(String(40))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text, default="")
    # Yuan the person was about to lose (e.g. the transfer under way), as the issuer estimated it;
    # summed over dissuaded warnings it is the losses avoided (避免损失) of stats.measures.
    amount_at_risk: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    state: Mapped[str] = mapped_column(String(20))
    node_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction_nodes.id"), index=True)
    node_path: Mapped[str] = mapped_column(node_path_type())
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction_units.id"))
    route_reason: Mapped[str] = mapped_column(String(300), default="")
    routed_at: Mapped[datetime | None]
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("accounts_users.id"), index=True)
    claimed_at: Mapped[datetime | None]
    first_contact_at: Mapped[datetime | None]
    visited_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    contact_due_at: Mapped[datetime]
    visit_due_at: Mapped[datetime | None]
    close_due_at: Mapped[datetime]
    contact_overdue_at: Mapped[datetime | None]
    visit_overdue_at: Mapped[datetime | None]
    close_overdue_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    escalated_unit_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction_units.id"))
    # Increases in commit order when an outcome is set (see service.next_feedback_seq).
    feedback_seq: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)


class WarningAction(Base):
    """One timestamped step on a warning: contact attempts, visits, notes and workflow moves."""

    __tablename__ = "warnings_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warnings_items.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    result: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportFile(Base):
    """Evidence a citizen uploaded with a report (screenshots, a PDF), kept with the warning it became."""

    __tablename__ = "warnings_report_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(Integer, index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class WarningSetting(Base):
    """Per-jurisdiction handling norms; the nearest ancestor with a row wins, else domain.md defaults."""

    __tablename__ = "warnings_settings"
    __table_args__ = (UniqueConstraint("node_id", "level", name="uq_warnings_settings_node_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction_nodes.id"))
    node_path: Mapped[str] = mapped_column(node_path_type())
    level: Mapped[str] = mapped_column(String(10))
    contact_min: Mapped[int] = mapped_column(Integer)
    visit_min: Mapped[int | None] = mapped_column(Integer)
    close_min: Mapped[int] = mapped_column(Integer)
    auto_assign: Mapped[bool] = mapped_column(default=False)


class GazetteerEntry(Base):
    """A name that places an address (road segment, community, village) or a phone prefix in a node."""

    __tablename__ = "warnings_gazetteer"
    __table_args__ = (Index("ix_warnings_gazetteer_kind_name", "kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # road | community | village | phone_prefix
    name: Mapped[str] = mapped_column(String(100))
    first_no: Mapped[int | None] = mapped_column(Integer)
    last_no: Mapped[int | None] = mapped_column(Integer)
    node_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction_nodes.id"))

"""Operations tables: target packages (a series made into people, places, accounts and dens to
hit), joint operations with their targets and live status, and the cases an operation solves.

Every row stores a node path (the package's or operation's leading unit, a target's routed grid)
so reads are subtree range scans like every other capability's. Personal fields (suspects' names
and ID numbers, dens' addresses, leaders' phones) are stored whole and leave the server masked.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fanzha.core.db import Base, node_path_type
from fanzha.core.labels import LabelledEnum
from fanzha.core.timeutil import utcnow


class ItemKind(LabelledEnum):
    """What a target package lists."""

    PERSON = "person", "嫌疑人"
    DEN = "den", "窝点"
    PLACE = "place", "落脚点"
    ACCOUNT = "account", "涉案账户"


class OperationStatus(LabelledEnum):
    PLANNED = "planned", "已部署"
    LIVE = "live", "收网中"
    CONCLUDED = "concluded", "已收网"


class SeizedCategory(LabelledEnum):
    """What a field team counts when it seizes items at a target."""

    PHONE = "phone", "手机"
    SIM_CARD = "sim_card", "手机卡"
    BANK_CARD = "bank_card", "银行卡"
    COMPUTER = "computer", "电脑"
    GOIP = "goip", "猫池/GOIP 设备"
    OTHER = "other", "其他物品"


# Audit action codes of this package as officers read them in a record's history.
AUDIT_LABELS = {
    "package.create": "建立打击目标包",
    "package.item": "目标包增加条目",
    "operation.create": "部署收网行动",
    "operation.target": "增加收网目标",
    "operation.status": "更新目标现场状态",
    "operation.conclude": "确认收网战果",
}


class TargetPackage(Base):
    """A series (串并案) made into what to hit: its cases stay in the series, its people, places,
    accounts and dens are listed here."""

    __tablename__ = "operation_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    # The clues capability's series (a plain id: another capability's table).
    series_id: Mapped[int | None] = mapped_column(index=True)
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))

    items: Mapped[list["PackageItem"]] = relationship(
        back_populates="package", cascade="all, delete-orphan", order_by="PackageItem.id"
    )


class PackageItem(Base):
    __tablename__ = "operation_package_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(
        ForeignKey("operation_packages.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(100))
    person_name: Mapped[str | None] = mapped_column(String(100))
    id_number: Mapped[str | None] = mapped_column(String(30))
    phone: Mapped[str | None] = mapped_column(String(30))
    account: Mapped[str | None] = mapped_column(String(60))
    address: Mapped[str | None] = mapped_column(String(300))
    # The grid the address routed to; None when it did not route (another city, unknown road).
    node_path: Mapped[str | None] = mapped_column(node_path_type())
    route_reason: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(500), default="")

    package: Mapped[TargetPackage] = relationship(back_populates="items")


class Operation(Base):
    """A joint operation (收网): every target is hit at the same fixed hour."""

    __tablename__ = "operations"
    __table_args__ = (Index("ix_operations_node_path_concluded", "node_path", "concluded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(100))
    strike_at: Mapped[datetime] = mapped_column(index=True)
    package_id: Mapped[int | None] = mapped_column(ForeignKey("operation_packages.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(index=True)
    node_path: Mapped[str] = mapped_column(node_path_type())
    commander: Mapped[str] = mapped_column(String(100))
    briefing: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=OperationStatus.PLANNED.value)
    result_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    concluded_at: Mapped[datetime | None]
    concluded_by: Mapped[str | None] = mapped_column(String(200))

    targets: Mapped[list["OperationTarget"]] = relationship(
        back_populates="operation", cascade="all, delete-orphan", order_by="OperationTarget.id"
    )
    cases: Mapped[list["OperationCase"]] = relationship(
        back_populates="operation", cascade="all, delete-orphan", order_by="OperationCase.id"
    )


class OperationTarget(Base):
    """One place hit at the operation's hour, by one team, with its live status on the day."""

    __tablename__ = "operation_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(300))
    # Free text: the unit working it, in this city or another (e.g. "广州市公安局天河分局").
    unit_name: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(50), default="")
    team: Mapped[str] = mapped_column(String(100))
    leader: Mapped[str] = mapped_column(String(100))
    leader_phone: Mapped[str | None] = mapped_column(String(30))
    # The routed grid in this city, else the operation's node (figures count there).
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    arrived_at: Mapped[datetime | None]
    arrests: Mapped[int] = mapped_column(default=0)
    seized: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    den_destroyed: Mapped[bool] = mapped_column(default=False)
    field_note: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime | None]
    updated_by: Mapped[str | None] = mapped_column(String(200))

    operation: Mapped[Operation] = relationship(back_populates="targets")


class OperationCase(Base):
    """A case the operation solves when its result is confirmed (a plain case id)."""

    __tablename__ = "operation_cases"
    __table_args__ = (UniqueConstraint("operation_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(index=True)
    case_no: Mapped[str] = mapped_column(String(40))
    # The case's own node, so a station counts the cases of its own solved by a city operation.
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    solved_here: Mapped[bool] = mapped_column(default=False)

    operation: Mapped[Operation] = relationship(back_populates="cases")

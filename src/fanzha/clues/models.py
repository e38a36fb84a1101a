"""Clue and series tables. Deadlines are columns (any process can tick); the series index is a
persisted component table: each record and identifier carries its series id, merges are kept."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, node_path_type
from fanzha.core.labels import LabelledEnum
from fanzha.core.timeutil import utcnow


class ClueSource(LabelledEnum):
    UPSTREAM = "upstream", "上级指令"
    IMPORT = "import", "文件导入"
    CASE = "case", "案件串并"
    CARD_CHECK = "card_check", "断卡核查"
    ANALYST = "analyst", "研判录入"


class ClueLevel(LabelledEnum):
    FIRST = "1", "一级"
    SECOND = "2", "二级"
    THIRD = "3", "三级"


class ClueState(LabelledEnum):
    JUDGING = "judging", "待研判"
    VERIFYING = "verifying", "落地核查中"
    CLOSED = "closed", "已核查"


class ClueResult(LabelledEnum):
    DEN = "den", "确认窝点"
    SUSPECT = "suspect", "查明嫌疑人"
    NOTHING = "nothing", "核查无果"


class RecordKind(LabelledEnum):
    CASE = "case", "案件"
    CLUE = "clue", "线索"
    WARNING = "warning", "预警"
    FUND_REQUEST = "fund_request", "止付冻结"
    TRACED_ACCOUNT = "traced_account", "资金流向账户"


AUDIT_LABELS = {
    "clue.create": "登记线索",
    "clue.judge": "研判线索",
    "clue.result": "记录核查结果",
    "clue.reroute": "改派线索",
    "clue.reopen": "重新核查",
    "clue.escalate": "线索超时升级",
    "series.recompute": "重算串并案",
}


class Clue(Base):
    __tablename__ = "clues_items"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_clues_items_source"),
        Index("ix_clues_items_queue", "state", "node_path", "due_at"),
        Index("ix_clues_items_path_created", "node_path", "created_at"),
        Index("ix_clues_items_kind_norm", "kind", "norm"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    # The sender's own id (upstream, import); NULL for clues entered by hand or drawn from a case.
    source_id: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(300))
    norm: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(2))
    summary: Mapped[str] = mapped_column(Text, default="")
    node_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction_nodes.id"))
    node_path: Mapped[str] = mapped_column(node_path_type())
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction_units.id"))
    case_id: Mapped[int | None] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(20), default=ClueState.JUDGING.value)
    result: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    due_at: Mapped[datetime]
    judged_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_by: Mapped[str | None] = mapped_column(String(120))
    overdue_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    escalated_unit_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction_units.id"))


class ClueAction(Base):
    """One timestamped step of a clue's workflow: what a page shows as its timeline."""

    __tablename__ = "clues_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Series(Base):
    """A connected component of records linked by shared identifiers. An absorbed series keeps its
    row with ``merged_into`` set, so old links and the merge history still resolve."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    record_count: Mapped[int] = mapped_column(default=0, index=True)
    case_count: Mapped[int] = mapped_column(default=0)
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("series.id"), index=True)


class SeriesRecord(Base):
    """A record of any capability as the series index knows it (copied when indexed)."""

    __tablename__ = "series_records"
    __table_args__ = (UniqueConstraint("kind", "record_id", name="uq_series_records_kind_record"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    label: Mapped[str] = mapped_column(String(120))
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    occurred_at: Mapped[datetime | None]
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"), index=True)
    indexed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeriesIdentifier(Base):
    """One normalised identifier; ``degree`` counts the records naming it, ``hub`` stops it linking."""

    __tablename__ = "series_identifiers"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_series_identifiers_kind_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(300))
    degree: Mapped[int] = mapped_column(default=0)
    hub: Mapped[bool] = mapped_column(Boolean, default=False)
    hub_reason: Mapped[str | None] = mapped_column(String(100))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"), index=True)


class IdentifierLink(Base):
    __tablename__ = "series_links"

    record_row_id: Mapped[int] = mapped_column(
        ForeignKey("series_records.id", ondelete="CASCADE"), primary_key=True
    )
    identifier_id: Mapped[int] = mapped_column(
        ForeignKey("series_identifiers.id"), primary_key=True, index=True
    )
    raw: Mapped[str] = mapped_column(String(300))


class SeriesMerge(Base):
    """Indexing ``record_row_id`` joined series ``from_id`` into ``into_id``: it names ``via_id``
    (an identifier of the absorbed series) and ``anchor_id`` (one of the surviving series)."""

    __tablename__ = "series_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    into_id: Mapped[int] = mapped_column(ForeignKey("series.id"), index=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("series.id"), index=True)
    record_row_id: Mapped[int | None] = mapped_column(ForeignKey("series_records.id"))
    via_id: Mapped[int | None] = mapped_column(ForeignKey("series_identifiers.id"))
    anchor_id: Mapped[int | None] = mapped_column(ForeignKey("series_identifiers.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class SeriesCursor(Base):
    """How far the scheduler has indexed each record kind (the highest record id seen)."""

    __tablename__ = "series_cursors"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)

from datetime import datetime
from enum import IntEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fanzha.core.db import Base, node_path_type
from fanzha.core.labels import LabelledEnum
from fanzha.core.timeutil import utcnow


class Level(IntEnum):
    CITY = 1
    DISTRICT = 2
    STATION = 3
    GRID = 4

    @property
    def label(self) -> str:
        return {1: "市", 2: "区县", 3: "派出所/镇街", 4: "社区/村/警格"}[self.value]


# Code length per level, national style: 3601 00 | 3601 02 | 360102 001 | 360102001 001.
CODE_LENGTH = {Level.CITY: 6, Level.DISTRICT: 6, Level.STATION: 9, Level.GRID: 12}


class UnitKind(LabelledEnum):
    CENTRE = "centre", "反诈中心"
    DISTRICT_BUREAU = "district_bureau", "分局"
    STATION = "station", "派出所"
    GRID_TEAM = "grid_team", "网格/警格"
    BANK_BRANCH = "bank_branch", "银行网点"
    OPERATOR = "operator", "运营商"
    OTHER = "other", "其他"


class Node(Base):
    __tablename__ = "jurisdiction_nodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[int]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction_nodes.id"))
    path: Mapped[str] = mapped_column(node_path_type(), index=True)
    population: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped["Node | None"] = relationship(remote_side=[id])

    @property
    def level_enum(self) -> Level:
        return Level(self.level)


class Unit(Base):
    __tablename__ = "jurisdiction_units"
    __table_args__ = (Index("ix_jurisdiction_units_node_kind", "node_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    node_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction_nodes.id"))
    # A bank branch's bank ("ICBC"); liaisons of that bank see only its items.
    bank_code: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    node: Mapped[Node] = relationship(lazy="joined")

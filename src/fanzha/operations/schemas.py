"""Shapes at the edges: package, operation and live-status inputs, and what is shown (masked)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from fanzha.core.inputs import Input
from fanzha.core.timeutil import as_utc
from fanzha.operations.models import OperationStatus, SeizedCategory

ItemKindLiteral = Literal["person", "den", "place", "account"]
TargetKindLiteral = Literal["den", "person", "place"]


class PackageIn(Input):
    title: str = Field(min_length=1, max_length=100)
    node_code: str = Field(min_length=1, max_length=20)
    series_id: int | None = None
    note: str = Field(default="", max_length=2000)


class ItemIn(Input):
    kind: ItemKindLiteral
    label: str = Field(min_length=1, max_length=100)
    person_name: str | None = Field(default=None, max_length=100)
    id_number: str | None = Field(default=None, max_length=30)
    phone: str | None = Field(default=None, max_length=30)
    account: str | None = Field(default=None, max_length=60)
    address: str | None = Field(default=None, max_length=300)
    note: str = Field(default="", max_length=500)


class TargetIn(Input):
    """A place to hit; ``item_id`` takes the address (whole, never shown) from the package's item."""

    kind: TargetKindLiteral = "den"
    label: str = Field(min_length=1, max_length=100)
    address: str = Field(default="", max_length=300)
    item_id: int | None = None
    unit_name: str = Field(min_length=1, max_length=100)
    city: str = Field(default="", max_length=50)
    team: str = Field(min_length=1, max_length=100)
    leader: str = Field(min_length=1, max_length=100)
    leader_phone: str | None = Field(default=None, max_length=30)


class OperationIn(Input):
    title: str = Field(min_length=1, max_length=100)
    strike_at: datetime
    node_code: str = Field(min_length=1, max_length=20)
    commander: str = Field(min_length=1, max_length=100)
    briefing: str = Field(default="", max_length=5000)
    package_id: int | None = None
    series_id: int | None = None
    case_ids: list[int] = Field(default=[], max_length=500)
    targets: list[TargetIn] = Field(default=[], max_length=200)

    @field_validator("strike_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("必须带时区（例：2026-12-02T05:00:00+08:00）")
        return as_utc(value)


class StatusIn(Input):
    """A target's live status on the day, as the field team reports it (the whole state each time)."""

    arrived: bool = False
    arrests: int = Field(default=0, ge=0, le=500)
    seized: dict[SeizedCategory, int] = Field(default_factory=dict)
    den_destroyed: bool = False
    note: str = Field(default="", max_length=500)

    @field_validator("seized")
    @classmethod
    def _counts(cls, value: dict[SeizedCategory, int]) -> dict[SeizedCategory, int]:
        for category, count in value.items():
            if not 0 <= count <= 100_000:
                raise ValueError(f"{category.label}数量须在 0 到 100000 之间")
        return {k: v for k, v in value.items() if v}


class ConcludeIn(Input):
    result_note: str = Field(default="", max_length=2000)


class OperationQuery(BaseModel):
    status: OperationStatus | None = None
    package_id: int | None = None


class ItemOut(BaseModel):
    id: int
    kind: str
    kind_label: str
    label: str
    person_name: str | None
    id_number: str | None
    phone: str | None
    account: str | None
    address: str | None
    node_path: str | None
    grid_name: str
    route_reason: str
    note: str


class PackageOut(BaseModel):
    id: int
    title: str
    series_id: int | None
    node_path: str
    note: str
    created_at: datetime
    created_by: str
    items: list[ItemOut]


class TargetOut(BaseModel):
    id: int
    kind: str
    kind_label: str
    label: str
    address: str | None
    unit_name: str
    city: str
    team: str
    leader: str
    leader_phone: str | None
    grid_name: str
    arrived_at: datetime | None
    arrests: int
    seized: dict[str, int]
    den_destroyed: bool
    field_note: str
    updated_at: datetime | None


class CaseLinkOut(BaseModel):
    case_id: int
    case_no: str
    solved_here: bool


class OperationOut(BaseModel):
    id: int
    code: str
    title: str
    strike_at: datetime
    node_path: str
    unit_name: str
    commander: str
    briefing: str
    status: str
    status_label: str
    package_id: int | None
    series_id: int | None
    result_note: str
    created_at: datetime
    created_by: str
    concluded_at: datetime | None
    targets: list[TargetOut]
    cases: list[CaseLinkOut]
    arrests: int
    dens_destroyed: int
    seized: dict[str, int]

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
    title: str = Field(min_length=1, max_length=100, description="线索包名称")
    node_code: str = Field(min_length=1, max_length=20, description="线索包所属辖区节点编码")
    series_id: int | None = Field(default=None, description="关联串并案编号（可选）")
    note: str = Field(default="", max_length=2000, description="备注")


class ItemIn(Input):
    kind: ItemKindLiteral = Field(description="条目类型：person 人员、den 窝点、place 场所或 account 账户")
    label: str = Field(min_length=1, max_length=100, description="条目名称")
    person_name: str | None = Field(default=None, max_length=100, description="人员姓名（可选）")
    id_number: str | None = Field(default=None, max_length=30, description="身份证号（可选，默认脱敏显示）")
    phone: str | None = Field(default=None, max_length=30, description="电话号码（可选）")
    account: str | None = Field(default=None, max_length=60, description="银行账号（可选）")
    address: str | None = Field(default=None, max_length=300, description="地址（可选，默认脱敏显示）")
    note: str = Field(default="", max_length=500, description="备注")


class TargetIn(Input):
    """A place to hit; ``item_id`` takes the address (whole, never shown) from the package's item."""

    kind: TargetKindLiteral = Field(default="den", description="目标类型：den 窝点、person 人员或 place 场所")
    label: str = Field(min_length=1, max_length=100, description="目标名称")
    address: str = Field(default="", max_length=300, description="目标地址（用 item_id 时可留空）")
    item_id: int | None = Field(default=None, description="取地址的线索包条目编号（可选）")
    unit_name: str = Field(min_length=1, max_length=100, description="负责抓捕的单位名称")
    city: str = Field(default="", max_length=50, description="目标所在城市（外地时填写）")
    team: str = Field(min_length=1, max_length=100, description="抓捕组名称")
    leader: str = Field(min_length=1, max_length=100, description="组长姓名")
    leader_phone: str | None = Field(default=None, max_length=30, description="组长电话（可选）")


class OperationIn(Input):
    title: str = Field(min_length=1, max_length=100, description="收网行动名称")
    strike_at: datetime = Field(description="统一收网时间，须带时区")
    node_code: str = Field(min_length=1, max_length=20, description="组织行动的辖区节点编码")
    commander: str = Field(min_length=1, max_length=100, description="总指挥姓名")
    briefing: str = Field(default="", max_length=5000, description="行动简报")
    package_id: int | None = Field(default=None, description="依据的线索包编号（可选）")
    series_id: int | None = Field(default=None, description="关联串并案编号（可选）")
    case_ids: list[int] = Field(default=[], max_length=500, description="关联案件编号")
    targets: list[TargetIn] = Field(default=[], max_length=200, description="抓捕目标")

    @field_validator("strike_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("必须带时区（例：2026-12-02T05:00:00+08:00）")
        return as_utc(value)


class StatusIn(Input):
    """A target's live status on the day, as the field team reports it (the whole state each time)."""

    arrived: bool = Field(default=False, description="是否已到达现场")
    arrests: int = Field(default=0, ge=0, le=500, description="抓获人数")
    seized: dict[SeizedCategory, int] = Field(
        default_factory=dict,
        description="缴获物品：类别 → 数量，类别如 phone 手机、sim_card 手机卡、bank_card 银行卡",
    )
    den_destroyed: bool = Field(default=False, description="窝点是否已捣毁")
    note: str = Field(default="", max_length=500, description="现场情况说明")

    @field_validator("seized")
    @classmethod
    def _counts(cls, value: dict[SeizedCategory, int]) -> dict[SeizedCategory, int]:
        for category, count in value.items():
            if not 0 <= count <= 100_000:
                raise ValueError(f"{category.label}数量须在 0 到 100000 之间")
        return {k: v for k, v in value.items() if v}


class ConcludeIn(Input):
    result_note: str = Field(default="", max_length=2000, description="行动结果总结")


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

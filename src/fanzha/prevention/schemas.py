"""Pydantic edges of prevention: import rows, request bodies, and what the API answers."""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, field_validator, model_validator

from fanzha.core.inputs import Input
from fanzha.core.timeutil import as_utc
from fanzha.core.vocab import FraudType, VictimGroup
from fanzha.prevention.models import ActivityKind, Channel, GroupKind, TargetKind

Text100 = Annotated[str, Field(min_length=1, max_length=100)]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("必须带时区（例：2026-11-20T09:30:00+08:00）")
    return as_utc(value)


class TargetRow(Input):
    """One row of a target register file (CSV/XLSX columns of the same names)."""

    grid_code: str = Field(min_length=1, max_length=20)
    kind: TargetKind
    name: Text100
    people: int = Field(ge=0, le=10_000_000)
    contact_name: str | None = Field(default=None, max_length=100)
    contact_phone: str | None = Field(default=None, max_length=30, pattern=r"^[0-9+\- ]{5,30}$")
    address: str | None = Field(default=None, max_length=200)

    @field_validator("contact_name", "contact_phone", "address", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


class TargetOut(BaseModel):
    id: int
    grid_code: str
    grid_name: str
    kind: str
    kind_label: str
    name: str
    people: int
    contact_name: str | None
    contact_phone: str | None
    address: str | None


class ImportResult(BaseModel):
    created: int
    updated: int


class AimLine(BaseModel):
    """One line of the aiming list: a grid, an audience and a fraud type on the rise, and why."""

    rank: int
    grid_code: str
    grid_name: str
    audience: str
    audience_label: str
    fraud_type: FraudType
    fraud_type_label: str
    cases: int
    cases_before: int
    cases_last_year: int
    warnings: int
    change_pct: float | None
    per_10k: float | None
    exam_wrong_rate: float | None = None
    score: float
    reason: str


class CampaignIn(Input):
    title: str = Field(min_length=1, max_length=200, description="宣传活动名称")
    theme: str = Field(default="", max_length=2000, description="活动主题与要点")
    fraud_types: list[FraudType] = Field(default=[], max_length=12, description="重点宣传的诈骗类型代码")
    target_groups: list[VictimGroup] = Field(
        default=[], max_length=6, description="重点人群，如 elderly 老年人、student 学生"
    )
    grid_codes: list[str] = Field(min_length=1, max_length=1000, description="覆盖的网格编码（至少 1 个）")
    starts_on: date = Field(description="开始日期")
    ends_on: date = Field(description="结束日期（不早于开始日期）")
    reason: str = Field(default="", max_length=1000, description="发起理由，如研判发现的高发类型")

    @model_validator(mode="after")
    def _period(self) -> "CampaignIn":
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on：结束日期不能早于开始日期")
        return self


class CampaignFromAim(Input):
    """Turn one aiming line into a campaign: the grid, the audience and the fraud type."""

    grid_code: str = Field(min_length=1, max_length=20, description="研判清单中的网格编码")
    fraud_type: FraudType = Field(description="该网格高发的诈骗类型代码")
    audience: str = Field(min_length=1, max_length=30, description="宣传对象人群，如 elderly 老年人")
    days: int = Field(default=30, ge=1, le=180, description="活动持续天数（1–180）")


class CampaignOut(BaseModel):
    id: int
    title: str
    theme: str
    fraud_types: list[str]
    target_groups: list[str]
    grid_codes: list[str]
    starts_on: date
    ends_on: date
    owner: str
    reason: str
    activities: int
    reached: int


class ActivityIn(Input):
    kind: ActivityKind = Field(description="活动形式，如 lecture 反诈讲座、home_visit 入户走访")
    campaign_id: int | None = Field(default=None, description="所属宣传活动编号（可选）")
    grid_code: str = Field(min_length=1, max_length=20, description="活动所在网格编码")
    unit_name: Text100 = Field(description="组织单位名称")
    staff: int = Field(ge=1, le=10_000, description="参与的工作人员数")
    held_at: datetime = Field(description="活动时间，须带时区")
    place: str = Field(min_length=1, max_length=200, description="活动地点")
    target_group: VictimGroup | None = Field(default=None, description="主要对象人群（可选）")
    target_id: int | None = Field(default=None, description="宣传对象登记册中的对象编号（可选）")
    reached: int = Field(ge=0, le=10_000_000, description="覆盖人数")
    households: list[str] = Field(
        default=[], max_length=5000, description="入户走访的户（地址或门牌），每户一项"
    )
    materials: str = Field(default="", max_length=1000, description="发放的宣传材料")
    team_id: int | None = Field(default=None, description="参与的宣传队编号（可选）")
    volunteer_ids: list[int] = Field(default=[], max_length=500, description="参与的志愿者编号")

    _held = field_validator("held_at")(_aware)

    @field_validator("households")
    @classmethod
    def _households(cls, value: list[str]) -> list[str]:
        cleaned = sorted({h.strip() for h in value if h.strip()})
        if any(len(h) > 60 for h in cleaned):
            raise ValueError("每户的门牌最多 60 个字符")
        return cleaned


class ActivityOut(BaseModel):
    id: int
    kind: str
    kind_label: str
    campaign_id: int | None
    grid_code: str
    grid_name: str
    unit_name: str
    staff: int
    held_at: datetime
    place: str
    target_group: str | None
    reached: int
    households_visited: int
    materials: str
    team_id: int | None
    volunteers: int
    photos: int
    created_by: str


class TeamIn(Input):
    name: Text100 = Field(description="宣传队名称")
    node_code: str = Field(min_length=6, max_length=12, description="宣传队所属辖区节点编码")
    description: str = Field(default="", max_length=1000, description="简介")


class VolunteerIn(Input):
    name: Text100 = Field(description="志愿者姓名")
    phone: str | None = Field(
        default=None, max_length=30, pattern=r"^[0-9+\- ]{5,30}$", description="联系电话（可选）"
    )
    joined_on: date = Field(description="加入日期")


class VolunteerOut(BaseModel):
    id: int
    name: str | None
    phone: str | None
    joined_on: date
    activities: int


class TeamOut(BaseModel):
    id: int
    name: str
    node_code: str
    description: str
    members: list[VolunteerOut]


class GroupIn(Input):
    grid_code: str = Field(min_length=1, max_length=20, description="群所在网格编码")
    name: Text100 = Field(description="群名称")
    kind: GroupKind = Field(description="群类型，如 village 村（居）民群、parents 家长群")
    platform: str = Field(
        pattern=r"^(wechat|qq|wecom|dingtalk)$", description="平台：wechat、qq、wecom 或 dingtalk"
    )
    admin_name: str | None = Field(default=None, max_length=100, description="群管理员姓名（可选）")
    admin_phone: str | None = Field(
        default=None, max_length=30, pattern=r"^[0-9+\- ]{5,30}$", description="群管理员电话（可选）"
    )
    members: int = Field(ge=0, le=100_000, description="群成员人数")
    channel: Channel = Field(description="推送渠道，如 wecom 企业微信群机器人、sms 短信网关")
    address: str = Field(min_length=3, max_length=500, description="推送地址，如机器人 webhook 地址")
    secret: str | None = Field(
        default=None, max_length=200, description="推送签名密钥（可选，保存后不再显示）"
    )

    @model_validator(mode="after")
    def _address_fits_channel(self) -> "GroupIn":
        if self.channel in (Channel.WECOM, Channel.DINGTALK) and not self.address.startswith(
            ("http://", "https://")
        ):
            raise ValueError("address：群机器人地址必须是 http(s):// 开头的 Webhook 网址")
        if self.channel == Channel.EMAIL and "@" not in self.address:
            raise ValueError("address：请填写有效的电子邮件地址")
        if self.channel == Channel.SMS and not self.address.replace("+", "").isdigit():
            raise ValueError("address：请填写接收短信的手机号码（仅数字）")
        return self


class GroupOut(BaseModel):
    id: int
    grid_code: str
    grid_name: str
    name: str
    kind: str
    kind_label: str
    platform: str
    admin_name: str | None
    admin_phone: str | None
    members: int
    channel: str
    channel_label: str


class AlertIn(Input):
    title: str = Field(min_length=1, max_length=200, description="预警提示标题")
    fraud_type: FraudType = Field(description="提示的诈骗类型代码")
    target_group: VictimGroup | None = Field(default=None, description="面向的人群（可选）")
    node_code: str = Field(min_length=6, max_length=12, description="发布范围的辖区节点编码")
    body: str = Field(default="", max_length=5000, description="留空则按本地案例和中心模板自动撰写")


class AlertOut(BaseModel):
    id: int
    title: str
    fraud_type: str
    fraud_type_label: str
    target_group: str | None
    body: str
    status: str
    published_at: datetime | None
    created_at: datetime


class PushIn(Input):
    """Send an alert to groups. ``request_key`` makes a retried request return the same push."""

    alert_id: int = Field(description="要推送的预警提示编号")
    group_ids: list[int] = Field(min_length=1, max_length=5000, description="接收的群编号（至少 1 个）")
    request_key: str = Field(
        min_length=8,
        max_length=80,
        pattern=r"^[A-Za-z0-9_.:\-]+$",
        description="请求键：重试同一请求时带相同的值，只推送一次",
    )


class DeliveryOut(BaseModel):
    id: int
    group_id: int
    group_name: str
    channel: str
    status: str
    status_label: str
    attempts: int
    last_error: str
    sent_at: datetime | None


class PushOut(BaseModel):
    id: int
    alert_id: int
    status: str
    status_label: str
    groups: int
    requested_by: str
    decided_by: str | None
    deliveries: list[DeliveryOut]


class GridCoverage(BaseModel):
    grid_code: str
    grid_name: str
    population: int | None
    households: int
    households_swept: int
    swept_share: float | None
    key_places: int
    key_places_covered: int
    groups: int
    group_members: int
    groups_reached: int
    members_reached: int
    activities: int
    people_reached: int
    activities_per_month: float
    fraud_free: bool


class UnitActivity(BaseModel):
    unit_name: str
    activities: int
    people_reached: int


class CampaignEffect(BaseModel):
    """Cases per 10,000 before and after a day: grids in a running campaign against the others."""

    anchor: datetime
    days: int
    campaign_grids: int
    other_grids: int
    campaign_before_per_10k: float | None
    campaign_after_per_10k: float | None
    other_before_per_10k: float | None
    other_after_per_10k: float | None
    difference_per_10k: float | None
    note: str


class CoverageOut(BaseModel):
    since: datetime
    until: datetime
    fraud_free_months: int
    grids: list[GridCoverage]
    units: list[UnitActivity]
    fraud_free_grids: int

"""API shapes for warnings: intake, workflow steps, outputs (personal data masked) and feedback."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.config import JsonDict

from fanzha.cases.identifiers import url_problem
from fanzha.core.inputs import Input
from fanzha.core.timeutil import as_utc
from fanzha.core.vocab import FraudType, TechniqueTag, VictimGroup
from fanzha.warnings.models import Level, Outcome, Source

EvidenceKind = Literal["phone", "bank_account", "url", "app", "wechat", "qq", "other"]
ActionKind = Literal["call", "sms", "visit", "note"]
MAX_BATCH = 10_000
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # Numeric(14, 2)
# The API docs' example; its address routes to a station in the demo city (fanzha demo).
WARNING_EXAMPLE: JsonDict = {
    "source": "province",
    "source_id": "GA-20261120-000123",
    "issued_at": "2026-11-20T09:30:00+08:00",
    "level": "high",
    "victim_name": "李某某",
    "victim_phone": "13912345678",
    "victim_address": "洪城市世贸大道88号3栋",
    "victim_age": 67,
    "victim_group": "elderly",
    "fraud_type": "impersonate_authority",
    "evidence": [{"kind": "phone", "value": "+85265432198"}],
    "text": "您名下银行卡涉嫌洗钱，请配合调查，将资金转入安全账户",
    "amount_at_risk": "50000.00",
}


class Evidence(Input):
    kind: EvidenceKind = Field(description="线索种类")
    value: str = Field(min_length=1, max_length=300, description="线索内容，如号码、账号或网址")

    @field_validator("value")
    @classmethod
    def _url(cls, value: str, info: ValidationInfo) -> str:
        problem = url_problem(value) if info.data.get("kind") == "url" else None
        if problem:
            raise ValueError(problem)
        return value


class WarningIn(Input):
    """One early-warning instruction (预警指令) from an upstream feed."""

    model_config = ConfigDict(json_schema_extra={"examples": [WARNING_EXAMPLE]})

    source: Source = Field(description="来源系统（须是签发本密钥时登记的来源之一）")
    source_id: str = Field(
        min_length=1, max_length=100, description="来源系统内的编号；同一来源同一编号重复提交只保存一次"
    )
    issued_at: datetime = Field(description="上游下发时间，须带时区，如 2026-11-20T09:30:00+08:00")
    level: Level = Field(description="预警等级：high 高（须上门）、medium 中、low 低")
    victim_name: str | None = Field(default=None, max_length=100, description="潜在受害人姓名")
    victim_phone: str | None = Field(default=None, max_length=30, description="潜在受害人手机号")
    victim_id_number: str | None = Field(default=None, max_length=30, description="潜在受害人身份证号")
    victim_address: str | None = Field(
        default=None, max_length=300, description="住址；按道路门牌或社区名分流到派出所与警格"
    )
    victim_age: int | None = Field(default=None, ge=0, le=130, description="年龄（周岁）")
    victim_group: VictimGroup | None = Field(default=None, description="受害人群体，如 elderly、student")
    fraud_type: FraudType = Field(default=FraudType.OTHER, description="诈骗类型代码（见 domain 文档）")
    tags: list[TechniqueTag] = Field(default=[], max_length=20, description="手法标签")
    evidence: list[Evidence] = Field(default=[], max_length=100, description="涉诈号码、账户、网址等线索")
    text: str = Field(default="", max_length=5000, description="上游附带的短信、聊天或通话内容")
    # Yuan; NaN/Infinity reach the validator below, which answers in Chinese.
    amount_at_risk: Decimal | None = Field(
        default=None, allow_inf_nan=True, description="涉险金额（元，最多两位小数）"
    )

    @field_validator("issued_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("必须带时区（例：2026-11-20T09:30:00+08:00）")
        return as_utc(value)

    @field_validator("amount_at_risk")
    @classmethod
    def _yuan(cls, value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        if not value.is_finite():
            raise ValueError("涉险金额必须是数字（元）")
        if value < 0:
            raise ValueError("涉险金额不能为负数")
        if value > MAX_AMOUNT:  # before quantize, which cannot hold 1e30 at cent precision
            raise ValueError(f"涉险金额不能超过 {MAX_AMOUNT:,} 元")
        if value != value.quantize(CENT):
            raise ValueError("涉险金额最多两位小数（元，精确到分）")
        return value.quantize(CENT)


class ItemResult(BaseModel):
    index: int
    status: Literal["created", "existing", "rejected"]
    id: int | None = None
    errors: list[dict[str, str]] = []


class BatchResult(BaseModel):
    created: int
    existing: int
    rejected: int
    items: list[ItemResult]


class ActionIn(Input):
    kind: ActionKind = Field(description="call 电话、sms 短信、visit 上门、note 备注")
    result: str = Field(default="", max_length=40, description="结果，如 已接通、未接听、已见面")
    note: str = Field(default="", max_length=2000, description="处置情况说明")


class CloseIn(Input):
    outcome: Outcome = Field(
        description="办结结果：dissuaded 劝阻成功、defrauded 已被骗、not_reached 未联系上等"
    )
    note: str = Field(default="", max_length=2000, description="办结说明")
    # Only for "defrauded": what the person lost, to pre-fill the case.
    loss_amount: Decimal = Field(
        default=Decimal("0"),
        ge=0,
        max_digits=14,
        decimal_places=2,
        description="已被骗时的损失金额（元），用于自动立案",
    )


class RouteIn(Input):
    node_code: str = Field(min_length=1, max_length=20, description="改派到的辖区节点编码（须在本人辖区内）")
    reason: str = Field(min_length=2, max_length=300, description="改派理由，记入时间线")


class ReopenIn(Input):
    reason: str = Field(min_length=2, max_length=300, description="重新打开的理由，记入时间线")


class DismissIn(Input):
    reason: str = Field(
        min_length=2, max_length=300, description="标记无效的理由（如：重复预警、内容无法核实），记入时间线"
    )


class ActionOut(BaseModel):
    kind: str
    kind_label: str
    result: str
    result_label: str  # the result in words: an outcome, a step, the unit escalated to
    note: str
    actor: str
    actor_name: str  # display name and unit
    at: datetime


class StepOut(BaseModel):
    """A deadline: first contact, visit or closing; done (at ``done_at``), late, both, or pending."""

    step: str
    label: str
    due_at: datetime
    done_at: datetime | None
    late: bool


class WarningOut(BaseModel):
    id: int
    source: str
    source_label: str
    source_id: str
    issued_at: datetime
    received_at: datetime
    level: str
    level_label: str
    state: str
    state_label: str
    victim_name: str | None
    victim_phone: str | None
    victim_id_number: str | None
    victim_address: str | None
    victim_age: int | None
    victim_group: str | None
    fraud_type: str
    fraud_type_label: str
    tags: list[str]
    evidence: list[Evidence]
    text: str
    amount_at_risk: Decimal | None
    node_code: str
    node_name: str
    unit_id: int | None
    route_reason: str
    assignee_id: int | None
    first_contact_at: datetime | None
    visited_at: datetime | None
    closed_at: datetime | None
    outcome: str | None
    outcome_label: str | None
    outcome_note: str
    case_id: int | None
    contact_due_at: datetime
    visit_due_at: datetime | None
    close_due_at: datetime
    overdue_steps: list[str]
    steps: list[StepOut]
    flags: list[str]  # e.g. closed without the visit its level requires
    escalated_at: datetime | None
    timeline: list[ActionOut] = []

    @property
    def next_step(self) -> StepOut | None:
        """The first deadline not yet met (the visit once the call is done), or none when all are."""
        return next((s for s in self.steps if s.done_at is None), None)


class ContactOut(WarningOut):
    """After a call, SMS or visit: the verification code (shown once, never stored) and the SMS text."""

    verification_code: str | None = None
    verification_expires_at: datetime | None = None
    sms_text: str | None = None


class FeedbackItem(BaseModel):
    seq: int
    id: int
    source: str
    source_id: str
    outcome: str
    outcome_label: str
    closed_at: datetime
    first_contact_at: datetime | None
    visited_at: datetime | None
    node_code: str
    case_id: int | None


class FeedbackPage(BaseModel):
    items: list[FeedbackItem]
    next_cursor: int


class SettingIn(Input):
    node_code: str
    level: Level
    contact_min: int = Field(ge=1, le=10_000)
    visit_min: int | None = Field(default=None, ge=1, le=10_000)
    close_min: int = Field(ge=1, le=100_000)
    auto_assign: bool = False


@dataclass(frozen=True)
class Filters:
    """What a warning list is narrowed by, from the API or the console (one shape for both)."""

    state: str | None = None
    level: str | None = None
    source: str | None = None
    fraud_type: str | None = None
    outcome: str | None = None
    node_path: str | None = None  # a subtree inside the caller's scope
    since: datetime | None = None
    until: datetime | None = None
    assignee_id: int | None = None
    overdue: bool = False

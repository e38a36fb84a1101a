"""API shapes for cases. ``CaseIn`` is the contract the warnings package fills in."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.config import JsonDict

from fanzha.cases.identifiers import url_problem
from fanzha.cases.models import CaseStatus
from fanzha.core.inputs import Input
from fanzha.core.timeutil import as_utc
from fanzha.core.vocab import FraudType, TechniqueTag, VictimGroup

IdentifierKindLiteral = Literal["phone", "bank_account", "url", "app", "wechat", "qq", "other"]


CASE_EXAMPLE: JsonDict = {
    "occurred_at": "2026-11-20T09:30:00+08:00",
    "node_code": "369901001",
    "fraud_type": "rebate_task",
    "tags": ["screen_sharing"],
    "loss_amount": "12345.67",
    "victim_name": "王某某",
    "victim_phone": "13812345678",
    "victim_age": 34,
    "victim_group": "worker",
    "suspect_identifiers": [{"kind": "bank_account", "value": "6222 0200 0000 1234 567"}],
    "summary": "刷单返利，先小额返现后要求大额垫付",
}


class SuspectIdentifier(Input):
    kind: IdentifierKindLiteral = Field(description="线索种类：phone 电话、bank_account 银行账户、url 网址等")
    value: str = Field(min_length=1, max_length=300, description="线索内容，如号码、账号或网址，按原样填写")

    @field_validator("value")
    @classmethod
    def _url(cls, value: str, info: ValidationInfo) -> str:
        problem = url_problem(value) if info.data.get("kind") == "url" else None
        if problem:
            raise ValueError(problem)
        return value


class CaseIn(Input):
    """A fraud case (案件) to register: when, where, what kind, who lost what, the suspects' traces."""

    model_config = ConfigDict(json_schema_extra={"examples": [CASE_EXAMPLE]})

    occurred_at: datetime = Field(description="案发时间，须带时区，如 2026-11-20T09:30:00+08:00")
    node_code: str = Field(
        min_length=1, max_length=20, description="案发地所属辖区节点编码（须在本人辖区内）"
    )
    fraud_type: FraudType = Field(description="诈骗类型代码（见 domain 文档）")
    tags: list[TechniqueTag] = Field(default_factory=list, description="手法标签，如 screen_sharing 共享屏幕")
    loss_amount: Decimal = Field(
        ge=0, max_digits=14, decimal_places=2, description="损失金额（元，最多两位小数）"
    )
    victim_name: str | None = Field(default=None, max_length=100, description="受害人姓名")
    victim_phone: str | None = Field(default=None, max_length=30, description="受害人手机号")
    victim_id_number: str | None = Field(default=None, max_length=30, description="受害人身份证号")
    victim_age: int | None = Field(default=None, ge=0, le=130, description="受害人年龄（周岁）")
    victim_group: VictimGroup | None = Field(default=None, description="受害人群体，如 elderly、student")
    suspect_identifiers: list[SuspectIdentifier] = Field(
        default=[], max_length=200, description="嫌疑人使用的电话、账户、网址等，供研判和止付"
    )
    summary: str = Field(default="", max_length=5000, description="简要案情")
    warning_id: int | None = Field(default=None, description="由预警转立案时，该预警的编号")

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("必须带时区（例：2026-11-20T09:30:00+08:00）")
        return as_utc(value)


class CaseStatusIn(Input):
    status: CaseStatus = Field(description="新的案件状态（只能按流程推进，见 domain 文档）")
    note: str = Field(default="", max_length=1000, description="变更说明，记入案件时间线")


class IdentifierOut(BaseModel):
    kind: str
    value: str


class CaseQuery(BaseModel):
    """What an officer narrows a case list by, from the API or the console: one shape for both.
    ``node_code`` narrows to a subtree inside the reader's own; times are UTC-aware."""

    fraud_type: FraudType | None = None
    since: datetime | None = None
    until: datetime | None = None
    node_code: str | None = None
    victim_group: VictimGroup | None = None
    status: CaseStatus | None = None
    identifier: str | None = None

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else as_utc(value)


class CaseBrief(BaseModel):
    """What another capability's demo needs of a case: which one, when, and how much was lost."""

    id: int
    occurred_at: datetime
    loss_amount: Decimal


class CaseForIndex(BaseModel):
    """What the series index (clues) needs of a case: where, when, how much, and its suspect
    identifiers as they were written (the index has its own normal forms)."""

    id: int
    case_no: str
    node_path: str
    occurred_at: datetime
    loss_amount: Decimal
    status: str
    identifiers: list[IdentifierOut]


class CaseOut(BaseModel):
    id: int
    case_no: str
    occurred_at: datetime
    node_code: str
    node_name: str
    fraud_type: str
    fraud_type_label: str
    tags: list[str]
    loss_amount: Decimal
    victim_name: str | None
    victim_phone: str | None
    victim_id_number: str | None
    victim_age: int | None
    victim_group: str | None
    suspect_identifiers: list[IdentifierOut]
    summary: str
    status: str
    status_label: str
    warning_id: int | None
    created_at: datetime
    created_by: str

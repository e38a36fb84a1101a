"""API shapes for requests to banks, tracing and the 断卡 list."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.config import JsonDict

from fanzha.cases.identifiers import normalise_account
from fanzha.core.inputs import Input
from fanzha.funds.models import RequestKind, RequestStatus
from fanzha.funds.trace import TraceParams

Money = Decimal


HOLD_EXAMPLE: JsonDict = {
    "case_id": 1,
    "kind": "stop_payment",
    "bank_code": "ICBC",
    "account": "6222 0200 1111 2222",
    "account_name": "张某某",
    "amount": "8000.50",
    "reason": "受害人 09:12 转入，10 分钟内申请",
}


class HoldIn(Input):
    """A new stop-payment (or a direct freeze) of one account for one case."""

    model_config = ConfigDict(json_schema_extra={"examples": [HOLD_EXAMPLE]})

    case_id: int = Field(description="所属案件的编号（须在本人辖区内）")
    kind: Literal["stop_payment", "freeze"] = Field(
        default="stop_payment", description="stop_payment 紧急止付（48 小时）或 freeze 冻结（6 个月）"
    )
    bank_code: str = Field(min_length=2, max_length=20, description="开户银行代码，如 ICBC")
    account: str = Field(min_length=1, max_length=40, description="要止付或冻结的账号（空格、横线会被去掉）")
    account_name: str | None = Field(default=None, max_length=100, description="户名（可选）")
    amount: Money = Field(gt=0, max_digits=14, decimal_places=2, description="申请止付或冻结的金额（元）")
    reason: str = Field(default="", max_length=2000, description="事由，如受害人转入的时间和金额")

    @field_validator("account")
    @classmethod
    def _account(cls, value: str) -> str:
        return normalise_account(value)

    @field_validator("bank_code")
    @classmethod
    def _bank(cls, value: str) -> str:
        return value.strip().upper()


class FollowUpIn(Input):
    """Convert to a freeze, renew a freeze, release or return the money of a hold in effect."""

    kind: Literal["freeze", "renew", "release", "return"] = Field(
        description="freeze 转冻结、renew 续冻、release 解除、return 返还受害人"
    )
    reason: str = Field(default="", max_length=2000, description="事由")


class DecisionIn(Input):
    approve: bool = Field(description="true 批准，false 驳回")
    note: str = Field(default="", max_length=2000, description="审批意见（驳回时告诉申请人原因）")


class AckIn(Input):
    """What the bank actually did: the amount stopped/frozen/released and the balance found."""

    executed_amount: Money = Field(
        ge=0, max_digits=14, decimal_places=2, description="银行实际执行的金额（元）"
    )
    balance_found: Money = Field(
        ge=0, max_digits=14, decimal_places=2, description="执行时账户内查到的余额（元）"
    )
    note: str = Field(default="", max_length=2000, description="银行回执说明")

    @model_validator(mode="after")
    def _within_balance(self) -> "AckIn":
        if self.executed_amount > self.balance_found:
            raise ValueError("executed_amount：执行金额不能超过查到的余额")
        return self


class RequestQuery(BaseModel):
    """What a request list is narrowed by, from the API or the console. ``bank`` narrows an
    officer's list to one bank; a bank liaison's list is their bank's whatever it says."""

    status: RequestStatus | None = None
    kind: RequestKind | None = None
    case_id: int | None = None
    bank: str | None = None
    parent_id: int | None = None
    warned: bool = False


class RequestOut(BaseModel):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    case_id: int
    node_path: str
    parent_id: int | None
    bank_code: str
    account: str
    account_name: str | None
    amount: Money
    reason: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    executed_amount: Money | None
    balance_found: Money | None
    effective_until: datetime | None
    warned_at: datetime | None
    seconds_left: int | None


class TraceIn(Input):
    """Where to start (the victim's account, from when) and how far to follow the money."""

    account: str = Field(
        min_length=1, max_length=40, description="起点账号，通常是受害人转出的账户（空格、横线会被去掉）"
    )
    since: datetime = Field(description="从何时开始追踪，须带时区，如 2026-11-20T09:30:00+08:00")
    rule: Literal["fifo", "proportional"] = Field(
        default="fifo", description="资金归属规则：fifo 先进先出，proportional 按比例"
    )
    max_hops: int = Field(default=4, ge=1, le=8, description="最多追踪的层级（1–8）")
    window_hours: float = Field(default=72, gt=0, le=24 * 30, description="每一层往下追踪的时间窗口（小时）")
    min_amount: Money = Field(
        default=Decimal("100.00"),
        ge=0,
        max_digits=14,
        decimal_places=2,
        description="低于此金额（元）的转账不再追踪",
    )
    case_id: int | None = Field(
        default=None, description="所属案件（可选，须在本人辖区内）：追踪到的账户记入该案件的串并案"
    )

    @field_validator("account")
    @classmethod
    def _account(cls, value: str) -> str:
        return normalise_account(value)

    @field_validator("since")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("必须带时区（例：2026-11-20T09:30:00+08:00）")
        return value

    def params(self) -> TraceParams:
        return TraceParams(
            account=self.account,
            since=self.since,
            rule=self.rule,
            max_hops=self.max_hops,
            window_s=int(self.window_hours * 3600),
            min_cents=int(self.min_amount * 100),
        )


class TraceToRequestsIn(TraceIn):
    case_id: int = Field(description="为哪一个案件生成止付申请（须在本人辖区内）")
    top: int = Field(default=5, ge=1, le=50, description="按流入受害人资金排序，为前几个账户生成申请（1–50）")


class PunishedIn(Input):
    id_number: str = Field(pattern=r"^\d{17}[\dXx]$", description="惩戒对象的 18 位身份证号")
    name: str = Field(min_length=1, max_length=100, description="惩戒对象姓名")
    reason: str = Field(min_length=2, max_length=2000, description="惩戒事由，如出租、出售银行卡")
    node_code: str = Field(description="作出惩戒的辖区节点编码")
    case_id: int | None = Field(default=None, description="关联案件编号（可选）")
    starts_on: date = Field(description="惩戒开始日期，如 2026-11-20")

    @field_validator("id_number")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class CheckIn(Input):
    """In the body, not the query string, so the ID number stays out of access logs."""

    id_number: str = Field(
        min_length=15, max_length=18, description="要查询的身份证号（放在请求体中，不进入访问日志）"
    )


class CheckOut(BaseModel):
    """All a bank or operator learns at account opening: listed or not, and until when."""

    listed: bool
    ends_on: date | None

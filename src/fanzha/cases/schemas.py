"""API shapes for cases. ``CaseIn`` is the contract the warnings package fills in."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from fanzha.cases.identifiers import url_problem
from fanzha.cases.models import CaseStatus
from fanzha.core.inputs import Input
from fanzha.core.timeutil import as_utc
from fanzha.core.vocab import FraudType, TechniqueTag, VictimGroup

IdentifierKindLiteral = Literal["phone", "bank_account", "url", "app", "wechat", "qq", "other"]


class SuspectIdentifier(Input):
    kind: IdentifierKindLiteral
    value: str = Field(min_length=1, max_length=300)

    @field_validator("value")
    @classmethod
    def _url(cls, value: str, info: ValidationInfo) -> str:
        problem = url_problem(value) if info.data.get("kind") == "url" else None
        if problem:
            raise ValueError(problem)
        return value


class CaseIn(Input):
    occurred_at: datetime
    node_code: str = Field(min_length=1, max_length=20)
    fraud_type: FraudType
    tags: list[TechniqueTag] = Field(default_factory=list)
    loss_amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    victim_name: str | None = Field(default=None, max_length=100)
    victim_phone: str | None = Field(default=None, max_length=30)
    victim_id_number: str | None = Field(default=None, max_length=30)
    victim_age: int | None = Field(default=None, ge=0, le=130)
    victim_group: VictimGroup | None = None
    suspect_identifiers: list[SuspectIdentifier] = Field(default=[], max_length=200)
    summary: str = Field(default="", max_length=5000)
    warning_id: int | None = None

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("必须带时区（例：2026-11-20T09:30:00+08:00）")
        return as_utc(value)


class CaseStatusIn(Input):
    status: CaseStatus
    note: str = Field(default="", max_length=1000)


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

"""API and service shapes for clues and series. ops (operations/) codes against the series ones."""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from fanzha.clues.models import ClueLevel, ClueResult, ClueSource, RecordKind
from fanzha.clues.normalise import Kind
from fanzha.core.inputs import Input


class SeriesQuery(Input):
    """What a series list is narrowed by (API and console build the same one)."""

    min_cases: int = Field(default=2, ge=0)
    identifier: str | None = None
    limit: int = Field(default=50, ge=1, le=500)


class IdentifierRef(BaseModel):
    id: int
    kind: str
    kind_label: str
    value: str


class SeriesBrief(BaseModel):
    id: int
    record_count: int
    case_count: int
    loss_total: Decimal
    first_at: datetime | None
    last_at: datetime | None
    # A few identifiers shared by most records: what an officer recognises a series by.
    top_identifiers: list[IdentifierRef]
    updated_at: datetime


class SeriesMember(BaseModel):
    kind: RecordKind
    kind_label: str
    record_id: int
    label: str
    node_path: str
    node_name: str
    occurred_at: datetime | None
    amount: Decimal | None
    # Whether the reader may open the record itself (a series spans stations; records do not).
    readable: bool


class SeriesIdentifierOut(IdentifierRef):
    degree: int
    hub: bool
    hub_reason: str | None
    # (record kind, record id) of each member naming it.
    records: list[tuple[str, int]]


class SeriesEdge(BaseModel):
    """One record—identifier edge of the graph; ids as ``"{kind}:{record_id}"`` and ``"id:{id}"``."""

    source: str
    target: str
    raw: str


class SeriesTotals(BaseModel):
    cases: int
    records: int
    losses: Decimal
    places: list[str]
    first_at: datetime | None
    last_at: datetime | None


class MergeOut(BaseModel):
    at: datetime
    from_id: int
    into_id: int
    record: str | None
    via: IdentifierRef | None
    anchor: IdentifierRef | None
    text: str


class SeriesDetail(BaseModel):
    id: int
    totals: SeriesTotals
    members: list[SeriesMember]
    identifiers: list[SeriesIdentifierOut]
    edges: list[SeriesEdge]
    merges: list[MergeOut]


class SeriesLink(BaseModel):
    """A series a record joins, and the identifiers through which."""

    series_id: int
    case_count: int
    record_count: int
    via: list[IdentifierRef]
    text: str


class ClueIn(Input):
    kind: Kind = Field(description="线索类型，如 phone 电话号码、bank_account 银行账户、url 网址")
    value: str = Field(min_length=1, max_length=300, description="线索内容，如号码或网址")
    level: ClueLevel = Field(default=ClueLevel.SECOND, description="线索级别：1 一级、2 二级、3 三级")
    summary: str = Field(default="", max_length=2000, description="线索概要")
    # Where the clue is worked; empty: the case's node, else the identifier's place, else the city.
    node_code: str | None = Field(
        default=None, max_length=20, description="线索所属辖区节点编码（留空为本人单位辖区）"
    )
    case_id: int | None = Field(default=None, description="关联案件编号（可选）")
    source_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="来源系统中的编号（可选，同一编号重复发送只登记一次）",
    )


class UpstreamClueIn(ClueIn):
    """A clue sent by an upstream system: its own id makes a resend harmless."""

    source_id: str = Field(
        min_length=1, max_length=100, description="上游系统中的线索编号：重复发送同一编号只登记一次"
    )


class FromCaseIn(Input):
    level: ClueLevel = Field(default=ClueLevel.SECOND, description="登记的线索级别：1 一级、2 二级、3 三级")


class JudgeIn(Input):
    note: str = Field(min_length=1, max_length=2000, description="研判意见")


class ResultIn(Input):
    result: ClueResult = Field(description="核查结果：den 确认窝点、suspect 查明嫌疑人或 nothing 核查无果")
    note: str = Field(default="", max_length=2000, description="核查情况说明")


class RerouteIn(Input):
    node_code: str = Field(min_length=1, max_length=20, description="改派到的辖区节点编码")
    note: str = Field(default="", max_length=500, description="改派理由")


class ClueQuery(Input):
    state: str | None = None
    level: ClueLevel | None = None
    source: ClueSource | None = None
    overdue: bool | None = None
    series_id: int | None = None
    # A node of the reader's subtree: its clues and those of the nodes below it.
    node_code: str | None = Field(default=None, max_length=20)
    limit: int = Field(default=100, ge=1, le=500)


class ClueAction(BaseModel):
    kind: str
    note: str
    actor: str
    at: datetime


class ClueOut(BaseModel):
    id: int
    source: str
    source_label: str
    source_id: str | None
    kind: str
    kind_label: str
    value: str | None
    level: str
    level_label: str
    summary: str
    node_code: str
    node_name: str
    unit_id: int | None
    case_id: int | None
    state: str
    state_label: str
    result: str | None
    result_label: str | None
    created_at: datetime
    created_by: str
    due_at: datetime
    overdue: bool
    escalated_at: datetime | None
    closed_at: datetime | None
    timeline: list[ClueAction] = []


class IntakeReport(BaseModel):
    created: list[int]
    existing: list[int]

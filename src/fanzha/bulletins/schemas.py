"""The bulletin as data: what the API returns and what the page, PDF and spreadsheets show.

Money is Decimal yuan (a string in JSON, so no float rounding); percentages are Decimal with
one decimal place, or null where the base is zero (shown as "—").
"""

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel

Number = int | Decimal


class MeasureFigure(BaseModel):
    key: str
    label: str
    unit: str
    value: Number
    previous: Number
    last_year: Number
    mom: Decimal | None  # 环比, percent
    yoy: Decimal | None  # 同比, percent
    mom_text: str
    yoy_text: str
    # Consecutive periods, ending with this one, each lower than the last (cases and losses only).
    decline_streak: int | None


class RateFigure(BaseModel):
    key: str
    label: str
    numerator: int
    denominator: int
    value: Decimal | None
    text: str


class ShareRow(BaseModel):
    code: str
    label: str
    count: int
    amount: Decimal | None = None
    share: Decimal | None
    share_text: str


class SourceLevelRow(BaseModel):
    source: str
    label: str
    by_level: dict[str, int]
    total: int


class ChildRow(BaseModel):
    code: str
    name: str
    values: dict[str, Number]
    cases_yoy_text: str
    cases_per_10k: Decimal | None
    success_rate: Decimal | None
    success_rate_text: str
    ranks: dict[str, int | None]


class NotableCase(BaseModel):
    case_id: int
    case_no: str
    occurred_at: datetime
    node_name: str
    fraud_type: str
    fraud_type_label: str
    loss_amount: Decimal
    victim_group_label: str
    victim_age: int | None
    tags: list[str]


class SeriesPoint(BaseModel):
    key: str
    cases: int
    loss_amount: Decimal


class Bulletin(BaseModel):
    node_code: str
    node_name: str
    node_level: int
    issuer: str
    period_key: str
    period_kind: str
    period_label: str
    first_day: date
    last_day: date
    previous_key: str
    last_year_key: str
    generated_at: datetime
    headline: list[MeasureFigure]
    rates: list[RateFigure]
    fraud_types: list[ShareRow]
    top4_share: Decimal | None
    top4_share_text: str
    victim_groups: list[ShareRow]
    age_bands: list[ShareRow]
    warning_sources: list[SourceLevelRow]
    warning_levels: list[str]
    children: list[ChildRow]
    ranking_measures: list[str]
    series: list[SeriesPoint]
    notable_cases: list[NotableCase]

    def measure(self, key: str) -> MeasureFigure:
        return next(m for m in self.headline if m.key == key)


class StoredBulletinOut(BaseModel):
    id: int
    node_code: str
    kind: str
    period_key: str
    generated_at: datetime
    generated_by: str

"""Reporting periods: a day, an ISO week, a month, a quarter or a year in the display zone.

Bulletins are read by people who think in local calendar days (Asia/Shanghai), while every
timestamp is stored in UTC; a period therefore starts and ends at local midnight and is
turned into a half-open UTC interval ``[start, end)`` for the queries.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from fanzha.core.config import get_settings
from fanzha.core.errors import ValidationFailed
from fanzha.core.labels import LabelledEnum


class PeriodKind(LabelledEnum):
    DAY = "day", "日"
    WEEK = "week", "周"
    MONTH = "month", "月"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年"


_FORMATS = [
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), PeriodKind.DAY),
    (re.compile(r"^(\d{4})-W(\d{2})$"), PeriodKind.WEEK),
    (re.compile(r"^(\d{4})-(\d{2})$"), PeriodKind.MONTH),
    (re.compile(r"^(\d{4})-Q([1-4])$"), PeriodKind.QUARTER),
    (re.compile(r"^(\d{4})$"), PeriodKind.YEAR),
]
PERIOD_HELP = "2026-10-31（日）、2026-W44（周）、2026-10（月）、2026-Q3（季度）或 2026（年）"


Day = TypeVar("Day", bound=date)  # a date, or a datetime whose time is kept


def _add_months(day: date, months: int) -> date:
    """First day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def a_year_earlier(day: Day) -> Day:
    """The same calendar day (and time) a year before: 29 February has no counterpart and
    compares with 28 February, the last day of that month."""
    if (day.month, day.day) == (2, 29):
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


def _iso_weeks_in(year: int) -> int:
    return date(year, 12, 28).isocalendar().week


@dataclass(frozen=True, order=True)
class Period:
    """Calendar period ``[first, end)`` in local dates; ``end`` is the day after the last day."""

    first: date
    end: date
    kind: PeriodKind

    @classmethod
    def parse(cls, text: str) -> "Period":
        text = text.strip()
        for pattern, kind in _FORMATS:
            match = pattern.match(text)
            if match is None:
                continue
            try:
                return cls._build(kind, [int(g) for g in match.groups()])
            except ValueError:
                break
        raise ValidationFailed.on("period", f"无法识别的统计周期“{text}”，应为 {PERIOD_HELP}")

    @classmethod
    def _build(cls, kind: PeriodKind, parts: list[int]) -> "Period":
        if kind is PeriodKind.DAY:
            return cls.containing(date(parts[0], parts[1], parts[2]), kind)
        if kind is PeriodKind.WEEK:
            if not 1 <= parts[1] <= _iso_weeks_in(parts[0]):
                raise ValueError("no such ISO week")
            return cls.containing(date.fromisocalendar(parts[0], parts[1], 1), kind)
        if kind is PeriodKind.MONTH:
            return cls.containing(date(parts[0], parts[1], 1), kind)
        if kind is PeriodKind.QUARTER:
            return cls.containing(date(parts[0], parts[1] * 3 - 2, 1), kind)
        return cls.containing(date(parts[0], 1, 1), kind)

    @classmethod
    def containing(cls, day: date, kind: PeriodKind) -> "Period":
        """The period of ``kind`` that contains the local date ``day``."""
        if kind is PeriodKind.DAY:
            return cls(day, day + timedelta(days=1), kind)
        if kind is PeriodKind.WEEK:
            monday = day - timedelta(days=day.weekday())
            return cls(monday, monday + timedelta(days=7), kind)
        if kind is PeriodKind.MONTH:
            first = day.replace(day=1)
            return cls(first, _add_months(first, 1), kind)
        if kind is PeriodKind.QUARTER:
            first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
            return cls(first, _add_months(first, 3), kind)
        return cls(date(day.year, 1, 1), date(day.year + 1, 1, 1), kind)

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def key(self) -> str:
        """The canonical text form, the same that ``parse`` reads."""
        if self.kind is PeriodKind.DAY:
            return self.first.isoformat()
        if self.kind is PeriodKind.WEEK:
            iso = self.first.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.first.year}-{self.first.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return str(self.first.year)

    @property
    def label(self) -> str:
        """How a bulletin names the period, e.g. 2026年10月 or 2026年第44周（10月26日—11月1日）."""
        f = self.first
        if self.kind is PeriodKind.DAY:
            return f"{f.year}年{f.month}月{f.day}日"
        if self.kind is PeriodKind.WEEK:
            iso = f.isocalendar()
            last = self.last
            return f"{iso.year}年第{iso.week}周（{f.month}月{f.day}日—{last.month}月{last.day}日）"
        if self.kind is PeriodKind.MONTH:
            return f"{f.year}年{f.month}月"
        if self.kind is PeriodKind.QUARTER:
            return f"{f.year}年第{(f.month - 1) // 3 + 1}季度"
        return f"{f.year}年"

    def previous(self) -> "Period":
        """The period just before (环比 base)."""
        return Period.containing(self.first - timedelta(days=1), self.kind)

    def next(self) -> "Period":
        return Period.containing(self.end, self.kind)

    def same_period_last_year(self) -> "Period":
        """同比 base: same day, ISO week number, month, quarter a year earlier.

        29 February maps to 28 February; week 53 maps to week 52 when the earlier ISO year
        has only 52 weeks.
        """
        if self.kind is PeriodKind.DAY:
            return Period.containing(a_year_earlier(self.first), self.kind)
        if self.kind is PeriodKind.WEEK:
            iso = self.first.isocalendar()
            week = min(iso.week, _iso_weeks_in(iso.year - 1))
            return Period.containing(date.fromisocalendar(iso.year - 1, week, 1), self.kind)
        return Period.containing(_add_months(self.first, -12), self.kind)

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """``[start, end)`` as UTC instants: local midnight of ``first`` and of ``end``."""
        tz = get_settings().tz
        start = datetime.combine(self.first, time(), tzinfo=tz).astimezone(UTC)
        end = datetime.combine(self.end, time(), tzinfo=tz).astimezone(UTC)
        return start, end


def latest_complete(kind: PeriodKind, now: datetime) -> Period:
    """The most recent period of ``kind`` that has fully ended at ``now`` (local time)."""
    today = now.astimezone(get_settings().tz).date()
    return Period.containing(today, kind).previous()

"""Period arithmetic: the calendar a bulletin reader expects, in Asia/Shanghai."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fanzha.bulletins.changes import (
    competition_ranks,
    decline_streak,
    describe_change,
    format_change,
    pct_change,
    ratio,
)
from fanzha.bulletins.periods import Period, PeriodKind, a_year_earlier, latest_complete
from fanzha.core.errors import ValidationFailed

KINDS = st.sampled_from(list(PeriodKind))
DAYS = st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31))


def test_parses_every_form_and_gives_its_bounds() -> None:
    assert Period.parse("2026-10") == Period(date(2026, 10, 1), date(2026, 11, 1), PeriodKind.MONTH)
    assert Period.parse("2026-Q3") == Period(date(2026, 7, 1), date(2026, 10, 1), PeriodKind.QUARTER)
    assert Period.parse("2026") == Period(date(2026, 1, 1), date(2027, 1, 1), PeriodKind.YEAR)
    assert Period.parse("2026-10-31") == Period(date(2026, 10, 31), date(2026, 11, 1), PeriodKind.DAY)
    # ISO week 44 of 2026 runs Monday 26 October to Sunday 1 November: it crosses a month.
    assert Period.parse("2026-W44") == Period(date(2026, 10, 26), date(2026, 11, 2), PeriodKind.WEEK)


def test_week_crossing_the_year_belongs_to_its_iso_year() -> None:
    # 2026-12-31 is a Thursday: ISO week 2026-W53 runs 28 Dec 2026 – 3 Jan 2027.
    week = Period.containing(date(2027, 1, 2), PeriodKind.WEEK)
    assert week.key == "2026-W53"
    assert (week.first, week.last) == (date(2026, 12, 28), date(2027, 1, 3))
    assert week.next().key == "2027-W01"
    # 2025 has 52 ISO weeks: 2026-W53's same week last year is 2025-W52.
    assert week.same_period_last_year().key == "2025-W52"
    assert Period.parse("2027-W01").previous() == week


def test_leap_day_compares_with_28_february() -> None:
    leap = Period.parse("2024-02-29")
    assert leap.same_period_last_year().key == "2023-02-28"
    assert leap.previous().key == "2024-02-28"
    assert Period.parse("2024-02").end == date(2024, 3, 1)
    assert Period.parse("2023-02").end == date(2023, 3, 1)
    assert Period.parse("2024-03-01").previous().key == "2024-02-29"
    # The dashboard's "same moment last year" follows the same rule and keeps the time of day.
    assert a_year_earlier(datetime(2024, 2, 29, 10, 30, tzinfo=UTC)) == datetime(
        2023, 2, 28, 10, 30, tzinfo=UTC
    )


def test_bounds_are_local_midnights_in_utc() -> None:
    start, end = Period.parse("2026-10").utc_bounds()
    assert start == datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)


BAD = ["2026-13", "2026-W54", "2025-W53", "2026-02-30", "2026-Q5", "26-10", "十月", ""]


@pytest.mark.parametrize("text", BAD)
def test_bad_period_names_the_field(text: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        Period.parse(text)
    assert err.value.fields[0].field == "period"


def test_latest_complete_uses_the_local_date() -> None:
    # 2026-11-01 00:30 in Shanghai is still 31 October in UTC.
    now = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)
    assert latest_complete(PeriodKind.MONTH, now).key == "2026-10"
    assert latest_complete(PeriodKind.DAY, now).key == "2026-10-31"
    # Sunday 1 November is the last day of W44, which has not ended yet.
    assert latest_complete(PeriodKind.WEEK, now).key == "2026-W43"


@given(DAYS, KINDS)
def test_periods_tile_the_calendar(day: date, kind: PeriodKind) -> None:
    period = Period.containing(day, kind)
    assert period.first <= day < period.end
    assert period.previous().end == period.first
    assert period.next().first == period.end
    assert Period.parse(period.key) == period
    if kind is PeriodKind.WEEK:
        assert period.first.weekday() == 0 and period.end - period.first == timedelta(days=7)


@given(DAYS, KINDS)
def test_same_period_last_year_is_one_year_back(day: date, kind: PeriodKind) -> None:
    period = Period.containing(day, kind)
    back = period.same_period_last_year()
    assert back.kind is kind
    assert 358 <= (period.first - back.first).days <= 371


def test_changes_with_zero_base_show_a_dash() -> None:
    assert pct_change(0, 0) is None and format_change(None) == "—"
    assert pct_change(5, 0) is None
    assert str(pct_change(3, 4)) == "-25.0" and format_change(pct_change(3, 4)) == "-25.0%"
    assert format_change(pct_change(7, 4)) == "+75.0%"
    assert format_change(pct_change(4, 4)) == "0.0%"
    assert describe_change("同比", pct_change(1, 3)) == "同比下降66.7%"
    assert describe_change("环比", pct_change(2, 1)) == "环比上升100.0%"
    assert describe_change("环比", None) == "环比无可比数据"
    assert ratio(1, 0) is None and str(ratio(2, 3)) == "66.7"


def test_decline_streak_counts_back_from_the_last_period() -> None:
    assert decline_streak([9, 8, 7, 6]) == 3
    assert decline_streak([5, 9, 8, 8]) == 0  # equal is not a decline
    assert decline_streak([1, 9, 8, 7]) == 2
    assert decline_streak([3]) == 0


def test_competition_ranks_share_places() -> None:
    assert competition_ranks([5, 9, 5, 1], lambda v: v) == [2, 1, 2, 4]
    assert competition_ranks([None, 2], lambda v: v) == [None, 1]

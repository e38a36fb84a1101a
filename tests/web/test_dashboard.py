"""The dashboard: figures for the viewer's own scope, calendar buckets in local time, live panel."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.core.timeutil import utcnow
from fanzha.warnings import service
from fanzha.warnings.models import Outcome
from fanzha.warnings.schemas import CloseIn, ReopenIn
from fanzha.web.dashboard import _local_midnight, loop_figures, trend_windows
from tests.cases.factories import case_in
from tests.factories import World
from tests.warnings.factories import add_gazetteer, make_warning
from tests.web.test_console import HTML, browser_login


@given(
    st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)),
    st.sampled_from(["day", "week", "month"]),
)
def test_trend_buckets_are_consecutive_and_end_after_now(now: datetime, grain: str) -> None:
    buckets = trend_windows(now, grain)  # type: ignore[arg-type]
    assert len(buckets) == {"day": 30, "week": 12, "month": 12}[grain]
    assert all(a[1][1] == b[1][0] for a, b in itertools.pairwise(buckets))
    assert buckets[-1][1][0] <= now < buckets[-1][1][1]
    assert len({label for label, _ in buckets}) == len(buckets)


def test_station_dashboard_counts_only_its_own_cases(
    client: TestClient, world: World, session: Session
) -> None:
    boss = world.principals["commander"]
    recent = utcnow() - timedelta(minutes=5)
    cases.register_case(session, case_in("369901001001", occurred_at=recent), boss)
    cases.register_case(session, case_in("369901002001", occurred_at=recent), boss)
    cases.register_case(session, case_in("369902001001", occurred_at=recent), boss)
    browser_login(client, "commander")
    shell = client.get("/dashboard", headers=HTML).text
    assert 'hx-get="/dashboard/panel?node=&grain=day&poll=15" hx-trigger="load, every 15s"' in shell
    city = client.get("/dashboard/panel", headers=HTML).text
    assert "<span>本月发案（起）</span><b>3</b>" in city
    assert "data-chart=" in city
    east = client.get("/dashboard/panel?node=369901", headers=HTML).text
    assert "<span>本月发案（起）</span><b>2</b>" in east
    assert client.get("/dashboard?node=999999", headers=HTML).status_code == 404


def test_dashboard_needs_statistics_permission(client: TestClient, world: World) -> None:
    browser_login(client, "dissuader")
    assert client.get("/dashboard", headers=HTML).status_code == 403


def test_warning_figures_count_closings_by_outcome_today_and_over_30_days(
    client: TestClient, world: World, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_gazetteer(session, world)
    analyst = world.principals["analyst"]
    start = utcnow()
    midnight = _local_midnight(start)
    today = midnight + (start - midnight) / 2

    def closed(at: datetime, outcome: Outcome, level: str = "high") -> int:
        monkeypatch.setattr(service, "utcnow", lambda: at)
        w = make_warning(session, world, level=level)
        service.claim(session, w.id, analyst)
        service.close(session, w.id, CloseIn(outcome=outcome), analyst)
        return w.id

    closed(today, Outcome.DISSUADED)
    closed(today, Outcome.FALSE_ALARM, level="medium")
    closed(start - timedelta(days=10), Outcome.DISSUADED)
    closed(start - timedelta(days=20), Outcome.DEFRAUDED, level="low")
    closed(start - timedelta(days=40), Outcome.NOT_REACHED)  # before the 30 days
    reopened = closed(today, Outcome.DISSUADED)  # reopened: no longer closed
    service.reopen(session, reopened, ReopenIn(reason="重新核实"), analyst)
    monkeypatch.undo()
    now = utcnow()
    figures = loop_figures(session, world.principals["commander"], now, "day")
    assert figures.today.closed_today == {"dissuaded": 1, "false_alarm": 1}
    assert figures.today.success_rate_30d == pytest.approx(2 / 3)  # false alarms are not judged
    assert figures.today.received_today == {"high": 4, "medium": 1, "low": 1}  # all came in today
    assert figures.trend_received[-1] == 6 and sum(figures.trend_received) == 6
    browser_login(client, "commander")
    panel = client.get("/dashboard/panel", headers=HTML).text
    assert "<span>今日劝阻成功</span><b>1</b><span>今日办结 2</span>" in panel

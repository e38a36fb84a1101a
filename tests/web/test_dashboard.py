"""The dashboard: figures for the viewer's own scope, calendar buckets in local time, live panel."""

import itertools
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.core.timeutil import utcnow
from fanzha.web.dashboard import trend_windows
from tests.cases.factories import case_in
from tests.factories import World
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

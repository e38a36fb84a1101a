"""The demo lives at the moment it is built: a day after the build day the dashboard still has
today and this month, and every bulletin of the last year has its year-on-year change (同比)."""

from sqlalchemy.orm import Session

from fanzha.bulletins.periods import PeriodKind, latest_complete
from fanzha.bulletins.service import bulletin_for
from fanzha.clues import service as clues
from fanzha.clues import workflow
from fanzha.clues.schemas import ClueQuery, SeriesQuery
from fanzha.core.principal import system_principal
from fanzha.jurisdiction.models import Node
from fanzha.warnings import views
from fanzha.web.dashboard import case_figures
from tests.demo_city import DEMO_NOW, DemoCity

# The figures the demo's history covers (cases, warnings, money, prevention's activities).
HISTORY_FIGURES = {
    "cases", "loss_amount", "warnings_received", "warnings_high", "warnings_reached_in_time",
    "warnings_closed", "warnings_dissuaded", "losses_avoided_amount", "overdue_steps", "stop_payments",
    "stop_payment_amount", "freezes", "frozen_accounts", "frozen_amount", "returned_amount",
    "prevention_activities", "prevention_reached", "households_swept",
}  # fmt: skip
NOW = DEMO_NOW  # 00:20 on 1 April in the city: the hardest moment for "today" and "this month"


def test_demo_built_at_any_moment_has_today_this_month_and_year_on_year(demo_city: DemoCity) -> None:
    assert demo_city.built.returncode == 0, demo_city.built.stderr
    with demo_city.session() as session:
        _has_today_this_month_and_year_on_year(session, demo_city.city(session))


def _has_today_this_month_and_year_on_year(session: Session, city: Node) -> None:
    everyone = system_principal()

    today = views.dashboard(session, everyone, NOW)
    assert sum(today.received_today.values()) > 0
    assert sum(today.closed_today.values()) > 0
    month = case_figures(session, city.path, NOW, "month")
    assert month.month_cases > 0 and month.last_year_cases > 0

    latest = latest_complete(PeriodKind.MONTH, NOW)
    assert latest.key == "2027-03"
    bulletin = bulletin_for(session, everyone, city.code, latest.key, now=NOW)
    assert {figure.key for figure in bulletin.headline} >= HISTORY_FIGURES
    for figure in (f for f in bulletin.headline if f.key in HISTORY_FIGURES):
        assert figure.value > 0 and figure.last_year > 0, figure.key
        assert figure.yoy_text != "—" and figure.mom_text != "—", figure.key

    year_before = bulletin_for(session, everyone, city.code, latest.same_period_last_year().key, now=NOW)
    assert year_before.period_key == "2026-03"
    empty = [f.key for f in year_before.headline if f.key in HISTORY_FIGURES and not f.value]
    assert empty == []

    # The gangs: series of dozens of cases (two merged through a bridging account), the two
    # largest worked by the operations step, and clues in every stage, some escalated.
    series = clues.list_series(session, everyone, SeriesQuery(min_cases=10))
    assert [s.case_count for s in series] == [36, 30, 25]
    assert any(m.via for m in clues.get_series(session, everyone, series[2].id).merges)
    queue = workflow.list_clues(session, everyone, ClueQuery(limit=500))
    assert {c.state for c in queue} == {"judging", "verifying", "closed"}
    assert {c.result for c in queue} >= {"den", "suspect", "nothing"}
    assert any(c.escalated_at for c in queue)

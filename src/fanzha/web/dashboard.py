"""The command dashboard (指挥大屏): one page per scope, its panel refreshed by htmx polling."""

import json
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from fanzha.accounts.deps import DbSession, requires
from fanzha.bulletins.figures import MeasureSource
from fanzha.bulletins.periods import Period, PeriodKind, a_year_earlier
from fanzha.cases import stats as case_stats
from fanzha.clues import stats as clue_stats
from fanzha.core.config import get_settings
from fanzha.core.principal import Principal
from fanzha.core.query import SELF, Split, Window
from fanzha.core.roles import Perm
from fanzha.core.timeutil import as_utc, utcnow
from fanzha.core.vocab import FraudType
from fanzha.funds import stats as funds_stats
from fanzha.jurisdiction.service import node_in_scope
from fanzha.operations import stats as operation_stats
from fanzha.prevention import stats as prevention_stats
from fanzha.warnings import stats as warning_stats
from fanzha.warnings import views
from fanzha.warnings.deadlines import STEP_LABELS
from fanzha.warnings.models import Level
from fanzha.warnings.statemachine import State
from fanzha.web.render import page

router = APIRouter(prefix="/dashboard", include_in_schema=False)
Viewer = Annotated[Principal, Depends(requires(Perm.STATS_READ))]
Grain = Literal["day", "week", "month"]
TREND_POINTS = {"day": 30, "week": 12, "month": 12}
# A wall screen refreshes every 15 s by default; ``poll`` lets a screen (or a test) choose.
Poll = Annotated[int, Query(ge=2, le=600)]


def _local_midnight(moment: datetime) -> datetime:
    local = moment.astimezone(get_settings().tz)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _this_month(now: datetime) -> Period:
    return Period.containing(_local_midnight(now).date(), PeriodKind.MONTH)


def _trend_label(period: Period) -> str:
    if period.kind is PeriodKind.WEEK:
        iso = period.first.isocalendar()
        return f"{iso.year % 100:02d}-W{iso.week:02d}"
    return period.first.strftime("%m-%d" if period.kind is PeriodKind.DAY else "%y-%m")


def trend_windows(now: datetime, grain: Grain) -> list[tuple[str, Window]]:
    """Consecutive calendar periods (bulletins.periods) ending with the current, partial one, as
    UTC windows."""
    periods = [Period.containing(_local_midnight(now).date(), PeriodKind(grain))]
    while len(periods) < TREND_POINTS[grain]:
        periods.insert(0, periods[0].previous())
    return [(_trend_label(p), p.utc_bounds()) for p in periods]


@dataclass(frozen=True)
class CaseFigures:
    month_cases: int
    month_loss: Decimal
    last_year_cases: int
    last_year_loss: Decimal
    trend_labels: list[str]
    trend_cases: list[int]
    top_types: list[tuple[str, int, Decimal]]


def case_figures(session: Session, path: str, now: datetime, grain: Grain) -> CaseFigures:
    """This month so far against the same days of the month a year earlier, a trend and top types."""
    month = _this_month(now)
    this_month: Window = (month.utc_bounds()[0], now)
    local_now = now.astimezone(get_settings().tz)
    year_ago: Window = (month.same_period_last_year().utc_bounds()[0], as_utc(a_year_earlier(local_now)))
    compare = case_stats.measures(session, Split(path, [year_ago]))
    current = case_stats.measures(session, Split(path, [this_month]))
    buckets = trend_windows(now, grain)
    trend = case_stats.measures(session, Split(path, [w for _, w in buckets]))
    types = case_stats.by_fraud_type(session, path, this_month)
    top = sorted(types.items(), key=lambda item: (-item[1][0], item[0]))[:6]

    def value(found: dict[Any, dict[str, Any]], key: tuple[str, int], name: str) -> Any:
        return found.get(key, {}).get(name, Decimal("0.00") if name.endswith("_amount") else 0)

    return CaseFigures(
        month_cases=value(current, (SELF, 0), "cases"),
        month_loss=value(current, (SELF, 0), "loss_amount"),
        last_year_cases=value(compare, (SELF, 0), "cases"),
        last_year_loss=value(compare, (SELF, 0), "loss_amount"),
        trend_labels=[label for label, _ in buckets],
        trend_cases=[value(trend, (SELF, i), "cases") for i in range(len(buckets))],
        top_types=[(FraudType(code).label, n, loss) for code, (n, loss) in top],
    )


def line_chart(title: str, labels: list[str], series: dict[str, list[int]]) -> str:
    """An ECharts option as JSON for a ``data-chart`` attribute (app.js draws it)."""
    option = {
        "animation": False,
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "right": 0},
        "grid": {"left": 40, "right": 16, "top": 40, "bottom": 28},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": name, "type": "line", "smooth": True, "data": data} for name, data in series.items()
        ],
    }
    return json.dumps(option, ensure_ascii=False)


def bar_chart(title: str, labels: list[str], values: list[int]) -> str:
    option = {
        "animation": False,
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {},
        "grid": {"left": 110, "right": 24, "top": 36, "bottom": 20},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": labels[::-1]},
        "series": [{"type": "bar", "data": values[::-1], "itemStyle": {"color": "#1456b8"}}],
    }
    return json.dumps(option, ensure_ascii=False)


def _scope(session: Session, actor: Principal, node: str | None) -> tuple[str, str]:
    if node:
        found = node_in_scope(session, node, actor.scope_path)
        return found.path, found.name
    codes = [c for c in actor.scope_path.strip("/").split("/") if c]
    if not codes:
        return "/", "全市"
    found = node_in_scope(session, codes[-1], actor.scope_path)
    return found.path, found.name


@dataclass(frozen=True)
class LoopFigures:
    """The warning → dissuasion → money loop, from the warnings and funds packages' own figures."""

    today: views.Dashboard
    overdue: list[views.OverdueItem]
    trend_received: list[int]
    money_stopped: Decimal
    money_returned: Decimal
    losses_avoided: Decimal  # this month: amounts at risk of the warnings dissuaded (docs/bulletins.md)


def loop_figures(session: Session, scoped: Principal, now: datetime, grain: Grain) -> LoopFigures:
    month: Window = (_this_month(now).utc_bounds()[0], now)
    windows = [w for _, w in trend_windows(now, grain)]
    trend = warning_stats.received_counts(session, Split(scoped.scope_path, windows))
    money = funds_stats.measures(session, Split(scoped.scope_path, [month])).get((SELF, 0), {})
    closed = warning_stats.closed_measures(session, Split(scoped.scope_path, [month])).get((SELF, 0), {})
    zero = Decimal("0.00")
    return LoopFigures(
        today=views.dashboard(session, scoped, now),
        overdue=list(views.overdue_list(session, scoped, now, limit=12)),
        trend_received=[
            int(trend.get((SELF, i), {}).get("warnings_received", 0)) for i in range(len(windows))
        ],
        money_stopped=Decimal(money.get("stop_payment_amount", zero))
        + Decimal(money.get("frozen_amount", zero)),
        money_returned=Decimal(money.get("returned_amount", zero)),
        losses_avoided=Decimal(closed.get("losses_avoided_amount", zero)),
    )


def prevention_figures(session: Session, path: str, now: datetime) -> dict[str, int]:
    """This month's prevention: activities, people reached, households swept, fraud-free grids."""
    return _month_counts(session, path, now, prevention_stats.measures, prevention_stats.NAMES)


def crackdown_figures(session: Session, path: str, now: datetime) -> dict[str, int]:
    """This month's crackdown: confirmed operations' dens destroyed, suspects caught and cases
    solved; series found and clues verified in time."""
    return _month_counts(session, path, now, operation_stats.measures, operation_stats.NAMES) | _month_counts(
        session, path, now, clue_stats.measures, clue_stats.NAMES
    )


def _month_counts(
    session: Session, path: str, now: datetime, source: MeasureSource, names: list[str]
) -> dict[str, int]:
    month: Window = (_this_month(now).utc_bounds()[0], now)
    values = source(session, Split(path, [month])).get((SELF, 0), {})
    return {name: int(values.get(name, 0)) for name in names}


def _panel_context(
    session: Session, actor: Principal, node: str | None, grain: Grain, poll: int
) -> dict[str, Any]:
    path, name = _scope(session, actor, node)
    now = utcnow()
    cases = case_figures(session, path, now, grain)
    loop = loop_figures(session, replace(actor, scope_path=path), now, grain)
    series = {"发案": cases.trend_cases, "接收预警": loop.trend_received}
    return {
        "scope_name": name,
        "node": node or "",
        "grain": grain,
        "updated": now,
        "cases": cases,
        "loop": loop,
        "levels": list(Level),
        "level_labels": {lv.value: lv.label for lv in Level},
        "states": [s for s in State if s not in (State.CLOSED, State.HELD)],  # held: see /reports/review
        "step_labels": STEP_LABELS,
        "rate": None if loop.today.success_rate_30d is None else round(loop.today.success_rate_30d * 100, 1),
        "trend_chart": line_chart("趋势", cases.trend_labels, series),
        "types_chart": bar_chart(
            "本月主要诈骗类型（起）", [t[0] for t in cases.top_types], [t[1] for t in cases.top_types]
        ),
        "poll": poll,
        "prevention": prevention_figures(session, path, now),
        "crackdown": crackdown_figures(session, path, now),
    }


@router.get("")
def dashboard(
    request: Request,
    session: DbSession,
    actor: Viewer,
    node: str | None = None,
    grain: Grain = "day",
    poll: Poll = 15,
) -> Response:
    # The figures come with the panel, which the page loads at once and then every ``poll`` seconds:
    # the city-wide counts take a moment on a large database, the page itself does not wait.
    _, name = _scope(session, actor, node)
    return page(
        request,
        "dashboard.html",
        actor,
        {"scope_name": name, "node": node or "", "grain": grain, "poll": poll},
    )


@router.get("/panel")
def panel(
    request: Request,
    session: DbSession,
    actor: Viewer,
    node: str | None = None,
    grain: Grain = "day",
    poll: Poll = 15,
) -> Response:
    """The live part of the dashboard; htmx fetches it every few seconds and swaps it in."""
    return page(request, "_dashboard_panel.html", actor, _panel_context(session, actor, node, grain, poll))

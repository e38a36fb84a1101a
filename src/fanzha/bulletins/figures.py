"""Composes a bulletin's figures from the capabilities' aggregate queries.

The definitions of every figure are in docs/bulletins.md; this module is their only
implementation. The counting itself happens in ``cases.stats``, ``warnings.stats``,
``funds.stats``, ``prevention.stats``, ``operations.stats``, ``clues.stats`` and ``exams.stats`` (each queries
only its own tables);
here they are combined into changes, shares, rates and rankings.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from fanzha.bulletins.changes import (
    competition_ranks,
    decline_streak,
    format_change,
    format_ratio,
    pct_change,
    ratio,
)
from fanzha.bulletins.periods import Period
from fanzha.bulletins.schemas import (
    Bulletin,
    ChildRow,
    MeasureFigure,
    NotableCase,
    RateFigure,
    SeriesPoint,
    ShareRow,
    SourceLevelRow,
)
from fanzha.cases import stats as case_stats
from fanzha.clues import stats as clue_stats
from fanzha.core.query import SELF, Measures, Number, Split, Window
from fanzha.core.vocab import FraudType, VictimGroup
from fanzha.exams import stats as exam_stats
from fanzha.funds import stats as fund_stats
from fanzha.jurisdiction import service as jurisdiction
from fanzha.jurisdiction.models import Node
from fanzha.operations import stats as operation_stats
from fanzha.prevention import stats as prevention_stats
from fanzha.warnings import stats as warning_stats


@dataclass(frozen=True)
class MeasureDef:
    key: str
    label: str
    unit: str


# Order is the order of the bulletin's headline table.
MEASURES = [
    MeasureDef("cases", "发案数", "起"),
    MeasureDef("loss_amount", "损失金额", "元"),
    MeasureDef("warnings_received", "接收预警", "条"),
    MeasureDef("warnings_high", "其中高危预警", "条"),
    MeasureDef("warnings_reached_in_time", "及时触达", "条"),
    MeasureDef("warnings_closed", "处置完结（有效预警）", "条"),
    MeasureDef("warnings_dissuaded", "劝阻成功", "人"),
    MeasureDef("losses_avoided_amount", "避免损失", "元"),
    MeasureDef("overdue_steps", "超时环节", "个"),
    MeasureDef("stop_payments", "紧急止付", "笔"),
    MeasureDef("stop_payment_amount", "止付金额", "元"),
    MeasureDef("freezes", "冻结", "笔"),
    MeasureDef("frozen_accounts", "冻结账户", "个"),
    MeasureDef("frozen_amount", "冻结金额", "元"),
    MeasureDef("returned_amount", "返还金额", "元"),
    MeasureDef("prevention_activities", "宣防活动", "场"),
    MeasureDef("prevention_reached", "宣防覆盖人数", "人次"),
    MeasureDef("households_swept", "扫楼入户", "户"),
    MeasureDef("fraud_free_grids", "无诈警格", "个"),
    MeasureDef("dens_destroyed", "捣毁窝点", "个"),
    MeasureDef("suspects_caught", "抓获嫌疑人", "人"),
    MeasureDef("cases_solved", "收网破案", "起"),
    MeasureDef("series_found", "发现串并案", "组"),
    MeasureDef("clues_verified_in_time", "线索按时核查", "条"),
    MeasureDef("exam_participants", "反诈考试参考人数", "人"),
    MeasureDef("exam_passed", "反诈考试合格人数", "人"),
    MeasureDef("exam_enrolment", "反诈考试应考人数", "人"),
]
MEASURE_LABELS = {m.key: m.label for m in MEASURES}
TREND_MEASURES = ("cases", "loss_amount")

# The child units are ranked on these (rank 1 = the largest value).
RANKING = ["cases", "cases_per_10k", "loss_amount", "warnings_received", "warnings_dissuaded",
           "success_rate", "frozen_amount"]  # fmt: skip
RANKING_LABELS = {**MEASURE_LABELS, "cases_per_10k": "万人发案数", "success_rate": "劝阻成功率"}

# How many earlier periods the trend chart and the declining streak (cases and losses) look back.
SERIES_BACK = 12
NOTABLE_CASES = 5

# Each capability's stats module answers the measures it owns for a Split.
MeasureSource = Callable[[Session, Split], Measures]
SOURCES: list[MeasureSource] = [
    case_stats.measures,
    warning_stats.measures,
    fund_stats.measures,
    prevention_stats.measures,
    operation_stats.measures,
    clue_stats.measures,
    exam_stats.measures,
]
Values = dict[str, Number]


def _zero(key: str) -> Number:
    return Decimal("0.00") if key.endswith("_amount") else 0


def _zeros() -> Values:
    return {m.key: _zero(m.key) for m in MEASURES}


def collect(session: Session, split: Split, sources: Sequence[MeasureSource]) -> Measures:
    """The sources' measures for the node itself and each child, per window (absent: no rows)."""
    found: Measures = {}
    for source in sources:
        for slot, values in source(session, split).items():
            found.setdefault(slot, {}).update(values)
    return found


def _total(measures: Measures, window: int) -> Values:
    """The node's whole subtree: its own rows plus every child's; absent measures are zero."""
    total = _zeros()
    for (_, i), values in measures.items():
        if i == window:
            for key, value in values.items():
                total[key] += value
    return total


@dataclass(frozen=True)
class _Gathered:
    """Measure values per child code (and SELF) for the period, the one before, a year before,
    and the node's case totals for each period of the trend."""

    current: Measures
    previous: Measures
    last_year: Measures
    trend: list[Values]


def _gather(session: Session, node: Node, kids: Sequence[Node], series: Sequence[Period]) -> _Gathered:
    children = [(k.code, k.path) for k in kids]
    # The long trend needs only the node's case totals; per-child figures only the compared periods.
    trend = collect(session, Split(node.path, [p.utc_bounds() for p in series]), [case_stats.measures])
    recent = collect(session, Split(node.path, [p.utc_bounds() for p in series[-2:]], children), SOURCES)
    ly = series[-1].same_period_last_year()
    last_year = collect(session, Split(node.path, [ly.utc_bounds()], children), SOURCES)
    keys = [SELF, *[code for code, _ in children]]

    def pick(measures: Measures, window: int) -> Measures:
        return {(k, 0): _zeros() | measures.get((k, window), {}) for k in keys}

    return _Gathered(
        pick(recent, 1), pick(recent, 0), pick(last_year, 0), [_total(trend, i) for i in range(len(series))]
    )


def _headline(values: Sequence[dict[str, Number]], trend: Sequence[dict[str, Number]]) -> list[MeasureFigure]:
    """``values``: this period, the previous one, the same period last year; ``trend``: the
    case measures of the last SERIES_BACK + 1 periods, oldest first, for the declining streak."""
    figures = []
    for m in MEASURES:
        value, prev, ly = (v[m.key] for v in values)
        mom, yoy = pct_change(value, prev), pct_change(value, ly)
        streak = decline_streak([t[m.key] for t in trend]) if m.key in TREND_MEASURES else None
        figures.append(MeasureFigure(
            key=m.key, label=m.label, unit=m.unit, value=value, previous=prev, last_year=ly,
            mom=mom, yoy=yoy, mom_text=format_change(mom), yoy_text=format_change(yoy), decline_streak=streak,
        ))  # fmt: skip
    return figures


def _rate(key: str, label: str, numerator: Number, denominator: Number) -> RateFigure:
    value = ratio(numerator, denominator)
    return RateFigure(key=key, label=label, numerator=int(numerator), denominator=int(denominator),
                      value=value, text=format_ratio(value))  # fmt: skip


def _rates(values: dict[str, Number]) -> list[RateFigure]:
    return [
        _rate("in_time_rate", "及时触达率", values["warnings_reached_in_time"], values["warnings_received"]),
        _rate("success_rate", "劝阻成功率", values["warnings_dissuaded"], values["warnings_closed"]),
        _rate("exam_pass_rate", "反诈考试合格率", values["exam_passed"], values["exam_participants"]),
        _rate("exam_coverage", "反诈考试参考率", values["exam_participants"], values["exam_enrolment"]),
    ]


def _shares(rows: Sequence[tuple[str, str, int, Decimal | None]], total: int) -> list[ShareRow]:
    out = []
    for code, label, count, amount in rows:
        share = ratio(count, total)
        out.append(ShareRow(code=code, label=label, count=count, amount=amount, share=share,
                            share_text=format_ratio(share)))  # fmt: skip
    return out


def _fraud_types(session: Session, path: str, window: Window, total: int) -> tuple[list[ShareRow], int]:
    found = case_stats.by_fraud_type(session, path, window)
    rows = [(t.value, t.label, *found.get(t.value, (0, Decimal("0.00")))) for t in FraudType]
    rows.sort(key=lambda r: (-r[2], -r[3]))
    top4 = sum(r[2] for r in rows[:4])
    return _shares(rows, total), top4


def _victim_groups(session: Session, path: str, window: Window, total: int) -> list[ShareRow]:
    found = case_stats.by_victim_group(session, path, window)
    rows: list[tuple[str, str, int, Decimal | None]] = [(g.value, g.label, found.get(g.value, 0), None)
                                                        for g in VictimGroup]  # fmt: skip
    rows.append(("unknown", "未登记", found.get(None, 0), None))
    return _shares(rows, total)


def _age_bands(session: Session, path: str, window: Window, total: int) -> list[ShareRow]:
    found = case_stats.by_age_band(session, path, window)
    rows: list[tuple[str, str, int, Decimal | None]] = [(code, label, found.get(code, 0), None)
                                                        for code, label in case_stats.AGE_BANDS]  # fmt: skip
    return _shares(rows, total)


def _warning_sources(session: Session, path: str, window: Window) -> list[SourceLevelRow]:
    found = warning_stats.by_source_level(session, path, window)
    out = []
    for source, label in warning_stats.SOURCES:
        by_level = {label: found.get((source, level), 0) for level, label in warning_stats.LEVELS}
        out.append(
            SourceLevelRow(source=source, label=label, by_level=by_level, total=sum(by_level.values()))
        )
    return out


def _children(kids: Sequence[Node], got: _Gathered) -> list[ChildRow]:
    rows = []
    for kid in kids:
        values = got.current[(kid.code, 0)]
        cases = int(values["cases"])
        per_10k = (
            None
            if not kid.population
            else (Decimal(cases) * 10000 / kid.population).quantize(Decimal("0.01"))
        )
        success = ratio(values["warnings_dissuaded"], values["warnings_closed"])
        rows.append(ChildRow(
            code=kid.code, name=kid.name, values=values, cases_per_10k=per_10k, ranks={},
            success_rate=success, success_rate_text=format_ratio(success),
            cases_yoy_text=format_change(pct_change(cases, got.last_year[(kid.code, 0)]["cases"])),
        ))  # fmt: skip
    keys: dict[str, Callable[[ChildRow], Number | None]] = {
        "cases_per_10k": lambda r: r.cases_per_10k,
        "success_rate": lambda r: r.success_rate,
    }
    for name in RANKING:
        ranks = competition_ranks(rows, keys.get(name, lambda r, n=name: r.values[n]))  # type: ignore[misc]
        for row, rank in zip(rows, ranks, strict=True):
            row.ranks[name] = rank
    rows.sort(key=lambda r: (r.ranks["cases"] or 0, r.code))
    return rows


def _notable(session: Session, node: Node, window: Window) -> list[NotableCase]:
    found = case_stats.largest(session, node.path, window, NOTABLE_CASES)
    # A path ends with its node's code; load those few nodes, not the whole subtree (800 in a city).
    codes = {row.node_path.rstrip("/").rsplit("/", 1)[-1] for row in found}
    names = {n.path: n.name for n in jurisdiction.nodes_by_codes(session, sorted(codes)).values()}
    out = []
    for row in found:
        group = VictimGroup(row.victim_group).label if row.victim_group else "未登记"
        out.append(NotableCase(
            case_id=row.id, case_no=row.case_no, occurred_at=row.occurred_at,
            node_name=names.get(row.node_path, ""),
            fraud_type=row.fraud_type, fraud_type_label=FraudType(row.fraud_type).label,
            loss_amount=row.loss_amount, victim_group_label=group, victim_age=row.victim_age,
            tags=list(row.tags),
        ))  # fmt: skip
    return out


def build(session: Session, node: Node, period: Period, now: datetime) -> Bulletin:
    """Every figure of the bulletin for ``node``'s subtree over ``period``."""
    series = [period]
    for _ in range(SERIES_BACK):
        series.insert(0, series[0].previous())
    last_year = period.same_period_last_year()
    kids = jurisdiction.children(session, node)
    got = _gather(session, node, kids, series)
    values = _total(got.current, 0)
    window = period.utc_bounds()
    total = int(values["cases"])
    fraud_types, top4 = _fraud_types(session, node.path, window, total)
    top4_share = ratio(top4, total)
    unit = jurisdiction.responsible_unit(session, node)
    return Bulletin(
        node_code=node.code, node_name=node.name, node_level=node.level,
        issuer=unit.name if unit else f"{node.name}反诈中心",
        period_key=period.key, period_kind=period.kind.value, period_label=period.label,
        first_day=period.first, last_day=period.last, previous_key=period.previous().key,
        last_year_key=last_year.key, generated_at=now,
        headline=_headline([values, _total(got.previous, 0), _total(got.last_year, 0)], got.trend),
        rates=_rates(values),
        fraud_types=fraud_types, top4_share=top4_share, top4_share_text=format_ratio(top4_share),
        victim_groups=_victim_groups(session, node.path, window, total),
        age_bands=_age_bands(session, node.path, window, total),
        warning_sources=_warning_sources(session, node.path, window),
        warning_levels=[label for _, label in warning_stats.LEVELS],
        children=_children(kids, got),
        ranking_measures=RANKING,
        series=[SeriesPoint(key=p.key, cases=int(t["cases"]), loss_amount=Decimal(t["loss_amount"]))
                for p, t in zip(series, got.trend, strict=True)],
        notable_cases=_notable(session, node, window),
    )  # fmt: skip

"""Aiming (精准滴灌): which grids need prevention about what, for whom — ranked by a rule anyone can check.

For each grid, audience and fraud type the cases of the last ``days`` days are compared with the
``days`` before them (环比) and with the same days a year earlier (同比). A line is listed when it
has at least ``MIN_CASES`` cases and more than the period before. Its score is the rise in cases
plus ``WARNING_WEIGHT`` per early warning of the same grid, audience and type in the period (ten
warnings weigh like one more case); ties go to the higher rate per 10,000 residents. The audience is
the victim group the case names, or the victim's age band where no group (or "other") is named.

The exams' weak topics join in (through the exams service): where the students of a grid's
schools answered at least ``EXAM_WRONG_RATE`` of a fraud type's questions wrong in the period
(over at least 20 answers), the (grid, students, type) line is listed even without rising cases,
and its score gains ``EXAM_WEIGHT`` × the wrong rate (a 50 % wrong rate weighs like one more case).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from fanzha.cases import stats as case_stats
from fanzha.core.query import Window
from fanzha.core.vocab import FraudType, VictimGroup
from fanzha.exams import service as exams
from fanzha.jurisdiction.models import Level, Node
from fanzha.prevention.grids import nodes_by_paths
from fanzha.prevention.schemas import AimLine
from fanzha.warnings import stats as warning_stats

MIN_CASES = 2
WARNING_WEIGHT = 0.1
EXAM_WRONG_RATE = 0.3
EXAM_WEIGHT = 2.0
AGE_LABELS = dict(case_stats.AGE_BANDS)

Key = tuple[str, str, str]  # (grid path, audience, fraud type)


def audience_of_warning(group: str | None) -> str:
    """A warning's audience: the victim group it names, else ``other`` (a warning has no age)."""
    return group if group else VictimGroup.OTHER.value


def audience_label(audience: str) -> str:
    if audience.startswith("age:"):
        return AGE_LABELS.get(audience[4:], audience)
    try:
        return VictimGroup(audience).label
    except ValueError:
        return audience


def _case_counts(session: Session, path: str, windows: list[Window]) -> dict[Key, list[int]]:
    """Cases per (grid path, audience, fraud type) in each window; the audience is worked out in SQL."""
    return {
        (p, victim, fraud): ns
        for (p, fraud, victim), ns in case_stats.victim_counts(session, path, windows).items()
    }


def _warning_counts(session: Session, paths: Iterable[str], window: Window) -> dict[Key, int]:
    counts: dict[Key, int] = defaultdict(int)
    for (p, fraud, group), n in warning_stats.grid_profile(session, set(paths), window).items():
        counts[(p, audience_of_warning(group), fraud)] += n
    return counts


def _pct(now: int, before: int) -> float | None:
    return None if before == 0 else round((now - before) * 100 / before, 1)


def _change_words(now: int, before: int, label: str) -> str:
    pct = _pct(now, before)
    if pct is None:
        return f"{label}新出现（上期 0 起）"
    return f"{label} {pct:+.0f}%（上期 {before} 起）"


def _reason(line: AimLine, grid: Node, days: int, exam: str | None) -> str:
    words = [
        f"{grid.name}：{line.audience_label}{line.fraud_type_label}案件近{days}天 {line.cases} 起",
        _change_words(line.cases, line.cases_before, "环比"),
        _change_words(line.cases, line.cases_last_year, "同比"),
    ]
    if line.per_10k is not None:
        words.append(f"每万人 {line.per_10k:.2f} 起")
    if line.warnings:
        words.append(f"同期同类预警 {line.warnings} 条")
    if exam:
        words.append(exam)
    return "，".join(words)


def _weak_in_exams(session: Session, path: str, window: Window) -> dict[Key, exams.WeakTopic]:
    """Fraud types the students of a node answered wrong often in the window (the exams service)."""
    student = VictimGroup.STUDENT.value
    return {
        (t.node_path, student, t.fraud_type): t
        for t in exams.weak_topics(session, path, window)
        if t.wrong_rate >= EXAM_WRONG_RATE
    }


def _grids(session: Session, paths: Iterable[str]) -> dict[str, Node]:
    return {p: n for p, n in nodes_by_paths(session, paths).items() if n.level == Level.GRID}


def aim(session: Session, path: str, now: datetime, days: int = 30, limit: int = 50) -> list[AimLine]:
    """The ranked aiming list for the subtree at ``path`` as of ``now``."""
    span, year = timedelta(days=days), timedelta(days=365)
    current = (now - span, now)
    counts = _case_counts(
        session, path, [current, (now - 2 * span, now - span), (now - year - span, now - year)]
    )
    weak = _weak_in_exams(session, path, current)
    rising = [k for k, (n, prior, _) in counts.items() if n >= MIN_CASES and n > prior]
    rising += sorted(set(weak) - set(rising))
    warned = _warning_counts(session, (k[0] for k in rising), current)
    grids = _grids(session, (k[0] for k in rising))
    lines = []
    for key in rising:
        grid = grids.get(key[0])
        if grid is None:
            continue  # a case or school recorded above grid level: no grid to aim at
        cases, prior, year_ago = counts.get(key, [0, 0, 0])
        warnings = warned.get(key, 0)
        topic = weak.get(key)
        score = cases - prior + WARNING_WEIGHT * warnings + (EXAM_WEIGHT * topic.wrong_rate if topic else 0.0)
        per_10k = round(cases * 10_000 / grid.population, 2) if grid.population else None
        fraud = FraudType(key[2])
        line = AimLine(
            rank=0, grid_code=grid.code, grid_name=grid.name, audience=key[1],
            audience_label=audience_label(key[1]), fraud_type=fraud, fraud_type_label=fraud.label,
            cases=cases, cases_before=prior,
            cases_last_year=year_ago, warnings=warnings, change_pct=_pct(cases, prior),
            per_10k=per_10k, score=round(score, 2), reason="",
            exam_wrong_rate=round(topic.wrong_rate, 3) if topic else None,
        )  # fmt: skip
        reason = _reason(line, grid, days, topic.reason if topic else None)
        lines.append(line.model_copy(update={"reason": reason}))
    lines.sort(key=lambda x: (-x.score, -(x.per_10k or 0), -x.cases, x.grid_code, x.audience, x.fraud_type))
    return [line.model_copy(update={"rank": i}) for i, line in enumerate(lines[:limit], start=1)]

"""What prevention reached, per grid and unit, which grids are fraud-free, and cases before/after campaigns.

Definitions (docs/prevention.md and docs/bulletins.md):
- households swept: distinct households named by sweeps and home visits in the window;
  share = households swept ÷ the grid's registered households (its ``households`` target).
- key places covered: distinct register entries (schools, markets, bank windows …) that an
  activity in the window was held at, of all the grid's register entries other than households.
- groups reached: distinct groups with a push delivered in the window; members reached: their members.
- 无诈警格 (fraud-free grid): no case at the grid in the ``prevention_fraud_free_months`` × 30 days
  before the window's end.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.cases import stats as case_stats
from fanzha.core.config import get_settings
from fanzha.core.query import Window
from fanzha.core.scope import within
from fanzha.core.timeutil import to_local
from fanzha.jurisdiction import service as jurisdiction
from fanzha.jurisdiction.models import Node
from fanzha.prevention.models import (
    Activity,
    Campaign,
    CampaignGrid,
    Delivery,
    DeliveryStatus,
    HouseholdVisit,
    SocialGroup,
    TargetKind,
)
from fanzha.prevention.schemas import CampaignEffect, GridCoverage, UnitActivity
from fanzha.prevention.targets import totals_by_grid

DAYS_PER_MONTH = 30.44
NOT_PROOF = "仅为对比，不能证明差异由宣传造成：开展战役的警格往往正是案件多发、有人重点盯防的警格。"


def fraud_free_window(end: datetime) -> Window:
    return (end - timedelta(days=30 * get_settings().prevention_fraud_free_months), end)


def _by_path(session: Session, stmt: Any) -> dict[str, tuple[int, ...]]:
    return {str(row[0]): tuple(int(v or 0) for v in row[1:]) for row in session.execute(stmt)}


def _activity_rows(session: Session, path: str, window: Window) -> dict[str, tuple[int, ...]]:
    held = (within(Activity.node_path, path), Activity.held_at >= window[0], Activity.held_at < window[1])
    return _by_path(
        session,
        select(Activity.node_path, func.count(), func.sum(Activity.reached),
               func.count(func.distinct(Activity.target_id)))
        .where(*held).group_by(Activity.node_path),
    )  # fmt: skip


def _swept(session: Session, path: str, window: Window) -> dict[str, tuple[int, ...]]:
    return _by_path(
        session,
        select(HouseholdVisit.node_path, func.count(func.distinct(HouseholdVisit.household)))
        .where(within(HouseholdVisit.node_path, path), HouseholdVisit.visited_at >= window[0],
               HouseholdVisit.visited_at < window[1])
        .group_by(HouseholdVisit.node_path),
    )  # fmt: skip


def _groups(session: Session, path: str, window: Window | None) -> dict[str, tuple[int, ...]]:
    """Groups and their members per grid; with a window, only groups a push reached in it."""
    stmt = select(SocialGroup.node_path, func.count(), func.sum(SocialGroup.members)).where(
        within(SocialGroup.node_path, path)
    )
    if window is not None:
        reached = select(Delivery.group_id).where(
            within(Delivery.node_path, path), Delivery.status == DeliveryStatus.SENT.value,
            Delivery.sent_at >= window[0], Delivery.sent_at < window[1],
        )  # fmt: skip
        stmt = stmt.where(SocialGroup.id.in_(reached))
    return _by_path(session, stmt.group_by(SocialGroup.node_path))


def grid_coverage(session: Session, path: str, window: Window) -> list[GridCoverage]:
    """One row per grid of the subtree, in path order."""
    grids = jurisdiction.grids_within(session, path)
    registers = totals_by_grid(session, path)
    acts, swept = _activity_rows(session, path, window), _swept(session, path, window)
    groups, reached = _groups(session, path, None), _groups(session, path, window)
    cases = case_stats.counts_by_node(session, path, fraud_free_window(window[1]))
    months = max((window[1] - window[0]).days / DAYS_PER_MONTH, 1e-9)
    rows = []
    for grid in grids:
        register = registers.get(grid.path, {})
        households = register.get(TargetKind.HOUSEHOLDS.value, (0, 0))[1]
        places = sum(n for kind, (n, _) in register.items() if kind != TargetKind.HOUSEHOLDS.value)
        n_acts, people, places_covered = acts.get(grid.path, (0, 0, 0))
        n_swept = swept.get(grid.path, (0,))[0]
        rows.append(GridCoverage(
            grid_code=grid.code, grid_name=grid.name, population=grid.population, households=households,
            households_swept=n_swept, swept_share=round(n_swept / households, 4) if households else None,
            key_places=places, key_places_covered=places_covered,
            groups=groups.get(grid.path, (0, 0))[0], group_members=groups.get(grid.path, (0, 0))[1],
            groups_reached=reached.get(grid.path, (0, 0))[0],
            members_reached=reached.get(grid.path, (0, 0))[1],
            activities=n_acts, people_reached=people, activities_per_month=round(n_acts / months, 2),
            fraud_free=cases.get(grid.path, 0) == 0,
        ))  # fmt: skip
    return rows


def unit_activity(session: Session, path: str, window: Window) -> list[UnitActivity]:
    stmt = (
        select(Activity.unit_name, func.count(), func.sum(Activity.reached))
        .where(within(Activity.node_path, path), Activity.held_at >= window[0], Activity.held_at < window[1])
        .group_by(Activity.unit_name)
        .order_by(func.count().desc(), Activity.unit_name)
    )
    return [UnitActivity(unit_name=str(u), activities=int(n), people_reached=int(r or 0)) for u, n, r in
            session.execute(stmt)]  # fmt: skip


def fraud_free_grids(session: Session, path: str, now: datetime) -> list[Node]:
    """无诈警格: the grids of the subtree without a case in the configured months before ``now``."""
    cases = case_stats.counts_by_node(session, path, fraud_free_window(now))
    return [g for g in jurisdiction.grids_within(session, path) if cases.get(g.path, 0) == 0]


@dataclass(frozen=True)
class _Side:
    grids: int
    population: int
    before: int
    after: int

    def rate(self, cases: int) -> float | None:
        return round(cases * 10_000 / self.population, 3) if self.population else None


def _side(grids: list[Node], before: dict[str, int], after: dict[str, int]) -> _Side:
    return _Side(len(grids), sum(g.population or 0 for g in grids), sum(before.get(g.path, 0) for g in grids),
                 sum(after.get(g.path, 0) for g in grids))  # fmt: skip


def campaign_effect(session: Session, path: str, anchor: datetime, days: int) -> CampaignEffect:
    """Cases per 10,000 residents in the ``days`` before and after ``anchor``: grids in a campaign
    running that day against the subtree's other grids. A comparison, not proof of cause."""
    day = to_local(anchor).date()
    running = (
        select(CampaignGrid.node_path)
        .join(Campaign, Campaign.id == CampaignGrid.campaign_id)
        .where(Campaign.starts_on <= day, Campaign.ends_on >= day, within(CampaignGrid.node_path, path))
    )
    treated_paths = set(session.scalars(running))
    span = timedelta(days=days)
    before = case_stats.counts_by_node(session, path, (anchor - span, anchor))
    after = case_stats.counts_by_node(session, path, (anchor, anchor + span))
    grids = jurisdiction.grids_within(session, path)
    treated = _side([g for g in grids if g.path in treated_paths], before, after)
    control = _side([g for g in grids if g.path not in treated_paths], before, after)
    t_change = _change(treated)
    c_change = _change(control)
    diff = None if t_change is None or c_change is None else round(t_change - c_change, 3)
    return CampaignEffect(
        anchor=anchor, days=days, campaign_grids=treated.grids, other_grids=control.grids,
        campaign_before_per_10k=treated.rate(treated.before),
        campaign_after_per_10k=treated.rate(treated.after),
        other_before_per_10k=control.rate(control.before), other_after_per_10k=control.rate(control.after),
        difference_per_10k=diff, note=NOT_PROOF,
    )  # fmt: skip


def _change(side: _Side) -> float | None:
    before, after = side.rate(side.before), side.rate(side.after)
    return None if before is None or after is None else after - before

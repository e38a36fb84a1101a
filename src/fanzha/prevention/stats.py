"""Prevention figures for bulletins: activities, people reached, households swept, fraud-free grids.

Definitions: docs/bulletins.md ("Prevention"). An activity counts in the period it was held in,
for its grid and every ancestor; a household counts once per grid and period however often it
was visited; a grid counts as fraud-free for a period when it had no case in the
``prevention_fraud_free_months`` × 30 days before the period's end.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.cases import stats as case_stats
from fanzha.core.query import Measures, Split
from fanzha.jurisdiction import service as jurisdiction
from fanzha.prevention.coverage import fraud_free_window
from fanzha.prevention.models import Activity, HouseholdVisit

NAMES = ["prevention_activities", "prevention_reached", "households_swept", "fraud_free_grids"]


def measures(session: Session, split: Split) -> Measures:
    group, window = split.group_of(Activity.node_path), split.window_of(Activity.held_at)
    acts = (
        select(group, window, func.count(), func.sum(Activity.reached))
        .where(split.where(Activity.node_path, Activity.held_at))
        .group_by(group, window)
    )
    found = split.collect(session.execute(acts), NAMES[:2])
    v_group, v_window = split.group_of(HouseholdVisit.node_path), split.window_of(HouseholdVisit.visited_at)
    household = HouseholdVisit.node_path + "|" + HouseholdVisit.household
    swept = (
        select(v_group, v_window, func.count(func.distinct(household)))
        .where(split.where(HouseholdVisit.node_path, HouseholdVisit.visited_at))
        .group_by(v_group, v_window)
    )
    for slot, values in split.collect(session.execute(swept), NAMES[2:3]).items():
        found.setdefault(slot, {}).update(values)
    for slot, values in _fraud_free(session, split).items():
        found.setdefault(slot, {}).update(values)
    return found


def _fraud_free(session: Session, split: Split) -> Measures:
    """Per window: the grids under each child (or the node) without a case before the window's end."""
    grids = jurisdiction.grids_within(session, split.path)
    heads = [path for _, path in split.children]
    rows = []
    for index, (_, end) in enumerate(split.windows):
        cases = case_stats.counts_by_node(session, split.path, fraud_free_window(end))
        counts: dict[str, int] = {}
        for grid in grids:
            if cases.get(grid.path, 0) == 0:
                head = next((h for h in heads if grid.path.startswith(h)), split.path)
                counts[head] = counts.get(head, 0) + 1
        rows += [(head, index, n) for head, n in counts.items()]
    return split.collect(rows, NAMES[3:])

"""warnings.stats.received_counts (the dashboard's trend) against the bulletin's measures."""

import pytest
from sqlalchemy.orm import Session

from fanzha.bulletins.periods import Period
from fanzha.core.query import SELF, Split
from fanzha.warnings.stats import measures, received_counts
from tests.bulletins.history import build_history
from tests.factories import World

# Warnings received per month, August – December 2026 (tests/bulletins/history.py).
EXPECTED = {
    "/369900/": [0, 1, 5, 0, 0],
    "/369900/369901/": [0, 0, 4, 0, 0],
    "/369900/369902/": [0, 1, 1, 0, 0],
}


@pytest.mark.parametrize("path", list(EXPECTED))
def test_received_counts_agree_with_measures_window_by_window(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    build_history(session, world, monkeypatch)
    months = [Period.parse("2026-08")]
    while len(months) < 5:
        months.append(months[-1].next())
    split = Split(path, [m.utc_bounds() for m in months])
    counts = received_counts(session, split)
    full = measures(session, split)
    got = [counts.get((SELF, i), {}).get("warnings_received", 0) for i in range(len(months))]
    assert got == [full.get((SELF, i), {}).get("warnings_received", 0) for i in range(len(months))]
    assert got == EXPECTED[path]
    with pytest.raises(ValueError):
        received_counts(session, Split(path, split.windows, children=[("369901", "/369900/369901/")]))

"""Series found and clues verified in time, on a built history with hand-counted values: a series
is found when its second case is indexed (at that case's node); a clue is verified in time when
its result is recorded no later than its deadline (at its node, in the period of the result)."""

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from fanzha.clues import stats, workflow
from fanzha.clues.index import Indexable, index_record
from fanzha.clues.models import ClueState, RecordKind
from fanzha.clues.schemas import ClueIn
from fanzha.core.query import SELF, Split
from tests.factories import World

A, B = "369901001001", "369901002001"  # grids of station A and station B
MARCH = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
APRIL = (MARCH[1], datetime(2026, 5, 1, tzinfo=UTC))


def _case(session: Session, world: World, n: int, grid: str, day: datetime, *idents: tuple[str, str]) -> None:
    item = Indexable(RecordKind.CASE, 900_000 + n, f"C{n}", world.node(grid).path, day, None, idents)
    index_record(session, item, day)


def _clue(session: Session, world: World, grid: str, due: datetime, closed: datetime | None) -> None:
    data = ClueIn(kind="phone", value="13912345678", node_code=grid)  # type: ignore[arg-type]
    clue = workflow.create_clue(session, data, world.principals["commander"])
    clue.due_at = due
    if closed is not None:
        clue.state, clue.result, clue.closed_at = ClueState.CLOSED.value, "nothing", closed
    session.flush()


def _figures(session: Session, world: World, code: str) -> list[dict[str, int]]:
    found = stats.measures(session, Split(world.node(code).path, [MARCH, APRIL]))
    return [{k: int(v) for k, v in found.get((SELF, i), {}).items()} for i in range(2)]


def test_series_found_and_clues_verified_in_time(session: Session, world: World) -> None:
    def d(month: int, day: int) -> datetime:
        return datetime(2026, month, day, 12, tzinfo=UTC)

    account, phone, qq, device = (
        ("bank_account", "6222000099990001"),
        ("phone", "17100000001"),
        ("qq", "5566778"),
        ("device", "imei-0001"),
    )
    _case(session, world, 1, A, d(2, 20), account)
    _case(session, world, 2, B, d(3, 5), account)  # series X found 5 March at B ...
    _case(session, world, 3, A, d(3, 10), account)
    _case(session, world, 4, A, d(3, 2), phone)
    _case(session, world, 5, A, d(4, 2), phone)  # series Y found 2 April at A
    _case(session, world, 6, A, d(3, 3), qq)
    _case(session, world, 7, A, d(3, 4), qq)  # series Z found 4 March at A ...
    # ... until case 8 merges X and Z: one series, whose second case is case 6 (3 March, A).
    _case(session, world, 8, A, d(3, 20), account, qq)
    _case(session, world, 9, B, d(3, 6), device)
    _case(session, world, 10, B, d(3, 7), device)  # series W found 7 March at B
    _clue(session, world, A, due=d(3, 10), closed=d(3, 9))  # in time, March, A
    _clue(session, world, A, due=d(3, 10), closed=d(3, 11))  # late
    _clue(session, world, B, due=d(3, 20), closed=d(3, 15))  # in time, March, B
    _clue(session, world, B, due=d(4, 20), closed=d(4, 20))  # in time (at the deadline), April, B
    _clue(session, world, A, due=d(3, 5), closed=None)  # open
    assert _figures(session, world, "369900") == [
        {"series_found": 2, "clues_verified_in_time": 2},
        {"series_found": 1, "clues_verified_in_time": 1},
    ]
    assert _figures(session, world, "369901001") == [
        {"series_found": 1, "clues_verified_in_time": 1},
        {"series_found": 1},
    ]
    assert _figures(session, world, "369901002") == [
        {"series_found": 1, "clues_verified_in_time": 1},
        {"clues_verified_in_time": 1},
    ]

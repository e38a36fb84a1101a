"""The case list reads a fixed number of statements, however many cases and nodes it shows."""

from sqlalchemy.orm import Session

from fanzha.cases import service
from fanzha.cases.schemas import CaseQuery
from tests.cases.factories import case_in
from tests.factories import World
from tests.querycount import statements

GRIDS = ["369901001001", "369901001002", "369901002001", "369902001001"]


def _list(session: Session, world: World) -> tuple[int, int]:
    session.expunge_all()
    with statements(session) as sent:
        items, total = service.list_cases(session, world.principals["commander"], CaseQuery(), 0, 50)
    assert len(items) == total
    return total, len(sent)


def test_case_list_statements_do_not_grow_with_rows(session: Session, world: World) -> None:
    boss = world.principals["commander"]
    service.register_case(session, case_in(GRIDS[0]), boss)
    one_total, one = _list(session, world)
    for code in GRIDS * 3:
        service.register_case(session, case_in(code), boss)
    many_total, many = _list(session, world)
    assert (one_total, many_total) == (1, 13)
    # count, the page, its identifiers, its nodes
    assert one == many == 4

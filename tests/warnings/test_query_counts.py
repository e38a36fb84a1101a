"""The warning search reads a fixed number of statements, however many nodes its rows sit on."""

from sqlalchemy.orm import Session

from fanzha.core.pagination import PageParams
from fanzha.core.timeutil import utcnow
from fanzha.warnings import views
from fanzha.warnings.schemas import Filters
from tests.factories import World
from tests.querycount import statements
from tests.warnings.factories import add_gazetteer, make_warning

# Addresses that route to four different grids (tests/warnings/factories.GAZETTEER) and the city.
ADDRESSES = ["测试市东区阳光路12号", "测试市东区阳光路150号", "翠苑社区5栋", "和平村3组", "外地"]


def _search(session: Session, world: World) -> tuple[int, int]:
    session.expunge_all()  # nothing cached from making the rows: count what a request would send
    with statements(session) as sent:
        page = views.search(
            session, world.principals["commander"], Filters(), PageParams(page=1, page_size=50), utcnow()
        )
    return page.total, len(sent)


def test_search_statements_do_not_grow_with_rows_or_nodes(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    make_warning(session, world, victim_address=ADDRESSES[0])
    one_total, one_node = _search(session, world)
    for address in ADDRESSES * 3:
        make_warning(session, world, victim_address=address)
    many_total, many_nodes = _search(session, world)
    assert (one_total, many_total) == (1, 16)
    # count, the page of rows, the nodes of the page
    assert one_node == many_nodes == 3

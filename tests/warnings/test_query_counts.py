"""The warning search and a grouped intake send a fixed number of statements, however many rows
and nodes they touch."""

from sqlalchemy.orm import Session

from fanzha.accounts.deps import Credential
from fanzha.audit import service as audit
from fanzha.core.pagination import PageParams
from fanzha.core.timeutil import utcnow
from fanzha.warnings import group, views
from fanzha.warnings.schemas import Filters, WarningIn
from tests.factories import World
from tests.querycount import statements
from tests.warnings.factories import add_gazetteer, item, make_warning

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


def _grouped_intake(session: Session, world: World, n: int) -> int:
    """Statements of one grouped intake of ``n`` single POSTs, the commit's audit append included."""
    items = [WarningIn.model_validate(item()) for _ in range(n)]
    session.expunge_all()
    with statements(session) as sent:
        answers = group._answers(session, Credential(api_key=world.keys["feed"]), items)
        audit.append_pending(session)
    assert [a[0] for a in answers if isinstance(a, tuple)] == [201] * n
    return len(sent)


def test_a_grouped_intake_sends_the_same_statements_for_one_warning_or_many(
    session: Session, world: World
) -> None:
    add_gazetteer(session, world)
    _grouped_intake(session, world, 1)  # the gazetteer compiled, the key's last use stamped
    one, many = _grouped_intake(session, world, 1), _grouped_intake(session, world, 10)
    # the key, the gazetteer's stamp, the units, the norms, the insert, the warnings read back with
    # their nodes; the chain's lock (PostgreSQL only, with its timeout), its last hash, the entries
    assert one == many == (9 if session.get_bind().dialect.name == "postgresql" else 8)

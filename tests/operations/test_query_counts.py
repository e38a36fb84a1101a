"""The operations list reads a fixed number of statements, however many operations and targets."""

from sqlalchemy.orm import Session

from fanzha.operations import service
from fanzha.operations.schemas import OperationQuery
from tests.factories import World
from tests.operations.factories import operation, target
from tests.querycount import statements


def _list(session: Session, world: World) -> tuple[int, int]:
    session.expunge_all()
    with statements(session) as sent:
        found = service.list_operations_out(session, world.principals["commander"], OperationQuery())
    return len(found), len(sent)


def test_operation_list_statements_do_not_grow_with_rows(session: Session, world: World) -> None:
    operation(session, world)
    one_total, one = _list(session, world)
    for code in ("369901001", "369901002", "369902001"):
        operation(session, world, node_code=code, targets=[target(), target(label="二号", city="广州市")])
    many_total, many = _list(session, world)
    assert (one_total, many_total) == (1, 4)
    # the operations, their targets, their cases, the grids' names
    assert one == many == 4

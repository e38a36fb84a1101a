"""The dashboard panel reads a fixed number of statements, however many warnings and cases exist."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.core.timeutil import utcnow
from tests.cases.factories import case_in
from tests.factories import World
from tests.querycount import statements
from tests.warnings.factories import add_gazetteer, make_warning
from tests.web.test_console import HTML, browser_login

ADDRESSES = ["测试市东区阳光路12号", "翠苑社区5栋", "和平村3组", "外地"]


def _panel(client: TestClient, session: Session) -> int:
    session.commit()  # what the test made is written before the request, not by its commit
    with statements(session) as sent:
        r = client.get("/dashboard/panel", headers=HTML)
    assert r.status_code == 200, r.text
    return len(sent)


def test_panel_statements_do_not_grow_with_records(
    client: TestClient, session: Session, world: World
) -> None:
    add_gazetteer(session, world)
    browser_login(client, "commander")
    quiet = _panel(client, session)
    recent = utcnow() - timedelta(minutes=5)
    for address in ADDRESSES * 3:
        make_warning(session, world, victim_address=address)
    for code in ["369901001001", "369901002001", "369902001001"] * 3:
        cases.register_case(session, case_in(code, occurred_at=recent), world.principals["commander"])
    busy = _panel(client, session)
    assert quiet == busy
    assert busy == PANEL_STATEMENTS


# What one panel request sends today: the login session and user, the node, the case, funds and
# warning figures, the trend, the overdue list, prevention's figures (activities, household
# visits, grids and their cases), the crackdown figures (targets and cases of confirmed
# operations; series found and clues verified in time) and the savepoint's release. A change that
# adds a statement per record fails the equality above; one that adds a query fails this (update
# it on purpose).
PANEL_STATEMENTS = 24

"""Races between real connections: duplicate intake and claims, on committed data.

These tests commit (several connections must see the rows), so they build a small tree of
their own under a city code no other test uses, and delete it afterwards, with the audit
entries they appended (the chain's tail, so the chain stays whole).
"""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.accounts.models import User
from fanzha.accounts.schemas import UserIn
from fanzha.core import db
from fanzha.core.errors import Conflict
from fanzha.core.principal import Principal, system_principal
from fanzha.core.roles import Role
from fanzha.jurisdiction import service as jurisdiction
from fanzha.jurisdiction.models import Node, Unit, UnitKind
from fanzha.jurisdiction.schemas import UnitIn
from fanzha.warnings import service
from fanzha.warnings.intake import intake
from fanzha.warnings.models import EarlyWarning, GazetteerEntry, WarningAction
from tests.race import audit_mark, drop_audit_after, race
from tests.warnings.factories import item

CITY = "779900"
SYSTEM = system_principal(name="race-test")


@dataclass
class Committed:
    engine: Engine
    principals: list[Principal]
    node_ids: list[int]


@pytest.fixture
def committed(database_url: str) -> Iterator[Committed]:
    engine = db.make_engine(database_url)
    mark = audit_mark(engine)
    with Session(engine) as s:
        rows = [
            {"code": CITY, "name": "并发市", "level": 1, "parent_code": None},
            {"code": "779901", "name": "并发区", "level": 2, "parent_code": CITY},
            {"code": "779901001", "name": "并发所", "level": 3, "parent_code": "779901"},
        ]
        nodes = {n.code: n for n in jurisdiction.import_nodes(s, rows, "race-test")}
        centre = jurisdiction.create_unit(
            s, UnitIn(name="并发中心", kind=UnitKind.CENTRE, node_code=CITY), SYSTEM
        )
        station = jurisdiction.create_unit(
            s, UnitIn(name="并发所", kind=UnitKind.STATION, node_code="779901001"), SYSTEM
        )
        s.execute(
            insert(GazetteerEntry), [{"kind": "village", "name": "并发村", "node_id": nodes["779901001"].id}]
        )
        users = [
            accounts.create_user(
                s, UserIn(username=f"race{i}", display_name=f"race{i}", password="race-pass-1",
                          role=Role.COMMUNITY_POLICE, unit_id=station.id), SYSTEM,
            )
            for i in range(20)
        ]  # fmt: skip
        s.commit()
        principals = [accounts.principal_for_user(u) for u in users]
        node_ids = [n.id for n in nodes.values()]
        unit_ids, user_ids = [centre.id, station.id], [u.id for u in users]
    try:
        yield Committed(engine, principals, node_ids)
    finally:
        with Session(engine) as s:
            ids = select(EarlyWarning.id).where(EarlyWarning.node_id.in_(node_ids))
            s.execute(delete(WarningAction).where(WarningAction.warning_id.in_(ids)))
            s.execute(delete(EarlyWarning).where(EarlyWarning.node_id.in_(node_ids)))
            s.execute(delete(GazetteerEntry).where(GazetteerEntry.node_id.in_(node_ids)))
            s.execute(delete(User).where(User.id.in_(user_ids)))
            s.execute(delete(Unit).where(Unit.id.in_(unit_ids)))
            for code in ("779901001", "779901", CITY):
                s.execute(delete(Node).where(Node.code == code))
            s.commit()
        drop_audit_after(engine, mark)
        engine.dispose()


def test_same_instruction_from_two_connections_yields_one_warning(committed: Committed) -> None:
    data = [item(source="bank", source_id="RACE-1", victim_address="并发村")]
    results = race(2, lambda s, _: intake(s, data, SYSTEM).items[0], committed.engine)
    assert sorted(r.status for r in results) == ["created", "existing"]
    assert results[0].id == results[1].id
    with Session(committed.engine) as s:
        n = s.scalar(select(func.count()).select_from(EarlyWarning).where(EarlyWarning.source_id == "RACE-1"))
    assert n == 1


def test_twenty_claimers_never_double_claim(committed: Committed) -> None:
    with Session(committed.engine) as s:
        batch = intake(s, [item(source="bank", victim_address="并发村") for _ in range(10)], SYSTEM)
        s.commit()
    target = batch.items[0].id
    assert target is not None
    same = race(20, lambda s, i: service.claim(s, target, committed.principals[i]).id, committed.engine)
    assert sum(1 for r in same if r == target) == 1
    assert all(isinstance(r, Conflict) for r in same if r != target)
    rest = race(20, lambda s, i: _claimed_id(s, committed.principals[i]), committed.engine)
    taken = [r for r in rest if r is not None]
    assert len(taken) == 9 and len(set(taken)) == 9  # the 9 left, each exactly once
    with Session(committed.engine) as s:
        holders = s.execute(
            select(EarlyWarning.id, EarlyWarning.assignee_id).where(
                EarlyWarning.id.in_([r.id for r in batch.items])
            )
        ).all()
    assert all(holder is not None for _, holder in holders)


def _claimed_id(session: Session, principal: Principal) -> int | None:
    w = service.claim_next(session, principal)
    return None if w is None else w.id

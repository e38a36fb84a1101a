"""A 断卡 check that hits the punishment list becomes a clue (source 断卡核查) through the clues
service: one per listed person and day, worked at the person's case's node (else where they were
listed), shown masked; a check that does not hit makes none."""

from datetime import date, timedelta

from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.clues import workflow
from fanzha.clues.models import Clue, ClueSource
from fanzha.clues.schemas import ClueQuery
from fanzha.core.principal import system_principal
from fanzha.core.ratelimit import TokenBucket
from fanzha.core.timeutil import utcnow
from fanzha.funds import punishment
from fanzha.funds.schemas import PunishedIn
from tests.cases.factories import case_in
from tests.factories import World

CHECK = "/api/v1/funds/punishment/check"
WITH_CASE, WITHOUT = "36990119900101123X", "369901199202020011"


def _list(session: Session, world: World, id_number: str, name: str, node: str, case_id: int | None) -> None:
    data = PunishedIn(
        id_number=id_number,
        name=name,
        reason="出售银行卡 3 张",
        node_code=node,
        case_id=case_id,
        starts_on=date(2026, 1, 5),
    )
    punishment.list_person(session, data, world.principals["commander"])


def _card_clues(session: Session, world: World) -> list[Clue]:
    query = ClueQuery(source=ClueSource.CARD_CHECK)
    return list(workflow.list_clues(session, world.principals["commander"], query))


def test_a_hit_makes_one_clue_per_person_and_day(client, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    case = cases.register_case(session, case_in("369901001001"), world.principals["commander"])
    _list(session, world, WITH_CASE, "赵五", "369901", case.id)
    _list(session, world, WITHOUT, "钱六", "369901002", None)
    bank = {"Authorization": f"Bearer {world.keys['icbc-system']}"}
    for id_number in (WITH_CASE, WITH_CASE.lower(), WITHOUT, "369901199001019999"):
        assert client.post(CHECK, json={"id_number": id_number}, headers=bank).status_code == 200

    made = {c.value: c for c in _card_clues(session, world)}
    assert set(made) == {"赵五", "钱六"}  # the same person checked twice that day: one clue
    with_case, without = made["赵五"], made["钱六"]
    assert with_case.case_id == case.id and with_case.node_path == case.node_path
    assert without.case_id is None and without.node_path.endswith("/369901002/")
    assert without.unit_id == world.units["station_b"].id
    assert "开户核查命中断卡惩戒名单" in with_case.summary and WITH_CASE not in with_case.summary
    shown = workflow.to_out(session, with_case, world.principals["commander"])
    assert shown.value == "赵*" and shown.source_label == "断卡核查"

    later = utcnow() + timedelta(days=1)
    bucket = TokenBucket(rate=1.0, burst=5)
    punishment.check(session, WITH_CASE, system_principal(name="建设银行开户系统"), later, bucket)
    assert len(_card_clues(session, world)) == 3  # a new day is a new lead

"""Cases whose suspect identifiers are given as (kind, value) pairs, registered as a station would."""

from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.clues import service, workflow
from fanzha.clues.schemas import ClueIn
from tests.cases.factories import case_in
from tests.factories import World


def case_with(session: Session, world: World, *idents: tuple[str, str], node: str = "369901001001") -> int:
    """A case at ``node`` naming ``idents``; returns its id."""
    body = case_in(node, suspect_identifiers=[{"kind": k, "value": v} for k, v in idents])
    return cases.register_case(session, body, world.principals["commander"]).id


def station_b_clue(session: Session, world: World) -> dict[str, int]:
    data = ClueIn(kind="phone", value="13900002222", node_code="369901002001")  # type: ignore[arg-type]
    return {"clue_id": workflow.create_clue(session, data, world.principals["commander"]).id}


def station_b_series(session: Session, world: World) -> dict[str, int]:
    first = case_with(session, world, ("qq", "778899"), node="369901002001")
    case_with(session, world, ("qq", "778 899"), node="369901002001")
    (link,) = service.series_for_case(session, world.principals["commander"], first)
    return {"series_id": link.series_id}


def station_b_case(session: Session, world: World) -> dict[str, int]:
    return {"case_id": case_with(session, world, ("qq", "5566"), node="369901002001")}

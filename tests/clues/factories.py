"""Cases whose suspect identifiers are given as (kind, value) pairs, registered as a station would."""

from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from tests.cases.factories import case_in
from tests.factories import World


def case_with(session: Session, world: World, *idents: tuple[str, str], node: str = "369901001001") -> int:
    """A case at ``node`` naming ``idents``; returns its id."""
    body = case_in(node, suspect_identifiers=[{"kind": k, "value": v} for k, v in idents])
    return cases.register_case(session, body, world.principals["commander"]).id

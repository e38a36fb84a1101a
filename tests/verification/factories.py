"""Contacts with verification codes: a claimed warning and a call recorded on it."""

from sqlalchemy.orm import Session

from fanzha.core.ratelimit import TokenBucket
from fanzha.verification.service import Limits
from fanzha.warnings import service as warnings
from fanzha.warnings.schemas import ActionIn
from tests.factories import World
from tests.warnings.factories import make_warning

STATION_B_ADDRESS = "翠苑社区1栋"


def roomy_limits() -> Limits:
    """Limits no test reaches, so only the throttling tests see throttling."""
    return Limits(TokenBucket(rate=1.0, burst=1000), TokenBucket(rate=1.0, burst=1000))


def contact(
    session: Session, world: World, officer: str = "police_a", kind: str = "call", **warning: str
) -> warnings.Contact:
    """A warning (routed by ``warning`` overrides; station A by default), claimed by the officer,
    with a call (or ``kind``) recorded on it. Needs ``add_gazetteer`` first."""
    w = make_warning(session, world, **warning)
    principal = world.principals[officer]
    warnings.claim(session, w.id, principal)
    return warnings.record_contact(session, w.id, ActionIn(kind=kind, result="已接通"), principal)

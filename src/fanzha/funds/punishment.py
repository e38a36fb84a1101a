"""The 断卡 punishment list and the check banks and operators make at account opening.

A listed person's non-counter business is suspended for five years. The check answers only
listed / not listed and the end date; each client is rate-limited (an in-process token bucket
per API client, so limits are per server process) and every check is audited. A hit — a listed
person trying to open an account or a SIM card again — is a lead: it becomes a 断卡核查 clue
through the clues service, one per person and day.
"""

from datetime import date, datetime

from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.clues import service as clues
from fanzha.clues.models import ClueSource
from fanzha.clues.normalise import Kind
from fanzha.clues.schemas import ClueIn
from fanzha.core.errors import TooManyRequests
from fanzha.core.masking import mask_id_number
from fanzha.core.principal import Principal, system_principal
from fanzha.core.ratelimit import TokenBucket
from fanzha.core.roles import Perm
from fanzha.core.timeutil import to_local, utcnow
from fanzha.funds import repository as repo
from fanzha.funds.models import PunishedPerson
from fanzha.funds.schemas import CheckOut, PunishedIn
from fanzha.jurisdiction.service import node_in_scope, nodes_by_ids

LISTING_YEARS = 5
CHECKS_PER_MINUTE = 60
BURST = 20


def years_later(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def list_person(session: Session, data: PunishedIn, actor: Principal) -> PunishedPerson:
    actor.require(Perm.FUNDS_REQUEST)
    node = node_in_scope(session, data.node_code, actor.scope_path)
    person = PunishedPerson(
        id_number=data.id_number,
        name=data.name,
        reason=data.reason,
        case_id=data.case_id,
        node_id=node.id,
        node_path=node.path,
        starts_on=data.starts_on,
        ends_on=years_later(data.starts_on, LISTING_YEARS),
        listed_by=actor.actor,
        listed_at=utcnow(),
    )
    session.add(person)
    session.flush()
    after = {
        "id_number": mask_id_number(data.id_number),
        "starts_on": data.starts_on,
        "ends_on": person.ends_on,
    }
    audit.record(session, actor.actor, "funds.punish.list", "punished_person", person.id, None, after)
    return person


BUCKET = TokenBucket(rate=CHECKS_PER_MINUTE / 60, burst=BURST)


def check(
    session: Session,
    id_number: str,
    client: Principal,
    now: datetime | None = None,
    bucket: TokenBucket = BUCKET,
) -> CheckOut:
    client.require(Perm.FUNDS_CHECK)
    wait = bucket.take(client.actor)
    if wait > 0:
        raise TooManyRequests(f"查询过于频繁，请 {int(wait) + 1} 秒后再试", int(wait) + 1)
    at = now or utcnow()
    listed = repo.listed_until(session, id_number.strip().upper(), to_local(at).date())
    answer = CheckOut(listed=listed is not None, ends_on=None if listed is None else listed.ends_on)
    after = {"id_number": mask_id_number(id_number.strip()), "listed": answer.listed}
    audit.record(session, client.actor, "funds.punish.check", "punished_check", client.actor, None, after)
    if listed is not None:
        clue_from_hit(session, listed, client, at)
    return answer


def clue_from_hit(session: Session, person: PunishedPerson, client: Principal, at: datetime) -> int:
    """The clue a hit makes: the person (masked where shown), worked at their case's node, else
    where they were listed; ``source_id`` is the listing and the day, so the same person checked
    again that day (a retry, another branch) adds nothing, and a new day is a new lead."""
    node = nodes_by_ids(session, [person.node_id])[person.node_id]
    day = to_local(at)
    summary = (
        f"{client.name} 于 {day:%Y-%m-%d %H:%M} 开户核查命中断卡惩戒名单"
        f"（身份证号 {mask_id_number(person.id_number)}，惩戒至 {person.ends_on:%Y-%m-%d}）。"
        f"列入原因：{person.reason}"
    )
    data = ClueIn(
        kind=Kind.PERSON,
        value=person.name,
        summary=summary[:2000],
        node_code=None if person.case_id is not None else node.code,
        case_id=person.case_id,
        source_id=f"punished/{person.id}/{day:%Y%m%d}",
    )
    return clues.clue_from_source(session, ClueSource.CARD_CHECK, data, system_principal(name="断卡核查"))

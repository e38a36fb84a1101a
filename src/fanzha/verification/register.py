"""The register of official outgoing numbers and SMS sender ids, and its public lookup.

The centre and its units enter their own numbers (96110 seat lines, station landlines, the
12381 sender); the national list the detector ships (110, banks' 955xx) answers too. The
detector reads the register through ``whitelist`` (named in this capability's descriptor).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core.errors import Conflict, NotFound, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.detect.entities import normalize_phone
from fanzha.detect.reputation import official
from fanzha.detect.service import forget_detector
from fanzha.jurisdiction import service as jurisdiction
from fanzha.verification import repository as repo
from fanzha.verification.models import OfficialNumber
from fanzha.verification.schemas import NumberIn

KIND_LABELS = {"phone": "来电号码", "sms_sender": "短信发送号码"}


@dataclass(frozen=True)
class NumberAnswer:
    official: bool
    number: str
    message: str


def normalise_number(text: str, field: str = "number") -> str:
    """Digits only (an optional leading + kept for other countries); "0791-8666 0110" → 079186660110."""
    value = normalize_phone(text)
    if not 3 <= len(value.lstrip("+")) <= 20:
        raise ValidationFailed.on(field, "号码应为 3 到 20 位数字，例如 96110 或 0791-86660110")
    return value


def add_number(session: Session, data: NumberIn, actor: Principal) -> OfficialNumber:
    """Register a number for a unit within the actor's part of the tree; audited."""
    actor.require(Perm.ADMIN_SETTINGS)
    number = normalise_number(data.number)
    node = jurisdiction.node_in_scope(session, data.node_code, actor.scope_path)
    if repo.number(session, number) is not None:
        raise Conflict(f"号码 {number} 已登记，请勿重复添加")
    row = OfficialNumber(
        number=number,
        kind=data.kind,
        owner=data.owner,
        node_path=node.path,
        note=data.note,
        created_by=actor.actor,
    )
    session.add(row)
    session.flush()
    after = {"number": number, "kind": data.kind, "owner": data.owner, "node": node.code}
    audit.record(session, actor.actor, "verification.number_add", "official_number", row.id, None, after)
    forget_detector()  # vouched for at once in this process, in the others within a minute
    return row


def remove_number(session: Session, number_id: int, actor: Principal) -> None:
    actor.require(Perm.ADMIN_SETTINGS)
    row = session.get(OfficialNumber, number_id)
    if row is None or not actor.sees(row.node_path):
        raise NotFound("号码不存在或不在您的管辖范围内")
    before = {"number": row.number, "owner": row.owner}
    session.delete(row)
    session.flush()
    audit.record(
        session, actor.actor, "verification.number_remove", "official_number", number_id, before, None
    )
    forget_detector()  # a number no longer official stops being vouched for at once here


def list_numbers(session: Session, actor: Principal) -> Sequence[OfficialNumber]:
    return repo.numbers_within(session, actor.scope_path)


def lookup(session: Session, text: str) -> NumberAnswer:
    """Whose number this is, from the register, else the national list; or that it is not official."""
    number = normalise_number(text)
    row = repo.number(session, number)
    if row is not None:
        label = KIND_LABELS.get(row.kind, "号码")
        return NumberAnswer(True, number, f"{number} 是{row.owner}的官方{label}")
    national = official().whitelist.get(number)
    if national is not None:
        return NumberAnswer(True, number, f"{number} 是{national}的官方号码")
    return NumberAnswer(
        False, number, f"{number} 不是登记的官方号码：对方自称公安、银行或客服的，请挂断后拨打 96110 核实"
    )


def whitelist(session: Session) -> list[tuple[str, str]]:
    """(number, owner) pairs for the detector: a message quoting these numbers is more likely genuine."""
    return list(repo.all_numbers(session))

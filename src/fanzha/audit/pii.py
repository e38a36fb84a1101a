"""Personal data leaves the server masked unless a permitted person asks; that read is audited."""

from collections.abc import Callable, Mapping
from enum import StrEnum

from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core.masking import (
    mask_address,
    mask_card,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_route_reason,
)
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm


class PiiKind(StrEnum):
    NAME = "name"
    PHONE = "phone"
    ID_NUMBER = "id_number"
    CARD = "card"
    ADDRESS = "address"
    ROUTE_REASON = "route_reason"  # quotes the address or phone it was routed by


MASKERS: dict[PiiKind, Callable[[str | None], str | None]] = {
    PiiKind.NAME: mask_name,
    PiiKind.PHONE: mask_phone,
    PiiKind.ID_NUMBER: mask_id_number,
    PiiKind.CARD: mask_card,
    PiiKind.ADDRESS: mask_address,
    PiiKind.ROUTE_REASON: mask_route_reason,
}


# Identifier kinds (clues' and cases' names for a suspect's trace) that are personal data.
IDENTIFIER_PII: dict[str, PiiKind] = {
    "phone": PiiKind.PHONE,
    "bank_account": PiiKind.CARD,
    "person": PiiKind.NAME,
    "den": PiiKind.ADDRESS,
}


def masked(values: Mapping[str, tuple[PiiKind, str | None]]) -> dict[str, str | None]:
    return {field: MASKERS[kind](value) for field, (kind, value) in values.items()}


def present(
    session: Session,
    principal: Principal,
    object_type: str,
    object_id: str | int,
    values: Mapping[str, tuple[PiiKind, str | None]],
    reveal: bool,
    node_path: str | None,
) -> dict[str, str | None]:
    """Masked values, or — for a permitted principal who asked — the full ones, audited."""
    if not reveal:
        return masked(values)
    principal.require(Perm.PII_REVEAL)
    shown = sorted(f for f, (_, v) in values.items() if v)
    after = {"fields": shown}
    audit.record(session, principal.actor, "pii.reveal", object_type, object_id, None, after, node_path)
    return {field: value for field, (_, value) in values.items()}

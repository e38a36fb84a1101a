"""Queries on the verification tables."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.core.scope import within
from fanzha.verification.models import CodeLookup, ContactCode, OfficialNumber


def live_code(session: Session, code_hash: str, now: datetime) -> ContactCode | None:
    """The unexpired contact with this code hash: one index probe, hit or miss alike."""
    query = select(ContactCode).where(ContactCode.code_hash == code_hash, ContactCode.expires_at > now)
    return session.scalars(query.limit(1)).first()


def codes_for_warning(session: Session, warning_id: int) -> Sequence[ContactCode]:
    query = select(ContactCode).where(ContactCode.warning_id == warning_id)
    return session.scalars(query.order_by(ContactCode.contacted_at.desc(), ContactCode.id.desc())).all()


def lookup_times(session: Session, code_ids: Sequence[int]) -> dict[int, list[datetime]]:
    """When each contact's code was looked up, oldest first."""
    if not code_ids:
        return {}
    rows = session.execute(
        select(CodeLookup.code_id, CodeLookup.at)
        .where(CodeLookup.code_id.in_(code_ids))
        .order_by(CodeLookup.at, CodeLookup.id)
    )
    found: dict[int, list[datetime]] = {}
    for code_id, at in rows:
        if code_id is not None:
            found.setdefault(code_id, []).append(at)
    return found


def number(session: Session, value: str) -> OfficialNumber | None:
    return session.scalars(select(OfficialNumber).where(OfficialNumber.number == value)).first()


def numbers_within(session: Session, path: str) -> Sequence[OfficialNumber]:
    query = select(OfficialNumber).where(within(OfficialNumber.node_path, path))
    return session.scalars(query.order_by(OfficialNumber.node_path, OfficialNumber.number)).all()


def all_numbers(session: Session) -> Sequence[tuple[str, str]]:
    rows = session.execute(select(OfficialNumber.number, OfficialNumber.owner))
    return [(n, o) for n, o in rows]

"""Writing and verifying the audit chain."""

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.core.timeutil import as_utc, utcnow

GENESIS = "0" * 64
# Arbitrary constant naming the PostgreSQL advisory lock that serialises chain appends.
_CHAIN_LOCK = 0x46_5A_41_55

Change = tuple[str | int, dict[str, Any] | None, dict[str, Any] | None]


def _plain(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Decimals and datetimes become strings, so what is stored is exactly what was hashed."""
    if value is None:
        return None
    result: dict[str, Any] = json.loads(json.dumps(value, default=str, ensure_ascii=False))
    return result


def entry_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> str:
    payload = [prev_hash, as_utc(at).isoformat(), actor, action, object_type, object_id, before, after]
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _last_hash(session: Session) -> str:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    last = session.scalars(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return last or GENESIS


def record_many(
    session: Session, actor: str, action: str, object_type: str, changes: Sequence[Change]
) -> None:
    """Append one entry per change, in order, in the caller's transaction."""
    if not changes:
        return
    session.flush()
    prev = _last_hash(session)
    at = utcnow()
    rows = []
    for object_id, before, after in changes:
        b, a, oid = _plain(before), _plain(after), str(object_id)
        h = entry_hash(prev, at, actor, action, object_type, oid, b, a)
        rows.append(
            {
                "at": at,
                "actor": actor,
                "action": action,
                "object_type": object_type,
                "object_id": oid,
                "before": b,
                "after": a,
                "prev_hash": prev,
                "hash": h,
            }
        )
        prev = h
    session.execute(insert(AuditEntry), rows)


def record(
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    record_many(session, actor, action, object_type, [(object_id, before, after)])


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _stream(session: Session) -> Iterator[AuditEntry]:
    return iter(session.scalars(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)))


def verify_chain(session: Session) -> ChainReport:
    prev = GENESIS
    checked = 0
    for row in _stream(session):
        if row.prev_hash != prev:
            return ChainReport(checked, row.id, "link broken: the row before it was deleted or altered")
        expected = entry_hash(
            row.prev_hash,
            row.at,
            row.actor,
            row.action,
            row.object_type,
            row.object_id,
            row.before,
            row.after,
        )
        if row.hash != expected:
            return ChainReport(checked, row.id, "row content does not match its hash: altered")
        prev = row.hash
        checked += 1
    return ChainReport(checked, None, None)


def entries_for(session: Session, object_type: str, object_id: str, limit: int = 200) -> Sequence[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
        .order_by(AuditEntry.id)
        .limit(limit)
    )
    return session.scalars(stmt).all()

"""Writing and verifying the audit chain."""

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, event, insert, select, text
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.util import find_tables

from fanzha.audit.models import AuditEntry
from fanzha.core.principal import Principal
from fanzha.core.scope import within
from fanzha.core.timeutil import as_utc, utcnow

GENESIS = "0" * 64
# Arbitrary constant naming the PostgreSQL advisory lock that serialises chain appends.
_CHAIN_LOCK = 0x46_5A_41_55

Change = tuple[str | int, dict[str, Any] | None, dict[str, Any] | None]
PlacedChange = tuple[str | int, dict[str, Any] | None, dict[str, Any] | None, str | None]


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
    node_path: str | None = None,
) -> str:
    payload: list[Any] = [
        prev_hash,
        as_utc(at).isoformat(),
        actor,
        action,
        object_type,
        object_id,
        before,
        after,
    ]
    if node_path is not None:  # entries without a place hash as they did before the column existed
        payload.append(node_path)
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


# The chain lock waits at most this long; a waiter then fails with a clear 503 instead of
# hanging (see core.errors: a database lock timeout is "busy, try again").
_LOCK_TIMEOUT = "5s"
# session.info key: entries recorded in this transaction, appended to the chain at commit.
_PENDING = "fanzha_audit_pending"


@dataclass(frozen=True)
class _Pending:
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    node_path: str | None
    savepoint: SessionTransaction | None  # the innermost savepoint it was recorded in


# One round trip: the timeout is set before the lock is asked for (a SELECT list is evaluated
# in order), for this transaction only (set_config's is_local, as SET LOCAL).
_TAKE_CHAIN_LOCK = text(
    f"SELECT set_config('lock_timeout', '{_LOCK_TIMEOUT}', true), pg_advisory_xact_lock({_CHAIN_LOCK})"
)
_LAST_HASH = select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)  # built once: it never varies
_INSERT_ENTRIES = insert(AuditEntry)  # likewise: every commit with entries runs it


def _last_hash(session: Session) -> str:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_TAKE_CHAIN_LOCK)
    last = session.scalars(_LAST_HASH).first()
    return last or GENESIS


def record_many(
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    changes: Sequence[Change],
    node_path: str | None = None,
) -> None:
    """Record one entry per change, in order, in the caller's transaction; ``node_path`` is where
    the records sit in the tree (readers outside that subtree do not see the entries)."""
    record_placed(session, actor, action, object_type, [(i, b, a, node_path) for i, b, a in changes])


def record_placed(
    session: Session, actor: str, action: str, object_type: str, changes: Sequence[PlacedChange]
) -> None:
    """Like ``record_many``, for records in different places: (id, before, after, node path).

    The entries join the chain when the transaction commits (or when it reads the audit table
    first): the chain's lock is then held only for the insert and the commit, in one thread,
    instead of from the service call through the rest of the request."""
    at = utcnow()
    savepoint = session.get_nested_transaction()
    pending: list[_Pending] = session.info.setdefault(_PENDING, [])
    for object_id, before, after, node_path in changes:
        entry = _Pending(
            at,
            actor,
            action,
            object_type,
            str(object_id),
            _plain(before),
            _plain(after),
            node_path,
            savepoint,
        )
        pending.append(entry)


def append_pending(session: Session) -> None:
    """Append the transaction's recorded entries to the chain, under the chain's lock."""
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    prev = _last_hash(session)
    rows = []
    for p in pending:
        h = entry_hash(
            prev, p.at, p.actor, p.action, p.object_type, p.object_id, p.before, p.after, p.node_path
        )
        rows.append(
            {
                "at": p.at,
                "actor": p.actor,
                "action": p.action,
                "object_type": p.object_type,
                "object_id": p.object_id,
                "before": p.before,
                "after": p.after,
                "node_path": p.node_path,
                "prev_hash": prev,
                "hash": h,
            }
        )
        prev = h
    # Through the transaction's connection, not the ORM's bulk insert: the entries are plain
    # rows, and the ORM's per-row bookkeeping cost more than the insert in a batch's commit.
    session.connection().execute(_INSERT_ENTRIES, rows)


@event.listens_for(Session, "before_commit")
def _append_on_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release is not the commit
        append_pending(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, rolled_back: SessionTransaction) -> None:
    """A rolled-back transaction or savepoint takes the entries recorded inside it along."""
    pending: list[_Pending] | None = session.info.get(_PENDING)
    if pending:
        pending[:] = [p for p in pending if not _inside(p.savepoint, rolled_back)]


@event.listens_for(Session, "after_transaction_end")
def _forget_on_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # closed without commit or rollback: nothing outlives it
        session.info.pop(_PENDING, None)


def _inside(savepoint: SessionTransaction | None, rolled_back: SessionTransaction) -> bool:
    if not rolled_back.nested:
        return True
    while savepoint is not None:
        if savepoint is rolled_back:
            return True
        savepoint = savepoint.parent
    return False


@event.listens_for(Session, "do_orm_execute")
def _append_before_reading_audit(state: ORMExecuteState) -> None:
    """A transaction that reads the audit table sees the entries it recorded."""
    if state.is_select and state.session.info.get(_PENDING) and _reads_audit(state.statement):
        append_pending(state.session)


def _reads_audit(statement: Executable) -> bool:
    if not isinstance(statement, ClauseElement):
        return False
    return AuditEntry.__table__ in find_tables(statement, include_selects=True, include_aliases=True)


def record(
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    node_path: str | None = None,
) -> None:
    record_many(session, actor, action, object_type, [(object_id, before, after)], node_path)


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
            row.node_path,
        )
        if row.hash != expected:
            return ChainReport(checked, row.id, "row content does not match its hash: altered")
        prev = row.hash
        checked += 1
    return ChainReport(checked, None, None)


def readable(principal: Principal) -> Select[AuditEntry]:
    """The entries ``principal`` may read: the centre (the whole city) reads all of them, anyone
    else only those about records in their subtree."""
    stmt = select(AuditEntry)
    if principal.scope_path.count("/") > 2:  # below the city: "/city/district/…"
        stmt = stmt.where(within(AuditEntry.node_path, principal.scope_path))
    return stmt


def _of(stmt: Select[AuditEntry], object_type: str, object_id: str) -> Select[AuditEntry]:
    where = stmt.where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
    return where.order_by(AuditEntry.id).limit(200)


def entries_for(
    session: Session, principal: Principal, object_type: str, object_id: str
) -> Sequence[AuditEntry]:
    """An object's entries, as far as the reader's subtree holds them (the audit API)."""
    return session.scalars(_of(readable(principal), object_type, object_id)).all()


def history_of(session: Session, object_type: str, object_id: str) -> Sequence[AuditEntry]:
    """A record's whole history, for a page that has just read the record through its own
    capability's scoped door (so the reader may see it, and all that happened to it)."""
    return session.scalars(_of(select(AuditEntry), object_type, object_id)).all()

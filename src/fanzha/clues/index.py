"""The incremental series index: a persisted component table updated as each record is indexed.

Every record and non-hub identifier carries the id of its series. Indexing a record looks up
its identifiers' series: none → a new series; one → it joins; several → the largest survives and
the others' rows are relabelled to it (union by size, so a row is relabelled O(log n) times over
the index's life), and each merge is kept with the identifiers that bridged it. Hubs (official
numbers, or identifiers named by more than ``series_hub_degree`` records) link nothing.

On PostgreSQL the index's writers are serialised by one transaction-scoped advisory lock, taken
before a writer reads anything of the index: two transactions bridging the same series would
otherwise each relabel from what they read before the other committed (a record left in an
absorbed series, a count lost). Readers never wait; SQLite serialises writers by itself.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, make_transient_to_detached

from fanzha.clues.models import (
    IdentifierLink,
    RecordKind,
    Series,
    SeriesIdentifier,
    SeriesMerge,
    SeriesRecord,
)
from fanzha.clues.normalise import LINKING, kind_of, normalise
from fanzha.core.bulk import insert_new_rows
from fanzha.core.config import get_settings
from fanzha.detect import service as detect

SERIES_LOCK = 0x73657269  # advisory lock key ("seri"): one writer of the series index at a time


def lock_index(session: Session) -> None:
    """Take the index's write lock for the rest of this transaction (PostgreSQL; once per
    transaction). Everything the writer then reads is what the last writer committed."""
    if session.get_bind().dialect.name != "postgresql":
        return
    current = session.get_transaction()
    if current is not None and session.info.get("series_lock") is current:
        return
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SERIES_LOCK})
    session.info["series_lock"] = session.get_transaction()


@dataclass(frozen=True)
class Indexable:
    """A record of any capability as the index needs it; identifiers as (kind, as written)."""

    kind: RecordKind
    record_id: int
    label: str
    node_path: str
    occurred_at: datetime | None
    amount: Decimal | None
    identifiers: tuple[tuple[str, str], ...]


def hub_reason(cap: int) -> str:
    return f"出现在超过 {cap} 条记录中"


def linking_forms(identifiers: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(kind, normal form) → the first way it was written, for the kinds that link."""
    forms: dict[tuple[str, str], str] = {}
    for kind, raw in identifiers:
        k = kind_of(kind)
        if k is None or k not in LINKING:
            continue
        value = normalise(k, raw)
        if value:
            forms.setdefault((k.value, value[:300]), raw.strip()[:300])
    return forms


def _identifiers(session: Session, keys: Sequence[tuple[str, str]]) -> list[SeriesIdentifier]:
    """The identifier rows of ``keys``, created where missing (official ones born hubs)."""
    wanted = set(keys)

    def load() -> list[SeriesIdentifier]:
        # Both columns of the (kind, value) key: PostgreSQL cannot use that index on value alone.
        found = session.scalars(
            select(SeriesIdentifier).where(
                SeriesIdentifier.kind.in_({k for k, _ in keys}),
                SeriesIdentifier.value.in_({v for _, v in keys}),
            )
        )
        return [i for i in found if (i.kind, i.value) in wanted]

    rows = load()
    missing = wanted - {(i.kind, i.value) for i in rows}
    if not missing:
        return rows
    official = detect.official_owners(session, {v for k, v in missing if k in ("phone", "url")})
    new = [
        {"kind": k, "value": v, "degree": 0, "hub": v in official, "hub_reason": official.get(v)}
        for k, v in sorted(missing)
    ]
    insert_new_rows(session, SeriesIdentifier, new, ["kind", "value"])
    return load()


def record_row(item: Indexable, now: datetime) -> dict[str, Any]:
    """The ``series_records`` row of an item indexed at ``now``."""
    return {
        "kind": item.kind.value,
        "record_id": item.record_id,
        "label": item.label[:120],
        "node_path": item.node_path,
        "occurred_at": item.occurred_at,
        "amount": item.amount,
        "indexed_at": now,
    }


def _record_rows(
    session: Session, items: Sequence[Indexable], now: datetime
) -> tuple[list[SeriesRecord], dict[int, set[int]]]:
    """Each item's row (created where missing) and the identifiers each row already links."""
    wanted = {(i.kind.value, i.record_id) for i in items}
    ids = {r for _, r in wanted}
    found = session.scalars(
        select(SeriesRecord).where(
            SeriesRecord.kind.in_({k for k, _ in wanted}),
            SeriesRecord.record_id.in_(ids),
            # A batch's ids are consecutive (the feeds read records after a cursor). The bounds let
            # the unique index's range be the plan where PostgreSQL has no statistics on the table
            # (never analysed): it read every record of the kind instead, 27 ms a batch at 136,000.
            SeriesRecord.record_id.between(min(ids), max(ids)),
        )
    )
    rows = {(r.kind, r.record_id): r for r in found if (r.kind, r.record_id) in wanted}
    known: dict[int, set[int]] = {r.id: set() for r in rows.values()}
    if known:
        links = select(IdentifierLink.record_row_id, IdentifierLink.identifier_id)
        for row_id, ident_id in session.execute(links.where(IdentifierLink.record_row_id.in_(known))):
            known[row_id].add(ident_id)
    missing: dict[tuple[str, int], dict[str, Any]] = {}
    for item in items:  # an item given twice is indexed as first given
        if (key := (item.kind.value, item.record_id)) not in rows:
            missing.setdefault(key, record_row(item, now))
    new, keys = list(missing.values()), ["kind", "record_id"]
    inserted = insert_new_rows(session, SeriesRecord, new, keys, ["id", *keys])
    made = {(k, r): int(i) for i, k, r in inserted}
    for values in new:
        # Inserted set-based above and put in the session as if loaded: the ORM's own insert of
        # the batch's records, through a statement the driver parsed afresh for each batch size,
        # cost more than the rest of the index's work for a warning naming only hubs. A row a
        # bulk load (clues.bulk) put there first is missing from ``made``: the batch fails and
        # rolls back, as the ORM's insert failed on the unique key, and the next pass finds it.
        row = SeriesRecord(**values, id=made[(values["kind"], values["record_id"])], series_id=None)
        make_transient_to_detached(row)
        session.add(row)
        rows[(row.kind, row.record_id)] = row
        known[row.id] = set()
    return [rows[(i.kind.value, i.record_id)] for i in items], known


class _Labels:
    """Which series each record row and identifier of a batch belongs to, kept in memory until
    the batch ends: a new series is inserted with the others, not flushed on its own."""

    def __init__(self, session: Session, members: Iterable[SeriesRecord | SeriesIdentifier]) -> None:
        self.session = session
        self.of: dict[SeriesRecord | SeriesIdentifier, Series] = {}
        ids = {m.series_id for m in members if m.series_id is not None}
        found = session.scalars(select(Series).where(Series.id.in_(ids))).all() if ids else []
        self.loaded: dict[int, Series] = {s.id: s for s in found}

    def series(self, member: SeriesRecord | SeriesIdentifier) -> Series | None:
        if member in self.of:
            return self.of[member]
        if member.series_id is None:
            return None
        if member.series_id not in self.loaded:  # relabelled by a merge since the batch began
            self.loaded[member.series_id] = self.session.get_one(Series, member.series_id)
        return self.loaded[member.series_id]

    def settle(self) -> None:
        """Write the labels held in memory (new series get their ids here) and forget them."""
        self.session.flush()
        for member, series in self.of.items():
            member.series_id = series.id
        self.of.clear()
        self.session.flush()


def _merge(
    session: Session, row: SeriesRecord, linking: list[SeriesIdentifier], now: datetime
) -> tuple[Series, list[SeriesMerge]]:
    """The series ``row`` belongs to once its linking identifiers are joined; absorbed series
    are relabelled into the largest and each merge is recorded."""
    ids = {i.series_id for i in linking if i.series_id is not None}
    if row.series_id is not None:
        ids.add(row.series_id)
    found = session.scalars(select(Series).where(Series.id.in_(ids))).all()
    survivor = max(found, key=lambda s: (s.record_count, -s.id))
    absorbed = [s for s in found if s.id != survivor.id]
    anchor = next((i.id for i in linking if i.series_id == survivor.id), None)
    merges = [
        SeriesMerge(
            into_id=survivor.id,
            from_id=s.id,
            record_row_id=row.id,
            via_id=next((i.id for i in linking if i.series_id == s.id), None),
            anchor_id=anchor,
            at=now,
        )
        for s in absorbed
    ]
    gone = [s.id for s in absorbed]
    # "fetch": the rows changed come back by RETURNING; the default would test the criteria
    # against every object the batch holds in the session, a third of a batch's time.
    fetch = {"synchronize_session": "fetch"}
    session.execute(
        update(SeriesRecord).where(SeriesRecord.series_id.in_(gone)).values(series_id=survivor.id),
        execution_options=fetch,
    )
    session.execute(
        update(SeriesIdentifier).where(SeriesIdentifier.series_id.in_(gone)).values(series_id=survivor.id),
        execution_options=fetch,
    )
    session.execute(
        update(Series).where(Series.merged_into.in_(gone)).values(merged_into=survivor.id),
        execution_options=fetch,
    )
    for s in absorbed:
        s.merged_into = survivor.id
        survivor.record_count += s.record_count
        survivor.case_count += s.case_count
        s.record_count = s.case_count = 0
    session.add_all(merges)
    return survivor, merges


def _join(
    session: Session, labels: _Labels, row: SeriesRecord, linking: list[SeriesIdentifier], now: datetime
) -> list[SeriesMerge]:
    """Put ``row`` and its linking identifiers in one series: a new one, the one they share, or
    (they bridge several) the largest, the others merged into it."""
    members: list[SeriesRecord | SeriesIdentifier] = [row, *linking]
    found = {s for s in map(labels.series, members) if s is not None}
    merges: list[SeriesMerge] = []
    if not found:
        series = Series(created_at=now, updated_at=now, record_count=0, case_count=0)
        session.add(series)
    elif len(found) == 1:
        (series,) = found
    else:  # rare: the merge relabels rows outside the batch, so the batch's labels go in first
        labels.settle()
        series, merges = _merge(session, row, linking, now)
    if labels.series(row) is not series:
        series.record_count += 1
        series.case_count += int(row.kind == RecordKind.CASE.value)
        labels.of[row] = series
    for i in linking:
        labels.of[i] = series
    series.updated_at = now
    return merges


def index_records(session: Session, items: Sequence[Indexable], now: datetime) -> list[SeriesMerge]:
    """Add records (or the identifiers they gained) to the index in their order; returns the
    merges they caused. The result is that of indexing them one at a time, in a few statements a
    batch instead of several a record: the scheduler feeds every warning through here."""
    if not items:
        return []
    lock_index(session)
    forms = [linking_forms(item.identifiers) for item in items]
    rows, known = _record_rows(session, items, now)
    keys = sorted({key for f in forms for key in f})
    idents = {(i.kind, i.value): i for i in _identifiers(session, keys)} if keys else {}
    labels = _Labels(session, [*rows, *idents.values()])
    cap = get_settings().series_hub_degree
    links: list[dict[str, Any]] = []
    merges: list[SeriesMerge] = []
    for row, f in zip(rows, forms, strict=True):
        named = [idents[key] for key in sorted(f)]
        new = [i for i in named if i.id not in known[row.id]]
        if not new:
            continue
        links += [{"record_row_id": row.id, "identifier_id": i.id, "raw": f[(i.kind, i.value)]} for i in new]
        known[row.id].update(i.id for i in new)
        for i in new:
            i.degree += 1
            if not i.hub and i.degree > cap:
                i.hub, i.hub_reason = True, hub_reason(cap)
        linking = [i for i in named if not i.hub]
        if linking:
            merges += _join(session, labels, row, linking, now)
    insert_new_rows(session, IdentifierLink, links, ["record_row_id", "identifier_id"])
    labels.settle()
    return merges


def index_record(session: Session, item: Indexable, now: datetime) -> list[SeriesMerge]:
    """Add one record (or the identifiers it gained) to the index; returns the merges it caused."""
    return index_records(session, [item], now)

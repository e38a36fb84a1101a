"""Series (串并案) reads for pages, the API and other capabilities (operations/), and the index job.

Interface for other capabilities (docs/crackdown.md): ``list_series``, ``get_series``,
``series_for_case``, ``close_clues_for_series``. Every read is scoped: a series is visible to a
principal when one of its records lies in their subtree; its members outside that subtree are
listed by label and place only (``readable`` false) and open nowhere.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from fanzha.audit.pii import IDENTIFIER_PII, PiiKind, masked, present
from fanzha.cases import service as cases
from fanzha.cases.schemas import CaseForIndex
from fanzha.clues import repository as repo
from fanzha.clues import workflow
from fanzha.clues.index import Indexable, index_record, index_records, linking_forms, lock_index
from fanzha.clues.models import (
    ClueResult,
    ClueSource,
    RecordKind,
    Series,
    SeriesCursor,
    SeriesIdentifier,
    SeriesMerge,
    SeriesRecord,
)
from fanzha.clues.normalise import Kind, kind_of, normalise
from fanzha.clues.schemas import (
    ClueIn,
    IdentifierRef,
    MergeOut,
    SeriesBrief,
    SeriesDetail,
    SeriesEdge,
    SeriesIdentifierOut,
    SeriesLink,
    SeriesMember,
    SeriesQuery,
    SeriesTotals,
)
from fanzha.core.errors import NotFound
from fanzha.core.indexing import ForIndex
from fanzha.core.principal import Principal
from fanzha.core.scope import is_within
from fanzha.core.timeutil import utcnow
from fanzha.funds import service as funds
from fanzha.jurisdiction import service as tree
from fanzha.warnings import service as warnings

MEMBERS_SHOWN = 500
TOP_IDENTIFIERS = 3
INDEX_BATCH = 2000
SCHEDULED_INDEX_BATCH = 100  # records per transaction of the scheduler's pass on PostgreSQL
# On SQLite each transaction holds the one write lock that every request's write waits for: a batch
# of linked warnings takes about 1.5 ms a record there (bench_series_feed), so 20, not 100.
SQLITE_INDEX_BATCH = 20


Shown = Callable[[str, str], str]  # (identifier kind, value) → the value as shown


def _ref(i: SeriesIdentifier, shown: Shown) -> IdentifierRef:
    k = kind_of(i.kind)
    return IdentifierRef(
        id=i.id, kind=i.kind, kind_label=k.label if k else i.kind, value=shown(i.kind, i.value)
    )


def _pii(kind: str) -> PiiKind | None:
    k = kind_of(kind)
    return IDENTIFIER_PII.get(k) if k else None


def masked_value(kind: str, value: str) -> str:
    """An identifier as shown by default: a phone or account masked like on the clue page."""
    pii = _pii(kind)
    return value if pii is None else masked({"v": (pii, value)})["v"] or value


def identifier_ids(session: Session, values: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The index's identifier id of each (kind, value as written) it knows: another capability
    joins its own records to a series' identifiers (``"id:{id}"``) by id, not by masked value."""
    forms = {(k, v): next(iter(linking_forms([(k, v)])), None) for k, v in values}
    ids = repo.identifiers_by_form(session, {f for f in forms.values() if f is not None})
    return {kv: ids[f] for kv, f in forms.items() if f is not None and f in ids}


def _shown(
    session: Session, principal: Principal, series_id: int, values: Iterable[tuple[str, str]], reveal: bool
) -> Shown:
    """The series' identifiers as shown: masked (the clue page's policy), or — revealed by a
    permitted principal — whole, with one ``pii.reveal`` audit entry for the series."""
    if not reveal:
        return masked_value
    pairs = sorted({(k, v) for k, v in values if _pii(k) is not None})
    fields = {f"{k}#{n}": (pii, v) for n, (k, v) in enumerate(pairs) if (pii := _pii(k)) is not None}
    present(session, principal, "series", series_id, fields, reveal, None)
    return lambda kind, value: value


def _forms(text: str | None) -> set[tuple[str, str]]:
    """(kind, normal form) for each kind the text can be read as: the index's key, both columns."""
    if not text or not text.strip():
        return set()
    return {(k.value, f) for k in Kind if (f := normalise(k, text))}


def list_series(session: Session, principal: Principal, query: SeriesQuery) -> list[SeriesBrief]:
    """Series touching the principal's subtree with at least ``min_cases`` cases, largest first;
    ``identifier`` (any way of writing it) narrows to the series naming it."""
    found = repo.list_series(session, principal, query, _forms(query.identifier))
    ids = [s.id for s in found]
    totals = repo.totals(session, ids)
    top: dict[int, list[IdentifierRef]] = {}
    for i in repo.identifiers_of(session, ids):
        shown = top.setdefault(i.series_id or 0, [])
        if not i.hub and i.degree > 1 and len(shown) < TOP_IDENTIFIERS:
            shown.append(_ref(i, masked_value))
    return [
        SeriesBrief(
            id=s.id,
            record_count=s.record_count,
            case_count=s.case_count,
            loss_total=totals.get(s.id, (Decimal(0), None, None))[0],
            first_at=totals.get(s.id, (Decimal(0), None, None))[1],
            last_at=totals.get(s.id, (Decimal(0), None, None))[2],
            top_identifiers=top.get(s.id, []),
            updated_at=s.updated_at,
        )
        for s in found
    ]


def _series(session: Session, principal: Principal, series_id: int) -> Series:
    found = repo.live_series(session, principal, series_id)
    if found is None:
        raise NotFound("串并案不存在或不涉及您辖区的记录")
    return found


def _place_names(session: Session, paths: set[str]) -> dict[str, str]:
    nodes = tree.nodes_by_codes(session, sorted({p.strip("/").split("/")[-1] for p in paths}))
    return {p: (n.name if (n := nodes.get(p.strip("/").split("/")[-1])) else p) for p in paths}


def _merge_text(m: SeriesMerge, record: SeriesRecord | None, via: IdentifierRef | None) -> str:
    who = f"{RecordKind(record.kind).label} {record.label}" if record else "重算"
    bridge = f"经{via.kind_label} {via.value}" if via else "经共同标识"
    return f"{who} {bridge} 将串并案 #{m.from_id} 并入 #{m.into_id}"


def _merges(
    session: Session, series_id: int, idents: dict[int, SeriesIdentifier]
) -> tuple[list[SeriesMerge], dict[int, SeriesIdentifier]]:
    """The merges into the series, with every identifier they name."""
    merges = list(repo.merges_into(session, series_id))
    need = {i for m in merges for i in (m.via_id, m.anchor_id) if i is not None and i not in idents}
    return merges, {**idents, **repo.identifiers(session, sorted(need))}


def _merges_out(
    session: Session, merges: list[SeriesMerge], idents: dict[int, SeriesIdentifier], shown: Shown
) -> list[MergeOut]:
    records = repo.record_rows(session, sorted({m.record_row_id for m in merges if m.record_row_id}))
    out = []
    for m in merges:
        via = _ref(idents[m.via_id], shown) if m.via_id in idents else None
        anchor = _ref(idents[m.anchor_id], shown) if m.anchor_id in idents else None
        record = records.get(m.record_row_id or 0)
        out.append(
            MergeOut(
                at=m.at,
                from_id=m.from_id,
                into_id=m.into_id,
                record=record.label if record else None,
                via=via,
                anchor=anchor,
                text=_merge_text(m, record, via),
            )
        )
    return out


def get_series(session: Session, principal: Principal, series_id: int, reveal: bool = False) -> SeriesDetail:
    """A series with its members, identifiers (and which members name each), totals, graph
    edges and merge history; an absorbed series' id shows the series it was merged into.
    Phones and accounts are masked unless ``reveal`` (``pii.reveal``, audited once)."""
    series = _series(session, principal, series_id)
    rows = repo.members(session, series.id, MEMBERS_SHOWN)
    by_row = {r.id: r for r in rows}
    links = repo.links(session, list(by_row))
    idents = repo.identifiers(session, sorted({i for _, i, _ in links}))
    merges, named = _merges(session, series.id, idents)
    kind_of_ident = {i.id: i.kind for i in named.values()}
    values = [(i.kind, i.value) for i in named.values()]
    shown = _shown(
        session, principal, series.id, [*values, *((kind_of_ident[i], raw) for _, i, raw in links)], reveal
    )
    names = _place_names(session, {r.node_path for r in rows})
    named_by: dict[int, list[tuple[str, int]]] = {}
    for row_id, ident_id, _ in links:
        named_by.setdefault(ident_id, []).append((by_row[row_id].kind, by_row[row_id].record_id))
    cases_ = [r for r in rows if r.kind == RecordKind.CASE.value]
    times = [r.occurred_at for r in rows if r.occurred_at is not None]
    return SeriesDetail(
        id=series.id,
        totals=SeriesTotals(
            cases=series.case_count,
            records=series.record_count,
            losses=sum((r.amount or Decimal(0) for r in cases_), Decimal(0)),
            places=sorted({names[r.node_path] for r in cases_}),
            first_at=min(times, default=None),
            last_at=max(times, default=None),
        ),
        members=[
            SeriesMember(
                kind=RecordKind(r.kind),
                kind_label=RecordKind(r.kind).label,
                record_id=r.record_id,
                label=r.label,
                node_path=r.node_path,
                node_name=names[r.node_path],
                occurred_at=r.occurred_at,
                amount=r.amount,
                readable=is_within(r.node_path, principal.scope_path),
            )
            for r in rows
        ],
        identifiers=[
            SeriesIdentifierOut(
                **_ref(i, shown).model_dump(),
                degree=i.degree,
                hub=i.hub,
                hub_reason=i.hub_reason,
                records=named_by.get(i.id, []),
            )
            for i in sorted(idents.values(), key=lambda i: (-len(named_by.get(i.id, [])), i.id))
        ],
        edges=[
            SeriesEdge(
                source=f"{by_row[r].kind}:{by_row[r].record_id}",
                target=f"id:{i}",
                raw=shown(kind_of_ident[i], raw),
            )
            for r, i, raw in links
        ],
        merges=_merges_out(session, merges, named, shown),
    )


def case_item(c: CaseForIndex) -> Indexable:
    return Indexable(
        kind=RecordKind.CASE,
        record_id=c.id,
        label=c.case_no,
        node_path=c.node_path,
        occurred_at=c.occurred_at,
        amount=c.loss_amount,
        identifiers=tuple((i.kind, i.value) for i in c.identifiers),
    )


def _records(session: Session, kind: RecordKind, records: Sequence[ForIndex]) -> list[Indexable]:
    """Records as the index takes them; one that belongs to a case names that case's identifiers
    too, so it lies in the case's series (a traced account bridges its case to others naming it)."""
    ids = sorted({r.case_id for r in records if r.case_id is not None})
    of_case = {
        c.id: tuple((i.kind, i.value) for i in c.identifiers)
        for c in (cases.cases_for_index(session, ids=ids) if ids else [])
    }
    return [
        Indexable(
            kind,
            r.id,
            r.label,
            r.node_path,
            r.occurred_at,
            r.amount,
            r.identifiers + of_case.get(r.case_id or 0, ()),
        )
        for r in records
    ]


# Each record kind the index is fed, and the owning capability's read of its next records.
FEEDS: dict[RecordKind, Callable[[Session, int, int], list[Indexable]]] = {
    RecordKind.CASE: lambda s, after, n: [case_item(c) for c in cases.cases_for_index(s, after, n)],
    RecordKind.WARNING: lambda s, after, n: _records(
        s, RecordKind.WARNING, warnings.warnings_for_index(s, after, n)
    ),
    RecordKind.FUND_REQUEST: lambda s, after, n: _records(
        s, RecordKind.FUND_REQUEST, funds.requests_for_index(s, after, n)
    ),
}


def index_new(
    session: Session, kind: RecordKind, now: datetime, batch: int = INDEX_BATCH, upto: int | None = None
) -> int:
    """Index the records of ``kind`` registered since its cursor, ``batch`` at a time (all of
    them up to record ``upto`` when given); returns how many were read. The scheduler's job and
    on-demand reads share it, so the index never skips a record."""
    # The lock before the cursor: a second server process's pass waits here and then reads the
    # cursor the first advanced. Read before the lock, both indexed the same batch, the second
    # finding every row there and reading all their links again (PostgreSQL; SQLite's writers
    # begin with the write lock).
    lock_index(session)
    cursor = session.get(SeriesCursor, kind.value)
    if cursor is None:
        cursor = SeriesCursor(kind=kind.value, last_id=0)
        session.add(cursor)
    done = 0
    while True:
        items = FEEDS[kind](session, cursor.last_id, batch)
        if upto is not None:
            items = [i for i in items if i.record_id <= upto]
        if not items:
            break
        index_records(session, items, now)
        cursor.last_id, done = items[-1].record_id, done + len(items)
        if upto is None or cursor.last_id >= upto:
            break
    session.flush()
    return done


@dataclass(frozen=True)
class IndexBatch:
    indexed: int
    more: bool


def index_job(session: Session, now: datetime) -> IndexBatch:
    """Scheduler job: one short batch of each fed kind (cases, warnings, fund requests); the
    scheduler commits it and calls again while a batch came back full (``core.scheduler``), so a
    fresh city's backlog does not hold SQLite's write lock for its whole first pass."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    batch = SQLITE_INDEX_BATCH if sqlite else SCHEDULED_INDEX_BATCH
    done = [index_new(session, kind, now, batch=batch) for kind in FEEDS]
    return IndexBatch(sum(done), any(n == batch for n in done))


def index_new_cases(
    session: Session, now: datetime, batch: int = INDEX_BATCH, upto: int | None = None
) -> int:
    return index_new(session, RecordKind.CASE, now, batch, upto)


def index_new_records(session: Session, now: datetime) -> int:
    """One batch of each fed kind: what ``fanzha series index`` repeats until nothing is left."""
    return sum(index_new(session, kind, now) for kind in FEEDS)


def series_for_case(session: Session, principal: Principal, case_id: int) -> list[SeriesLink]:
    """Which series a case joins and through which of its identifiers; the case is indexed first
    if the index has not reached it yet, so a new case shows its series at once."""
    cases.get_case(session, case_id, principal)
    row = repo.record_row(session, RecordKind.CASE, case_id)
    if row is None:
        index_new_cases(session, utcnow(), upto=case_id)
        row = repo.record_row(session, RecordKind.CASE, case_id)
    if row is None or row.series_id is None:
        return []
    series = session.get(Series, row.series_id)
    assert series is not None
    links = repo.links(session, [row.id])
    idents = repo.identifiers(session, [i for _, i, _ in links])
    via = [
        _ref(i, masked_value)
        for i in sorted(idents.values(), key=lambda i: i.id)
        if not i.hub and i.series_id == series.id and i.degree > 1
    ]
    others = series.record_count - 1
    text = (
        f"经 {'、'.join(v.value for v in via)} 与另外 {others} 条记录串并"
        if via and others
        else "暂无与其他记录共同的标识"
    )
    return [
        SeriesLink(
            series_id=series.id,
            case_count=series.case_count,
            record_count=series.record_count,
            via=via,
            text=text,
        )
    ]


def index_traced_accounts(
    session: Session, principal: Principal, case_id: int, accounts: Sequence[str]
) -> None:
    """Accounts a trace from a case's money reached, into the series index as the case's one
    ``traced_account`` record (its id is the case's; a later trace adds what it newly reaches).
    It names the case's identifiers too, so it lies in the case's series, and an account reached
    from two cases' money joins their series."""
    cases.get_case(session, case_id, principal)
    (case,) = cases.cases_for_index(session, ids=[case_id])
    named = tuple((i.kind, i.value) for i in case.identifiers)
    item = Indexable(
        kind=RecordKind.TRACED_ACCOUNT,
        record_id=case.id,
        label=f"{case.case_no} 资金流向",
        node_path=case.node_path,
        occurred_at=case.occurred_at,
        amount=None,
        identifiers=tuple((Kind.BANK_ACCOUNT.value, a) for a in accounts) + named,
    )
    index_record(session, item, utcnow())


def clue_from_source(session: Session, source: ClueSource, data: ClueIn, principal: Principal) -> int:
    """A clue from another capability's finding (a 断卡 check's hit, …), routed like every clue
    (its node, else its case's node, else its identifier's place); idempotent on (``source``,
    ``data.source_id``): a repeat answers the clue registered first. Returns the clue's id."""
    report = workflow.intake(session, [(1, data)], principal, source)
    return (report.created or report.existing)[0]


def close_clues_for_series(
    session: Session, principal: Principal, series_id: int, result: ClueResult, note: str
) -> list[int]:
    """Close every open clue of the series inside the principal's subtree with ``result`` (an
    operation's outcome); each closure is a timeline step and an audit entry. Returns their ids."""
    series = _series(session, principal, series_id)
    return workflow.close_in_series(session, principal, series.id, result, note)

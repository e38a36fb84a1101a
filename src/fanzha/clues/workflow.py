"""The clue workflow: 研判 → 落地核查 → result, with a deadline per level, every step a timeline
row and an audit entry. Where a clue is worked: the node given, else its case's, else the place
its identifier routes to (the warnings' gazetteer), else the creator's own node."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.audit.pii import IDENTIFIER_PII, PiiKind, present
from fanzha.cases import service as cases
from fanzha.clues import repository as repo
from fanzha.clues.index import Indexable, index_record
from fanzha.clues.models import Clue, ClueAction, ClueLevel, ClueResult, ClueSource, ClueState, RecordKind
from fanzha.clues.normalise import Kind, normalise
from fanzha.clues.schemas import ClueAction as ActionOut
from fanzha.clues.schemas import ClueIn, ClueOut, ClueQuery, IntakeReport, JudgeIn, RerouteIn, ResultIn
from fanzha.core.config import get_settings
from fanzha.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.tabular import refuse, row_field
from fanzha.core.timeutil import utcnow
from fanzha.jurisdiction import service as tree
from fanzha.jurisdiction.models import Node
from fanzha.warnings import service as warnings

S = ClueState
# (from state, move) → to state; anything else is refused with the moves that are allowed.
MOVES: dict[tuple[ClueState, str], ClueState] = {
    (S.JUDGING, "judge"): S.VERIFYING,
    (S.VERIFYING, "result"): S.CLOSED,
    (S.CLOSED, "reopen"): S.VERIFYING,
    (S.JUDGING, "reroute"): S.JUDGING,
    (S.VERIFYING, "reroute"): S.VERIFYING,
}
MOVE_LABELS = {"judge": "研判", "result": "记录核查结果", "reopen": "重新核查", "reroute": "改派"}


def _next(clue: Clue, move: str) -> ClueState:
    state = ClueState(clue.state)
    target = MOVES.get((state, move))
    if target is None:
        allowed = "、".join(MOVE_LABELS[m] for (s, m) in MOVES if s == state) or "无"
        raise Conflict(f"线索当前状态为“{state.label}”，不能{MOVE_LABELS[move]}（可执行：{allowed}）")
    return target


def due_at(level: str, start: datetime) -> datetime:
    return start + timedelta(hours=get_settings().clues_due_hours[level])


def _node_for(session: Session, data: ClueIn, principal: Principal) -> Node:
    if data.node_code:
        return tree.node_in_scope(session, data.node_code, principal.scope_path)
    if data.case_id is not None:
        return cases.get_case(session, data.case_id, principal).node
    located, _ = warnings.locate(
        session,
        data.value if data.kind is Kind.DEN else None,
        data.value if data.kind is Kind.PHONE else None,
    )
    path = located if located and principal.sees(located) else principal.scope_path
    node = tree.nodes_by_codes(session, [path.strip("/").split("/")[-1]]).get(path.strip("/").split("/")[-1])
    if node is None:
        raise ValidationFailed.on("node_code", "无法确定线索的核查单位，请填写辖区节点")
    return node


def _step(session: Session, clue: Clue, kind: str, note: str, actor: Principal, now: datetime) -> None:
    session.add(ClueAction(clue_id=clue.id, kind=kind, note=note, actor=actor.actor, at=now))


def _index(session: Session, clue: Clue, now: datetime) -> None:
    item = Indexable(
        kind=RecordKind.CLUE,
        record_id=clue.id,
        label=f"线索 #{clue.id}",
        node_path=clue.node_path,
        occurred_at=clue.created_at,
        amount=None,
        identifiers=((clue.kind, clue.value),),
    )
    index_record(session, item, now)


def create_clue(
    session: Session,
    data: ClueIn,
    principal: Principal,
    source: ClueSource = ClueSource.ANALYST,
    now: datetime | None = None,
) -> Clue:
    """Register one clue, routed to the unit working its node, due by its level; indexed into
    the series graph at once. ``now``: when it came in (the demo's history; default: now)."""
    node = _node_for(session, data, principal)
    now = now or utcnow()
    clue = Clue(
        source=source.value,
        source_id=data.source_id,
        kind=data.kind.value,
        value=data.value.strip(),
        norm=normalise(data.kind, data.value)[:300],
        level=data.level.value,
        summary=data.summary,
        node_id=node.id,
        node_path=node.path,
        unit_id=tree.working_units(session, [node.path]).unit_for(node.path),
        case_id=data.case_id,
        state=S.JUDGING.value,
        created_at=now,
        created_by=principal.actor,
        due_at=due_at(data.level.value, now),
    )
    session.add(clue)
    session.flush()
    _step(session, clue, "create", f"{source.label}，{data.level.label}", principal, now)
    after = {"source": clue.source, "kind": clue.kind, "level": clue.level, "node_path": clue.node_path}
    audit.record(session, principal.actor, "clue.create", "clue", clue.id, None, after)
    _index(session, clue, now)
    return clue


def register(session: Session, data: ClueIn, principal: Principal) -> tuple[Clue, bool]:
    """An analyst's clue, and whether it is new: a ``source_id`` already registered by an analyst
    answers with that clue instead (its entry said a resend registers once), or with a conflict
    when the reader's subtree does not hold it. Two requests sending one id at once: the second
    waits on the first's lock and then finds its clue."""
    source = ClueSource.ANALYST.value
    if data.source_id:
        repo.lock_source_ids(session, source, [data.source_id])
        known = repo.by_source_ids(session, source, [data.source_id]).get(data.source_id)
        if known is not None:
            clue = repo.clue(session, principal, known)
            if clue is None:
                raise Conflict(f"来源编号 {data.source_id} 已登记过线索，请勿重复录入")
            return clue, False
    return create_clue(session, data, principal), True


def _refusals(
    session: Session, items: Sequence[tuple[int, ClueIn]], principal: Principal, labels: dict[str, str] | None
) -> list[FieldError]:
    """What stops a batch: a node that does not exist or lies outside the principal's subtree.
    Named ``第3行.辖区编码`` for a file (``labels`` given), ``第3条.node_code`` for an API batch."""
    codes = sorted({i.node_code for _, i in items if i.node_code})
    nodes = tree.nodes_by_codes(session, codes)
    errors = []
    for n, item in items:
        if not item.node_code:
            continue
        node = nodes.get(item.node_code)
        where = row_field(n, labels["node_code"]) if labels else f"第{n}条.node_code"
        if node is None:
            errors.append(FieldError(where, f"辖区节点 {item.node_code} 不存在"))
        elif not principal.sees(node.path):
            errors.append(FieldError(where, f"辖区节点 {item.node_code} 不在您的管辖范围内"))
    return errors


def intake(
    session: Session,
    items: Sequence[tuple[int, ClueIn]],
    principal: Principal,
    source: ClueSource,
    labels: dict[str, str] | None = None,
) -> IntakeReport:
    """Create the clues not seen before; a resent ``source_id`` returns the existing clue's id.
    Items come numbered (row or position); a bad item refuses the whole batch (nothing half-written)."""
    errors = _refusals(session, items, principal, labels)
    if errors:
        raise (
            refuse(errors) if labels else ValidationFailed(f"{errors[0].field}：{errors[0].message}", errors)
        )
    source_ids = [i.source_id for _, i in items if i.source_id]
    repo.lock_source_ids(session, source.value, source_ids)
    known = repo.by_source_ids(session, source.value, source_ids)
    report = IntakeReport(created=[], existing=[])
    for _, item in items:
        if item.source_id and item.source_id in known:
            report.existing.append(known[item.source_id])
            continue
        clue = create_clue(session, item, principal, source)
        if item.source_id:
            known[item.source_id] = clue.id
        report.created.append(clue.id)
    return report


def get_clue(session: Session, clue_id: int, principal: Principal) -> Clue:
    clue = repo.clue(session, principal, clue_id)
    if clue is None:
        raise NotFound("线索不存在或不在您的管辖范围内")
    return clue


def _move(session: Session, clue: Clue, move: str, note: str, principal: Principal, now: datetime) -> None:
    before = {"state": clue.state}
    clue.state = _next(clue, move).value
    _step(session, clue, move, note, principal, now)
    session.flush()
    after = {"state": clue.state, "result": clue.result, "note": note}
    audit.record(session, principal.actor, f"clue.{move}", "clue", clue.id, before, after)


def judge(
    session: Session, clue_id: int, data: JudgeIn, principal: Principal, now: datetime | None = None
) -> Clue:
    """研判 done: the clue goes to 落地核查 with the analyst's reading of it."""
    clue = get_clue(session, clue_id, principal)
    now = now or utcnow()
    clue.judged_at = now
    _move(session, clue, "judge", data.note, principal, now)
    return clue


def _close(
    session: Session, clue: Clue, result: ClueResult, note: str, principal: Principal, now: datetime
) -> None:
    clue.result, clue.closed_at, clue.closed_by = result.value, now, principal.actor
    _move(session, clue, "result", f"{result.label}。{note}".rstrip("。"), principal, now)


def record_result(
    session: Session, clue_id: int, data: ResultIn, principal: Principal, now: datetime | None = None
) -> Clue:
    clue = get_clue(session, clue_id, principal)
    _close(session, clue, data.result, data.note, principal, now or utcnow())
    return clue


def reopen(session: Session, clue_id: int, data: JudgeIn, principal: Principal) -> Clue:
    clue = get_clue(session, clue_id, principal)
    clue.result = clue.closed_at = clue.closed_by = None
    _move(session, clue, "reopen", data.note, principal, utcnow())
    return clue


def reroute(session: Session, clue_id: int, data: RerouteIn, principal: Principal) -> Clue:
    """Send the clue to another node's unit (inside the principal's subtree)."""
    clue = get_clue(session, clue_id, principal)
    node = tree.node_in_scope(session, data.node_code, principal.scope_path)
    clue.node_id, clue.node_path = node.id, node.path
    clue.unit_id = tree.working_units(session, [node.path]).unit_for(node.path)
    _move(session, clue, "reroute", f"改派至 {node.name}。{data.note}".rstrip("。"), principal, utcnow())
    return clue


def close_in_series(
    session: Session, principal: Principal, series_id: int, result: ClueResult, note: str
) -> list[int]:
    now = utcnow()
    closed = []
    for clue in repo.clues(session, principal, ClueQuery(series_id=series_id, limit=500), now):
        if clue.state == S.CLOSED.value:
            continue
        if clue.state == S.JUDGING.value:
            clue.judged_at = now
            _move(session, clue, "judge", "收网行动统一核查", principal, now)
        _close(session, clue, result, note, principal, now)
        closed.append(clue.id)
    return closed


def list_clues(session: Session, principal: Principal, query: ClueQuery) -> Sequence[Clue]:
    """The queue: ``query.node_code`` narrows it to that node's subtree (inside the principal's)."""
    under = (
        tree.node_in_scope(session, query.node_code, principal.scope_path).path if query.node_code else None
    )
    return repo.clues(session, principal, query, utcnow(), under)


def to_out(
    session: Session, clue: Clue, principal: Principal, reveal: bool = False, timeline: bool = False
) -> ClueOut:
    """The clue as shown: a phone, card, name or address masked unless revealed (audited). A clue
    made from a case keys itself by the identifier (``case_no/kind/norm``): that key is masked too."""
    kind = Kind(clue.kind)
    pii = IDENTIFIER_PII.get(kind)
    value: str | None = clue.value
    source_id = clue.source_id
    if pii is not None:
        fields: dict[str, tuple[PiiKind, str | None]] = {"value": (pii, clue.value)}
        head, _, norm = (source_id or "").rpartition("/")
        keyed = clue.source == ClueSource.CASE and bool(head)
        if keyed:
            fields["source_id"] = (pii, norm)
        shown = present(session, principal, "clue", clue.id, fields, reveal, clue.node_path)
        value = shown["value"]
        if keyed:
            source_id = f"{head}/{shown['source_id']}"
    node = tree.nodes_by_ids(session, [clue.node_id])[clue.node_id]
    now = utcnow()
    return ClueOut(
        id=clue.id,
        source=clue.source,
        source_label=ClueSource(clue.source).label,
        source_id=source_id,
        kind=clue.kind,
        kind_label=kind.label,
        value=value,
        level=clue.level,
        level_label=ClueLevel(clue.level).label,
        summary=clue.summary,
        node_code=node.code,
        node_name=node.name,
        unit_id=clue.unit_id,
        case_id=clue.case_id,
        state=clue.state,
        state_label=ClueState(clue.state).label,
        result=clue.result,
        result_label=ClueResult(clue.result).label if clue.result else None,
        created_at=clue.created_at,
        created_by=clue.created_by,
        due_at=clue.due_at,
        overdue=clue.overdue_at is not None or (clue.closed_at is None and clue.due_at < now),
        escalated_at=clue.escalated_at,
        closed_at=clue.closed_at,
        timeline=[
            ActionOut(kind=a.kind, note=a.note, actor=a.actor, at=a.at)
            for a in repo.actions(session, clue.id)
        ]
        if timeline
        else [],
    )

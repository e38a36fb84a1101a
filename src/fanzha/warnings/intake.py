"""Intake of warnings, one or 10,000 at a time: validate, route in memory, insert set-based.

Idempotency rests on the unique constraint on (source, source_id): rows are inserted with
``ON CONFLICT DO NOTHING`` and the ones that already existed are read back, so two
connections sending the same instruction at once still yield one warning.
"""

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Table, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fanzha.accounts.service import on_duty_users
from fanzha.audit import service as audit
from fanzha.core.errors import ValidationFailed, field_errors
from fanzha.core.principal import Principal
from fanzha.core.timeutil import utcnow
from fanzha.jurisdiction.service import WorkingUnits, working_units
from fanzha.warnings.deadlines import Norms
from fanzha.warnings.models import EarlyWarning, Level, Source, WarningAction
from fanzha.warnings.routing import gazetteer
from fanzha.warnings.schemas import MAX_BATCH, BatchResult, ItemResult, WarningIn
from fanzha.warnings.statemachine import State

_CHUNK = 1000
AUTO_ASSIGN_ROLES = ("dissuader", "community_police", "grid_worker")


def _validate(
    items: Sequence[Mapping[str, Any] | WarningIn],
) -> tuple[list[tuple[int, WarningIn]], list[ItemResult]]:
    good: list[tuple[int, WarningIn]] = []
    bad: list[ItemResult] = []
    for i, raw in enumerate(items):
        if isinstance(raw, WarningIn):
            good.append((i, raw))
            continue
        try:
            good.append((i, WarningIn.model_validate(raw)))
        except ValidationError as exc:
            errors = [{"field": f.field, "message": f.message} for f in field_errors(exc.errors())]
            bad.append(ItemResult(index=i, status="rejected", errors=errors))
    return good, bad


def _own_sources(
    good: list[tuple[int, WarningIn]], actor: Principal
) -> tuple[list[tuple[int, WarningIn]], list[ItemResult]]:
    """A feed's key sends only as the sources it was issued for: otherwise it could file warnings
    as another source, and re-posting another source's numbers would read those warnings back."""
    if actor.kind != "client":
        return good, []
    allowed = "、".join(Source(s).label for s in sorted(actor.sources & {s.value for s in Source}))
    message = (
        f"此密钥只能提交以下来源的预警：{allowed}" if allowed else "此密钥未绑定预警来源，请管理员重新签发"
    )
    own = [(i, item) for i, item in good if item.source.value in actor.sources]
    foreign = [
        ItemResult(index=i, status="rejected", errors=[{"field": "source", "message": message}])
        for i, item in good
        if item.source.value not in actor.sources
    ]
    return own, foreign


def _row(
    item: WarningIn, tree: WorkingUnits, norms: Norms, gaz_route: Any, client_id: int | None, now: datetime
) -> dict[str, Any]:
    routed = gaz_route.node_id is not None
    path = gaz_route.path if routed else tree.city_path
    contact, visit, close = norms.for_path(path, item.level).due(now)
    return {
        "source": item.source.value,
        "source_id": item.source_id,
        "client_id": client_id,
        "issued_at": item.issued_at,
        "received_at": now,
        "level": item.level.value,
        "level_rank": Level(item.level).rank,
        "victim_name": item.victim_name,
        "victim_phone": item.victim_phone,
        "victim_id_number": item.victim_id_number,
        "victim_address": item.victim_address,
        "victim_age": item.victim_age,
        "victim_group": item.victim_group.value if item.victim_group else None,
        "fraud_type": item.fraud_type.value,
        "tags": [t.value for t in item.tags],
        "evidence": [e.model_dump() for e in item.evidence],
        "text": item.text,
        "amount_at_risk": item.amount_at_risk,
        "state": (State.ROUTED if routed else State.RECEIVED).value,
        "node_id": gaz_route.node_id if routed else tree.city_id,
        "node_path": path,
        "unit_id": tree.unit_for(path),
        "route_reason": gaz_route.reason,
        "routed_at": now if routed else None,
        "contact_due_at": contact,
        "visit_due_at": visit,
        "close_due_at": close,
        "outcome_note": "",
        "version": 1,
    }


def _insert_sqlite(session: Session, rows: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    table = EarlyWarning.__table__
    assert isinstance(table, Table)
    stmt = (
        sqlite_insert(table)
        .on_conflict_do_nothing(index_elements=["source", "source_id"])
        .returning(table.c.id, table.c.source, table.c.source_id)
    )
    return [(int(i), s, sid) for i, s, sid in session.execute(stmt, rows)]


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def _insert_pg(session: Session, rows: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """One ``INSERT … SELECT FROM json_populate_recordset(:rows)``: the whole chunk travels as one
    JSON text that the C encoder writes and the server parses into the table's own column types,
    instead of a statement with tens of thousands of placeholders or one array per column (the
    driver's per-element array encoding was the largest cost of a 100-item batch)."""
    table = EarlyWarning.__table__
    assert isinstance(table, Table)
    columns = ", ".join(c.name for c in table.columns if c.name in rows[0])
    sql = (
        f"INSERT INTO {table.name} ({columns}) SELECT {columns} "
        f"FROM json_populate_recordset(NULL::{table.name}, CAST(:rows AS json)) "
        "ON CONFLICT (source, source_id) DO NOTHING RETURNING id, source, source_id"
    )
    payload = json.dumps(rows, ensure_ascii=False, default=_json_default)
    return [(int(i), s, sid) for i, s, sid in session.execute(text(sql), {"rows": payload})]


def _existing(session: Session, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    by_source: dict[str, list[str]] = {}
    for source, source_id in keys:
        by_source.setdefault(source, []).append(source_id)
    found: dict[tuple[str, str], int] = {}
    for source, ids in by_source.items():
        for start in range(0, len(ids), _CHUNK):
            query = select(EarlyWarning.id, EarlyWarning.source_id).where(
                EarlyWarning.source == source, EarlyWarning.source_id.in_(ids[start : start + _CHUNK])
            )
            found.update({(source, sid): wid for wid, sid in session.execute(query)})
    return found


def _auto_assign(
    session: Session,
    rows: Sequence[dict[str, Any]],
    ids: dict[tuple[str, str], int],
    norms: Norms,
    now: datetime,
) -> None:
    """Units whose norm says so get new warnings handed to their on-duty people in turn."""
    by_unit: dict[int, list[int]] = {}
    for r in rows:
        if (
            r["state"] == State.ROUTED.value
            and r["unit_id"]
            and norms.for_path(r["node_path"], r["level"]).auto_assign
        ):
            by_unit.setdefault(r["unit_id"], []).append(ids[(r["source"], r["source_id"])])
    for unit_id, warning_ids in by_unit.items():
        people = on_duty_users(session, unit_id, AUTO_ASSIGN_ROLES)
        for k, wid in enumerate(warning_ids if people else []):
            person = people[k % len(people)]
            session.execute(
                update(EarlyWarning)
                .where(EarlyWarning.id == wid, EarlyWarning.state == State.ROUTED.value)
                .values(state=State.ASSIGNED.value, assignee_id=person.id, claimed_at=now, version=2)
            )
            session.add(
                WarningAction(
                    warning_id=wid,
                    kind="claim",
                    result="auto",
                    note="自动分派给值班人员",
                    actor=f"user:{person.id}:{person.username}",
                    at=now,
                )
            )
    session.flush()


def warm_up(session: Session) -> None:
    """Build the per-process routing index before the first batch arrives: compiling the
    gazetteer costs tens of milliseconds, which would otherwise land on the first feed's batch."""
    gazetteer(session)
    working_units(session)
    Norms(session)


def intake(
    session: Session,
    items: Sequence[Mapping[str, Any] | WarningIn],
    actor: Principal,
    now: datetime | None = None,
) -> BatchResult:
    """Store the valid items of a batch (routed, with deadlines); report a result per item."""
    if len(items) > MAX_BATCH:
        raise ValidationFailed.on("items", f"每批最多 {MAX_BATCH} 条，本批 {len(items)} 条")
    now = now or utcnow()
    good, results = _validate(items)
    good, foreign = _own_sources(good, actor)
    results += foreign
    tree, norms, gaz = working_units(session), Norms(session), gazetteer(session)
    client_id = actor.id if actor.kind == "client" else None
    rows: list[dict[str, Any]] = []
    first_item: dict[tuple[str, str], int] = {}  # key → index of its first item in the batch
    for i, item in good:
        key = (item.source.value, item.source_id)
        if key in first_item:
            continue
        first_item[key] = i
        route = gaz.route(item.victim_address, item.victim_phone)
        rows.append(_row(item, tree, norms, route, client_id, now))
    created: dict[tuple[str, str], int] = {}
    postgres = session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        inserted = (_insert_pg if postgres else _insert_sqlite)(session, chunk)
        created.update({(s, sid): wid for wid, s, sid in inserted})
    existing = _existing(session, [k for k in first_item if k not in created])
    for i, item in good:
        key = (item.source.value, item.source_id)
        if key in created and first_item[key] == i:
            results.append(ItemResult(index=i, status="created", id=created[key]))
        else:
            results.append(ItemResult(index=i, status="existing", id=created.get(key) or existing.get(key)))
    results.sort(key=lambda r: r.index)
    audit.record_placed(
        session,
        actor.actor,
        "warnings.intake",
        "warning",
        [
            (
                created[(r["source"], r["source_id"])],
                None,
                {k: r[k] for k in ("source", "source_id", "level", "node_path", "state")},
                r["node_path"],
            )
            for r in rows
            if (r["source"], r["source_id"]) in created
        ],
    )
    _auto_assign(session, [r for r in rows if (r["source"], r["source_id"]) in created], created, norms, now)
    counts = {s: sum(1 for r in results if r.status == s) for s in ("created", "existing", "rejected")}
    return BatchResult(**counts, items=results)

"""Intake of warnings, one or 10,000 at a time: validate, route in memory, insert set-based.

Idempotency rests on the unique constraint on (source, source_id): rows are inserted with
``ON CONFLICT DO NOTHING`` and the ones that already existed are read back
(``repository.insert_new``, ``repository.existing_ids``), so two connections sending the same
instruction at once still yield one warning.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from fanzha.accounts.service import on_duty_users
from fanzha.audit import service as audit
from fanzha.core.errors import ValidationFailed, field_errors
from fanzha.core.principal import Principal
from fanzha.core.timeutil import utcnow
from fanzha.jurisdiction.service import WorkingUnits, working_units
from fanzha.warnings import repository
from fanzha.warnings.deadlines import Norms
from fanzha.warnings.models import Level, Source
from fanzha.warnings.routing import Route, gazetteer
from fanzha.warnings.schemas import MAX_BATCH, BatchResult, ItemResult, WarningIn
from fanzha.warnings.statemachine import State

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
    item: WarningIn, tree: WorkingUnits, norms: Norms, gaz_route: Route, client_id: int | None, now: datetime
) -> dict[str, Any]:
    routed = gaz_route.path is not None
    path = gaz_route.path or tree.city_path
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


def _auto_assign(
    session: Session,
    rows: Sequence[dict[str, Any]],
    ids: dict[tuple[str, str], int],
    norms: Norms,
    now: datetime,
) -> None:
    """Units whose norm says so get each new warning handed to the on-duty person with the fewest
    open warnings (the longest-serving on a tie). Counted, not taken in turn within the call: a
    warning goes to the same person whether it came alone or in a batch (single POSTs are
    grouped by timing, warnings.group), and a feed of single POSTs spreads over the shift."""
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
        load = repository.open_counts(session, [p.id for p in people])
        for wid in warning_ids if people else []:
            person = min(people, key=lambda p: load.get(p.id, 0))
            load[person.id] = load.get(person.id, 0) + 1
            actor = f"user:{person.id}:{person.username}"
            repository.assign_routed(session, wid, person.id, actor, "自动分派给值班人员", now)
    session.flush()


def warm_up(session: Session) -> None:
    """Build the per-process routing index before the first batch arrives: compiling the
    gazetteer costs tens of milliseconds, which would otherwise land on the first feed's batch."""
    gazetteer(session)
    working_units(session)
    Norms(session)


def _held(row: dict[str, Any], tree: WorkingUnits, reason: str) -> dict[str, Any]:
    """A row kept at the centre for review: nobody's queue, no deadline running (not an open state)."""
    return {
        **row,
        "state": State.HELD.value,
        "node_id": tree.city_id,
        "node_path": tree.city_path,
        "unit_id": tree.unit_for(tree.city_path),
        "route_reason": f"举报审核：{reason}"[:300],
        "routed_at": None,
    }


def intake(
    session: Session,
    items: Sequence[Mapping[str, Any] | WarningIn],
    actor: Principal,
    now: datetime | None = None,
    hold: str | None = None,
) -> BatchResult:
    """Store the valid items of a batch (routed, with deadlines); report a result per item.
    With ``hold`` (the reason) the items wait in the centre's review queue (举报审核) instead:
    an analyst admits them to routing or dismisses them (``service.admit``, ``service.dismiss``)."""
    if len(items) > MAX_BATCH:
        raise ValidationFailed.on("items", f"每批最多 {MAX_BATCH} 条，本批 {len(items)} 条")
    now = now or utcnow()
    good, results = _validate(items)
    good, foreign = _own_sources(good, actor)
    results += foreign
    gaz = gazetteer(session)
    first_item: dict[tuple[str, str], int] = {}  # key → index of its first item in the batch
    routes: list[tuple[WarningIn, Route]] = []
    for i, item in good:
        key = (item.source.value, item.source_id)
        if key not in first_item:
            first_item[key] = i
            routes.append((item, gaz.route(item.victim_address, item.victim_phone)))
    tree = working_units(session, {r.path for _, r in routes if r.path is not None})
    norms, client_id = Norms(session), actor.id if actor.kind == "client" else None
    rows = [_row(item, tree, norms, route, client_id, now) for item, route in routes]
    if hold is not None:
        rows = [_held(row, tree, hold) for row in rows]
    created = repository.insert_new(session, rows)
    existing = repository.existing_ids(session, [k for k in first_item if k not in created])
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

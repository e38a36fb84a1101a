"""Console pages: operations list and planning, an operation's desk page (targets, results,
briefing), the field page for phones (live status per target), and target packages with their
graph. Thin adapters over the service."""

import json
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, Response

from fanzha.accounts.deps import DbSession, requires
from fanzha.audit.service import history_of
from fanzha.cases import service as cases
from fanzha.clues import service as clues
from fanzha.core.config import get_settings
from fanzha.core.errors import FanzhaError, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import utcnow
from fanzha.operations import graph, service
from fanzha.operations.models import ItemKind, OperationStatus, OperationTarget, SeizedCategory
from fanzha.operations.schemas import (
    ConcludeIn,
    ItemIn,
    OperationIn,
    OperationQuery,
    PackageIn,
    StatusIn,
    TargetIn,
)
from fanzha.web.forms import attempt, blank_to_none, validated
from fanzha.web.render import page, redirect

router = APIRouter(prefix="/operations", include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Perm.OPERATIONS_READ))]
Writer = Annotated[Principal, Depends(requires(Perm.OPERATIONS_WRITE))]
Field = Annotated[Principal, Depends(requires(Perm.OPERATIONS_FIELD))]
TargetRows = Annotated[list[str], Form()]


def _local(value: str, field: str) -> datetime:
    """A datetime-local field, read as Beijing time."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=get_settings().tz)
    except ValueError as exc:
        raise ValidationFailed.on(field, "时间格式不正确（例：2026-12-02T05:00）") from exc


def _own_code(actor: Principal) -> str:
    codes = [c for c in actor.scope_path.strip("/").split("/") if c]
    return codes[-1] if codes else ""


@router.get("")
def operations_page(request: Request, session: DbSession, actor: Reader, status: str = "") -> Response:
    query = OperationQuery(status=OperationStatus(status) if status in set(OperationStatus) else None)
    ctx = {
        "operations": service.list_operations_out(session, actor, query),
        "packages": service.list_packages(session, actor),
        "statuses": list(OperationStatus),
        "status": status,
    }
    return page(request, "operations/list.html", actor, ctx)


@router.get("/new")
def new_operation(
    request: Request,
    session: DbSession,
    actor: Writer,
    package_id: int | None = None,
    case_id: int | None = None,
) -> Response:
    package = (
        service.package_out(session, service.get_package(session, package_id, actor), actor)
        if package_id
        else None
    )
    case_choices = graph.package_cases(session, actor, package.series_id if package else None, case_id)
    targets = [i for i in package.items if i.kind in ("den", "place")] if package else []
    ctx = {"package": package, "cases": case_choices, "targets": targets, "node_code": _own_code(actor)}
    return page(request, "operations/new.html", actor, ctx)


def _targets(rows: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Form rows of target fields (parallel lists); a row without a name is left out."""
    count = len(rows["target_label"])
    found = []
    for i in range(count):
        row = {k.removeprefix("target_"): (v[i] if i < len(v) else "") for k, v in rows.items()}
        if row["label"].strip():
            found.append(
                {
                    **row,
                    "leader_phone": blank_to_none(row["leader_phone"]),
                    "item_id": blank_to_none(row["item_id"]),
                }
            )
    return found


@router.post("/new")
def create_operation(
    session: DbSession,
    actor: Writer,
    title: Annotated[str, Form()],
    strike_at: Annotated[str, Form()],
    node_code: Annotated[str, Form()],
    commander: Annotated[str, Form()],
    briefing_text: Annotated[str, Form()] = "",
    package_id: Annotated[str, Form()] = "",
    case_ids: TargetRows = [],  # noqa: B006 (FastAPI copies defaults)
    target_label: TargetRows = [],  # noqa: B006
    target_kind: TargetRows = [],  # noqa: B006
    target_address: TargetRows = [],  # noqa: B006
    target_unit_name: TargetRows = [],  # noqa: B006
    target_city: TargetRows = [],  # noqa: B006
    target_team: TargetRows = [],  # noqa: B006
    target_leader: TargetRows = [],  # noqa: B006
    target_leader_phone: TargetRows = [],  # noqa: B006
    target_item_id: TargetRows = [],  # noqa: B006
) -> Response:
    rows = {
        "target_label": target_label,
        "target_kind": target_kind,
        "target_address": target_address,
        "target_unit_name": target_unit_name,
        "target_city": target_city,
        "target_team": target_team,
        "target_leader": target_leader,
        "target_leader_phone": target_leader_phone,
        "target_item_id": target_item_id,
    }
    data = validated(
        OperationIn,
        title=title,
        strike_at=_local(strike_at, "strike_at"),
        node_code=node_code,
        commander=commander,
        briefing=briefing_text,
        package_id=blank_to_none(package_id),
        case_ids=[c for c in case_ids if c.strip()],
        targets=_targets(rows),
    )
    operation = service.create_operation(session, data, actor)
    return redirect(f"/operations/{operation.id}")


@router.get("/packages/new")
def new_package(
    request: Request,
    session: DbSession,
    actor: Writer,
    series_id: int | None = None,
    case_id: int | None = None,
) -> Response:
    """From a case: the series it joins (and why), each with its packages or a button to make one."""
    links = clues.series_for_case(session, actor, case_id) if case_id is not None else []
    ids = [series_id] if series_id is not None else [link.series_id for link in links]
    ctx = {
        "case": cases.get_case(session, case_id, actor) if case_id is not None else None,
        "links": {link.series_id: link for link in links},
        "series": [clues.get_series(session, actor, i) for i in ids],
        "packages": {i: service.packages_for_series(session, actor, i) for i in ids},
        "node_code": _own_code(actor),
    }
    return page(request, "operations/package_new.html", actor, ctx)


@router.post("/packages/new")
def create_package(
    session: DbSession,
    actor: Writer,
    title: Annotated[str, Form()],
    node_code: Annotated[str, Form()],
    series_id: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    data = validated(
        PackageIn, title=title, node_code=node_code, series_id=blank_to_none(series_id), note=note
    )
    package = service.create_package(session, data, actor)
    return redirect(f"/operations/packages/{package.id}")


@router.get("/packages/{package_id}")
def package_page(
    request: Request, package_id: int, session: DbSession, actor: Reader, reveal: bool = False
) -> Response:
    found = service.get_package(session, package_id, actor)
    operations = service.list_operations(session, actor, OperationQuery(package_id=found.id))
    case_ids = list(dict.fromkeys(c.case_id for o in operations for c in o.cases))
    series = (
        clues.get_series(session, actor, found.series_id, reveal) if found.series_id is not None else None
    )
    drawn = graph.package_graph(session, actor, found, series, case_ids, reveal)
    ctx = {
        "series": series,
        "p": service.package_out(session, found, actor, reveal),
        "revealed": reveal,
        "kinds": list(ItemKind),
        "chart": json.dumps(drawn.option, ensure_ascii=False),
        "drawn": drawn,
        "operations": operations,
    }
    return page(request, "operations/package.html", actor, ctx)


@router.post("/packages/{package_id}/items")
def add_item(
    package_id: int,
    session: DbSession,
    actor: Writer,
    kind: Annotated[str, Form()],
    label: Annotated[str, Form()],
    person_name: Annotated[str, Form()] = "",
    id_number: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    account: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    fields = {"person_name": person_name, "id_number": id_number, "phone": phone, "account": account}
    data = validated(
        ItemIn,
        kind=kind,
        label=label,
        address=blank_to_none(address),
        note=note,
        **{k: blank_to_none(v) for k, v in fields.items()},
    )
    service.add_item(session, package_id, data, actor)
    return redirect(f"/operations/packages/{package_id}")


@router.get("/{operation_id}")
def operation_page(
    request: Request, operation_id: int, session: DbSession, actor: Reader, reveal: bool = False
) -> Response:
    operation = service.get_operation(session, operation_id, actor)
    ctx = {
        "o": service.operation_out(session, operation, actor, reveal),
        "revealed": reveal,
        "history": history_of(session, "operation", str(operation.id)),
        "categories": {c.value: c.label for c in SeizedCategory},
        "kinds": [k for k in ItemKind if k != ItemKind.ACCOUNT],
        "due": operation.strike_at <= utcnow(),
    }
    return page(request, "operations/detail.html", actor, ctx)


@router.post("/{operation_id}/targets")
def add_target(
    operation_id: int,
    session: DbSession,
    actor: Writer,
    label: Annotated[str, Form()],
    address: Annotated[str, Form()],
    unit_name: Annotated[str, Form()],
    team: Annotated[str, Form()],
    leader: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "den",
    city: Annotated[str, Form()] = "",
    leader_phone: Annotated[str, Form()] = "",
) -> Response:
    data = validated(
        TargetIn,
        label=label,
        address=address,
        unit_name=unit_name,
        team=team,
        leader=leader,
        kind=kind,
        city=city,
        leader_phone=blank_to_none(leader_phone),
    )
    service.add_target(session, operation_id, data, actor)
    return redirect(f"/operations/{operation_id}")


@router.post("/{operation_id}/conclude")
def conclude(
    operation_id: int, session: DbSession, actor: Writer, result_note: Annotated[str, Form()] = ""
) -> Response:
    service.conclude(session, operation_id, validated(ConcludeIn, result_note=result_note), actor)
    return redirect(f"/operations/{operation_id}")


def _live(
    request: Request,
    session: DbSession,
    actor: Principal,
    operation_id: int,
    notice: str = "",
    refused: tuple[int, FanzhaError, dict[str, str]] | None = None,
) -> Response:
    """The field page; ``refused`` = (target id, error, what was typed) shows the error inside
    that target's card with the typed values, the rest of the page as it was."""
    operation = service.get_operation(session, operation_id, actor)
    target_id, error, typed = refused if refused else (0, None, {})
    ctx = {
        "o": service.operation_out(session, operation, actor),
        "categories": list(SeizedCategory),
        "notice": notice,
        "due": operation.strike_at <= utcnow(),
        "refused_id": target_id,
        "error": error.message if error else "",
        "typed": typed,
    }
    return page(request, "operations/live.html", actor, ctx, status_code=error.status if error else 200)


@router.get("/{operation_id}/live")
def live_page(
    request: Request, operation_id: int, session: DbSession, actor: Field, notice: str = ""
) -> Response:
    return _live(request, session, actor, operation_id, notice)


@router.post("/targets/{target_id}/status")
def report_status(
    request: Request,
    target_id: int,
    session: DbSession,
    actor: Field,
    arrived: Annotated[str, Form()] = "",
    arrests: Annotated[str, Form()] = "0",
    seized_phone: Annotated[str, Form()] = "0",
    seized_sim_card: Annotated[str, Form()] = "0",
    seized_bank_card: Annotated[str, Form()] = "0",
    seized_computer: Annotated[str, Form()] = "0",
    seized_goip: Annotated[str, Form()] = "0",
    seized_other: Annotated[str, Form()] = "0",
    den_destroyed: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """The field form: 'arrived' and 'den_destroyed' checkboxes, a count per seized category. A
    refusal comes back on the phone page itself, in the target's card, with what was typed."""
    counts = [seized_phone, seized_sim_card, seized_bank_card, seized_computer, seized_goip, seized_other]
    seized = {c.value: n.strip() or "0" for c, n in zip(SeizedCategory, counts, strict=True)}

    def step() -> OperationTarget:
        data = validated(
            StatusIn,
            arrived=arrived == "on",
            arrests=arrests.strip() or "0",
            seized=seized,
            den_destroyed=den_destroyed == "on",
            note=note,
        )
        return service.report_status(session, target_id, data, actor)

    done = attempt(session, step)
    if isinstance(done, FanzhaError):
        operation_id = service.get_target(session, target_id, actor).operation_id
        typed = {"arrived": arrived, "arrests": arrests, "den_destroyed": den_destroyed, "note": note}
        typed |= {f"seized_{k}": v for k, v in seized.items()}
        return _live(request, session, actor, operation_id, refused=(target_id, done, typed))
    notice = quote(f"已上报：{done.label}")
    return redirect(f"/operations/{done.operation_id}/live?notice={notice}#t{done.id}")

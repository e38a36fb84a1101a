"""Case pages: list with filters, detail with its history, status moves, opening a case."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, Response

from fanzha.accounts import service as accounts
from fanzha.accounts.deps import DbSession, requires
from fanzha.audit.service import history_of
from fanzha.cases import service
from fanzha.cases.models import STATUS_MOVES, CaseStatus
from fanzha.cases.schemas import CaseIn, CaseQuery, CaseStatusIn
from fanzha.core.config import get_settings
from fanzha.core.errors import FanzhaError, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.vocab import FraudType, VictimGroup
from fanzha.web.forms import attempt, blank_to_none, decimal_field, validated
from fanzha.web.render import page, redirect

router = APIRouter(prefix="/cases", include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Perm.CASES_READ))]
Writer = Annotated[Principal, Depends(requires(Perm.CASES_WRITE))]
PAGE_SIZE = 50
OPTIONAL_FIELDS = ("victim_name", "victim_phone", "victim_age", "victim_group", "warning_id")


@router.get("")
def case_list(
    request: Request,
    session: DbSession,
    actor: Reader,
    fraud_type: Annotated[str | None, Query()] = None,
    status: Annotated[str | None, Query()] = None,
    node_code: Annotated[str | None, Query()] = None,
    identifier: Annotated[str | None, Query()] = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    fraud_type, status, node_code, identifier = map(
        blank_to_none, (fraud_type, status, node_code, identifier)
    )
    query = CaseQuery(
        fraud_type=fraud_type if fraud_type in FraudType.labels() else None,
        status=status if status in CaseStatus.labels() else None,
        node_code=node_code,
        identifier=identifier,
    )
    cases, total = service.list_cases(session, actor, query, (page_no - 1) * PAGE_SIZE, PAGE_SIZE)
    ctx = {
        "cases": cases,
        "total": total,
        "page_no": page_no,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "filters": {
            "fraud_type": fraud_type,
            "status": status,
            "node_code": node_code,
            "identifier": identifier,
        },
        "fraud_types": list(FraudType),
        "statuses": list(CaseStatus),
    }
    return page(request, "cases/list.html", actor, ctx)


def _new_form(
    request: Request, actor: Principal, typed: dict[str, str], error: str = "", status: int = 200
) -> Response:
    ctx = {"typed": typed, "error": error, "fraud_types": list(FraudType), "groups": list(VictimGroup)}
    return page(request, "cases/new.html", actor, ctx, status_code=status)


@router.get("/new")
def new_case(
    request: Request,
    actor: Writer,
    warning_id: int | None = None,
    node_code: str = "",
    fraud_type: str = "",
    victim_phone: str = "",
) -> Response:
    typed = {"warning_id": str(warning_id or ""), "node_code": node_code, "fraud_type": fraud_type}
    return _new_form(request, actor, typed | {"victim_phone": victim_phone, "loss_amount": "0"})


def _case_in(typed: dict[str, str]) -> CaseIn:
    try:
        when = datetime.fromisoformat(typed["occurred_at"]).replace(tzinfo=get_settings().tz)
    except ValueError as exc:
        raise ValidationFailed.on("occurred_at", "时间格式不正确") from exc
    return validated(
        CaseIn,
        occurred_at=when,
        node_code=typed["node_code"],
        fraud_type=typed["fraud_type"],
        loss_amount=decimal_field("loss_amount", typed["loss_amount"]),
        summary=typed["summary"],
        **{k: blank_to_none(typed[k]) for k in OPTIONAL_FIELDS},
    )


@router.post("/new")
def create_case(
    request: Request,
    session: DbSession,
    actor: Writer,
    occurred_at: Annotated[str, Form()] = "",
    node_code: Annotated[str, Form()] = "",
    fraud_type: Annotated[str, Form()] = "",
    loss_amount: Annotated[str, Form()] = "",
    victim_name: Annotated[str, Form()] = "",
    victim_phone: Annotated[str, Form()] = "",
    victim_age: Annotated[str, Form()] = "",
    victim_group: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
    warning_id: Annotated[str, Form()] = "",
) -> Response:
    typed = {"occurred_at": occurred_at, "node_code": node_code, "fraud_type": fraud_type}
    typed |= {"loss_amount": loss_amount, "victim_name": victim_name, "victim_phone": victim_phone}
    typed |= {
        "victim_age": victim_age,
        "victim_group": victim_group,
        "summary": summary,
        "warning_id": warning_id,
    }
    done = attempt(session, lambda: service.register_case(session, _case_in(typed), actor))
    if isinstance(done, FanzhaError):  # the form again, as typed, with the field at fault
        return _new_form(request, actor, typed, done.message, done.status)
    return redirect(f"/cases/{done.id}")


@router.get("/{case_id}")
def case_detail(
    request: Request, case_id: int, session: DbSession, actor: Reader, reveal: bool = False
) -> Response:
    case = service.get_case(session, case_id, actor)
    history = history_of(session, "case", str(case.id))
    ctx = {
        "case": service.to_out(session, case, actor, reveal),
        "revealed": reveal,
        "history": history,
        "who": accounts.actor_labels(session, [case.created_by, *(e.actor for e in history)]),
        "moves": sorted(STATUS_MOVES[CaseStatus(case.status)]),
        "groups": {g.value: g.label for g in VictimGroup},
    }
    return page(request, "cases/detail.html", actor, ctx)


@router.post("/{case_id}/status")
def case_status(
    case_id: int,
    session: DbSession,
    actor: Writer,
    status: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    service.change_status(session, case_id, validated(CaseStatusIn, status=status, note=note), actor)
    return redirect(f"/cases/{case_id}")

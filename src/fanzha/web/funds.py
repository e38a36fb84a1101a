"""止付冻结 pages: the request list, one request with its timeline, and each role's next step.

Officers file, approve or reject, and follow up; a bank liaison sees only their bank's requests
and records what the bank did. Everything goes through ``fanzha.funds.service``; a refused step
(the maker approving their own request, an amount above the balance) re-renders the request with
the reason instead of leaving the page.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.accounts.deps import CurrentPrincipal, DbSession, requires
from fanzha.audit.service import history_of
from fanzha.cases import service as cases
from fanzha.cases.schemas import CaseQuery
from fanzha.core.errors import FanzhaError
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import as_utc, to_local, utcnow
from fanzha.funds import service
from fanzha.funds.models import RequestKind, RequestStatus
from fanzha.funds.schemas import AckIn, DecisionIn, FollowUpIn, HoldIn, RequestOut, RequestQuery
from fanzha.web.forms import attempt, blank_to_none, decimal_field, validated
from fanzha.web.render import page, redirect

router = APIRouter(prefix="/funds", include_in_schema=False)
Requester = Annotated[Principal, Depends(requires(Perm.FUNDS_REQUEST))]
Approver = Annotated[Principal, Depends(requires(Perm.FUNDS_APPROVE))]
Bank = Annotated[Principal, Depends(requires(Perm.FUNDS_BANK))]
PAGE_SIZE = 50
STATUS_LABELS = {s.value: s.label for s in RequestStatus}


def _row(req: RequestOut, now: datetime) -> dict[str, Any]:
    """A request as a list row: its countdown, and whether it needs attention now."""
    until = as_utc(req.effective_until) if req.effective_until else None
    urgent = False
    if until is not None and req.status == RequestStatus.IN_EFFECT:
        kind = RequestKind(req.kind)
        urgent = req.warned_at is not None or until - now <= service.WARN_BEFORE.get(kind, timedelta(0))
    late = until is not None and req.status == RequestStatus.IN_EFFECT and until <= now
    return {"r": req, "until": until, "urgent": urgent, "late": late}


@router.get("/requests")
def request_list(
    request: Request,
    session: DbSession,
    actor: CurrentPrincipal,
    status: Annotated[str | None, Query()] = None,
    kind: Annotated[str | None, Query()] = None,
    bank: Annotated[str | None, Query()] = None,
    case_id: Annotated[str | None, Query()] = None,
    warned: bool = False,
    awaiting: bool = False,
    notice: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    own_bank = service.viewer_bank(actor)
    mine = service.awaiting_approval(session, actor)
    status, kind, bank, case_id = map(blank_to_none, (status, kind, bank, case_id))
    query = RequestQuery(
        status=status if status in STATUS_LABELS else None,
        kind=kind if kind in RequestKind.labels() else None,
        bank=None if own_bank else bank,
        case_id=int(case_id) if case_id and case_id.isdigit() else None,
        warned=warned,
    )
    filters = {"status": query.status, "kind": query.kind, "bank": query.bank, "case_id": query.case_id}
    filters |= {"warned": warned}
    now = utcnow()
    if awaiting:  # the requests this officer may decide, instead of the filtered list
        filters |= {"awaiting": True}
        page_rows = mine[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
        outs, total = [service.to_out(r, now) for r in page_rows], len(mine)
    else:
        outs, total = service.list_requests(session, actor, query, (page_no - 1) * PAGE_SIZE, PAGE_SIZE, now)
    ctx = {
        "awaiting_count": len(mine),
        "rows": [_row(r, now) for r in outs],
        "total": total,
        "page_no": page_no,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "query": urlencode({k: v for k, v in filters.items() if v}),
        "filters": filters,
        "own_bank": own_bank,
        "banks": service.bank_codes(session),
        "statuses": list(RequestStatus),
        "kinds": list(RequestKind),
        "notice": notice,
    }
    return page(request, "funds/list.html", actor, ctx)


@router.get("/requests/awaiting-count")
def awaiting_count(session: DbSession, actor: CurrentPrincipal) -> Response:
    """The menu badge: how many requests wait for this officer's decision (empty when none)."""
    n = len(service.awaiting_approval(session, actor))
    return HTMLResponse(str(n) if n else "")


def case_choices(session: Session, actor: Principal, current: int | None = None) -> list[tuple[int, str]]:
    """The latest cases in the officer's subtree to pick from, and ``current`` if it is older."""
    rows, _ = cases.case_rows(session, actor, CaseQuery(), 0, 100)
    choices = [
        (c.id, f"{c.case_no} · {to_local(c.occurred_at):%Y-%m-%d} · 损失 {c.loss_amount:,.2f} 元")
        for c in rows
    ]
    if current is not None and current not in {i for i, _ in choices}:
        case = cases.get_case(session, current, actor)  # 404 outside the officer's subtree
        choices.insert(0, (case.id, case.case_no))
    return choices


def _request_form(
    request: Request,
    session: Session,
    actor: Principal,
    prefill: dict[str, Any],
    error: str = "",
    status: int = 200,
) -> Response:
    suspects: list[str] = []
    case_id = prefill.get("case_id")
    if isinstance(case_id, int) and not prefill.get("account"):  # opened from a case: its accounts, its loss
        money = service.case_money(session, case_id, actor)
        suspects = money.accounts
        prefill = {
            **prefill,
            "account": next(iter(suspects), ""),
            "amount": prefill.get("amount") or f"{money.amount:.2f}",
        }
    ctx = {
        "cases": case_choices(session, actor, case_id if isinstance(case_id, int) else None),
        "banks": service.bank_codes(session),
        "suspects": suspects,
        "prefill": prefill,
        "error": error,
    }
    return page(request, "funds/new.html", actor, ctx, status_code=status)


@router.get("/requests/new")
def new_request(
    request: Request,
    session: DbSession,
    actor: Requester,
    case_id: int | None = None,
    account: str = "",
    bank_code: str = "",
    amount: str = "",
) -> Response:
    prefill = {"case_id": case_id, "account": account, "bank_code": bank_code, "amount": amount}
    return _request_form(request, session, actor, prefill)


@router.post("/requests/new")
def create_request(
    request: Request,
    session: DbSession,
    actor: Requester,
    case_id: Annotated[str, Form()],
    bank_code: Annotated[str, Form()],
    account: Annotated[str, Form()],
    amount: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "stop_payment",
    account_name: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    typed = {"case_id": case_id, "kind": kind, "bank_code": bank_code, "account": account}
    typed |= {"account_name": account_name, "amount": amount, "reason": reason}

    def step() -> int:
        given = {"account_name": blank_to_none(account_name), "amount": decimal_field("amount", amount)}
        return service.request_hold(session, validated(HoldIn, **typed | given), actor).id

    done = attempt(session, step)
    if isinstance(done, FanzhaError):  # show the form again with what was typed and what is wrong
        listed = {str(i): i for i, _ in case_choices(session, actor)}  # never look up a typed id
        prefill = typed | {"case_id": listed.get(case_id.strip())}
        return _request_form(request, session, actor, prefill, done.message, done.status)
    return redirect(f"/funds/requests/{done}")


def _timeline(session: Session, request_id: int) -> list[dict[str, Any]]:
    """Every audited step of the request: when, who (by name and unit), what, the status it left."""
    entries = history_of(session, "fund_request", str(request_id))
    names = accounts.actor_labels(session, [e.actor for e in entries])
    return [
        {
            "at": e.at,
            "who": names[e.actor],
            "action": e.action,
            "status": STATUS_LABELS.get(str((e.after or {}).get("status")), ""),
        }
        for e in entries
    ]


def _detail(
    request: Request,
    session: Session,
    request_id: int,
    actor: Principal,
    error: str = "",
    status: int = 200,
    typed: dict[str, str] | None = None,
) -> Response:
    req = service.get_request(session, request_id, actor)
    now = utcnow()
    bank = service.viewer_bank(actor)
    children = []
    if bank is None:  # officers see the follow-ups; a bank sees them in its own list
        children = service.list_requests(session, actor, RequestQuery(parent_id=req.id), 0, 50, now)[0]
    case_no = cases.get_case(session, req.case_id, actor).case_no if actor.can(Perm.CASES_READ) else None
    ctx = {
        **_row(service.to_out(req, now), now),
        "case_no": case_no,
        "timeline": _timeline(session, req.id),
        "who": accounts.actor_labels(session, [req.requested_by, req.decided_by, req.acknowledged_by]),
        "children": children,
        "decision_note": req.decision_note,
        "refusal": service.approval_refusal(session, req, actor),
        "waiting": service.waiting_for(session, req) if req.status == RequestStatus.REQUESTED else None,
        "is_bank": bank is not None and bank == req.bank_code,
        "follow_ups": service.follow_up_kinds(req) if actor.can(Perm.FUNDS_REQUEST) else [],
        "error": error,
        "typed": typed or {},
    }
    return page(request, "funds/detail.html", actor, ctx, status_code=status)


@router.get("/requests/{request_id}")
def request_detail(
    request: Request, request_id: int, session: DbSession, actor: CurrentPrincipal
) -> Response:
    return _detail(request, session, request_id, actor)


def _attempt(
    request: Request,
    session: Session,
    request_id: int,
    actor: Principal,
    step: Callable[[], object],
    typed: dict[str, str] | None = None,
) -> Response:
    """Run one step in a savepoint; if it is refused, show the request again with the reason and
    what was typed."""
    done = attempt(session, step)
    if isinstance(done, FanzhaError):
        return _detail(request, session, request_id, actor, done.message, done.status, typed)
    return redirect(f"/funds/requests/{request_id}")


@router.post("/requests/{request_id}/decision")
def decide(
    request: Request,
    request_id: int,
    session: DbSession,
    actor: Approver,
    approve: Annotated[bool, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    def step() -> object:
        return service.decide(session, request_id, validated(DecisionIn, approve=approve, note=note), actor)

    return _attempt(request, session, request_id, actor, step)


@router.post("/requests/{request_id}/ack")
def acknowledge(
    request: Request,
    request_id: int,
    session: DbSession,
    actor: Bank,
    executed_amount: Annotated[str, Form()],
    balance_found: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    def step() -> object:
        data = validated(
            AckIn,
            executed_amount=decimal_field("executed_amount", executed_amount),
            balance_found=decimal_field("balance_found", balance_found),
            note=note,
        )
        return service.acknowledge(session, request_id, data, actor)

    typed = {"executed_amount": executed_amount, "balance_found": balance_found, "note": note}
    return _attempt(request, session, request_id, actor, step, typed)


@router.post("/requests/{request_id}/follow-up")
def follow_up(
    request: Request,
    request_id: int,
    session: DbSession,
    actor: Requester,
    kind: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
) -> Response:
    made: list[int] = []

    def step() -> object:
        data = validated(FollowUpIn, kind=kind, reason=reason)
        made.append(service.follow_up(session, request_id, data, actor).id)
        return made

    response = _attempt(request, session, request_id, actor, step)
    return redirect(f"/funds/requests/{made[0]}") if made else response

"""The dissuader's work queue and the warning pages: take, contact, close, next; search; re-route."""

from typing import Annotated, Any, get_args
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from sqlalchemy.orm import Session

from fanzha.accounts.deps import DbSession, requires
from fanzha.core.errors import FanzhaError, ValidationFailed
from fanzha.core.pagination import PageParams
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import utcnow
from fanzha.core.vocab import FraudType, TechniqueTag, VictimGroup
from fanzha.jurisdiction.service import find_nodes, node_in_scope
from fanzha.verification import service as verification
from fanzha.warnings import service, views
from fanzha.warnings.deadlines import STEP_LABELS
from fanzha.warnings.models import Level, Outcome, Source
from fanzha.warnings.progress import ACTION_LABELS
from fanzha.warnings.schemas import ActionIn, ActionKind, CloseIn, DismissIn, Filters, RouteIn, WarningOut
from fanzha.warnings.statemachine import State, allowed_moves
from fanzha.web.forms import attempt, blank_to_none, decimal_field, validated
from fanzha.web.render import page, redirect, safe_next

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Perm.WARNINGS_READ))]
Worker = Annotated[Principal, Depends(requires(Perm.WARNINGS_WORK))]
Router_ = Annotated[Principal, Depends(requires(Perm.WARNINGS_ROUTE))]
PAGE_SIZE = 50

ACTION_KINDS = [(kind, ACTION_LABELS[kind]) for kind in get_args(ActionKind)]  # the buttons, in this order
ACTION_RESULTS = ["已接通", "未接听", "关机/停机", "拒接", "已发送", "已见面", "—"]


def _common() -> dict[str, Any]:
    return {
        "step_labels": STEP_LABELS,
        "groups": {g.value: g.label for g in VictimGroup},
        "tag_labels": {t.value: t.label for t in TechniqueTag},
    }


def _held_by(session: Session, actor: Principal) -> list[WarningOut]:
    """The warnings this person has claimed and not yet closed."""
    first = PageParams(page=1, page_size=PAGE_SIZE)
    return [
        w
        for state in (State.ASSIGNED, State.IN_PROGRESS)
        for w in views.search(
            session, actor, Filters(state=state, assignee_id=actor.id), first, utcnow()
        ).items
    ]


def _queue_context(session: Session, actor: Principal) -> dict[str, Any]:
    waiting = service.queue(session, actor, limit=PAGE_SIZE)
    return {
        **_common(),
        "mine": _held_by(session, actor),
        "waiting": views.to_outs(session, waiting, actor),
    }


@router.get("/queue")
def queue_page(request: Request, session: DbSession, actor: Worker, notice: str | None = None) -> Response:
    return page(request, "warnings/queue.html", actor, {**_queue_context(session, actor), "notice": notice})


@router.get("/queue/waiting")
def queue_waiting(request: Request, session: DbSession, actor: Worker) -> Response:
    """The unit's unclaimed warnings, polled by the queue page."""
    return page(request, "warnings/_waiting.html", actor, _queue_context(session, actor))


@router.post("/queue/next")
def take_next(session: DbSession, actor: Worker) -> Response:
    taken = service.claim_next(session, actor)
    if taken is None:
        return redirect("/queue?notice=" + "队列中暂无待认领的预警")
    return redirect(f"/warnings/{taken.id}")


@router.get("/warnings")
def warning_list(
    request: Request,
    session: DbSession,
    actor: Reader,
    state: Annotated[str | None, Query()] = None,
    level: Annotated[str | None, Query()] = None,
    source: Annotated[str | None, Query()] = None,
    fraud_type: Annotated[str | None, Query()] = None,
    node_code: Annotated[str | None, Query()] = None,
    overdue: bool = False,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    filters: dict[str, Any] = {
        "state": blank_to_none(state),
        "level": blank_to_none(level),
        "source": blank_to_none(source),
        "fraud_type": blank_to_none(fraud_type),
        "node_code": blank_to_none(node_code),
        "overdue": overdue,
    }
    code = filters.pop("node_code")
    path = node_in_scope(session, code, actor.scope_path).path if code else None
    found = views.search(
        session,
        actor,
        Filters(**filters, node_path=path),
        PageParams(page=page_no, page_size=PAGE_SIZE),
        utcnow(),
    )
    filters["node_code"] = code
    ctx = {
        **_common(),
        "items": found.items,
        "total": found.total,
        "page_no": page_no,
        "pages": max(1, -(-found.total // PAGE_SIZE)),
        "query": urlencode({k: v for k, v in filters.items() if v}),
        "filters": filters,
        "states": list(State),
        "levels": list(Level),
        "sources": list(Source),
        "fraud_types": list(FraudType),
    }
    return page(request, "warnings/list.html", actor, ctx)


@router.get("/warnings/route-targets")
def route_targets(request: Request, session: DbSession, actor: Router_, q: str = "") -> Response:
    """Nodes matching a typed name, to re-route a warning by picking one (no 12-digit code)."""
    choices = find_nodes(session, actor.scope_path, q)
    return page(request, "warnings/_route_targets.html", actor, {"choices": choices, "q": q})


def _detail_page(
    request: Request,
    session: Session,
    actor: Principal,
    warning_id: int,
    reveal: bool = False,
    contact: service.Contact | None = None,
    notice: str | None = None,
    error: str = "",
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    w = contact.warning if contact else service.get_warning(session, warning_id, actor)
    ctx = {
        **_common(),
        "w": views.to_out(session, w, actor, reveal=reveal, with_timeline=True),
        "revealed": reveal,
        "held": w.assignee_id == actor.id or actor.can(Perm.WARNINGS_ROUTE),
        "moves": {m.value for m in allowed_moves(w.state)},
        "notice": notice,
        "error": error,
        "typed": typed or {},
        "action_kinds": ACTION_KINDS,
        "action_results": ACTION_RESULTS,
        "outcomes": list(Outcome),
        "files": service.report_files(session, w),
        "contact": contact,
        "verifications": verification.contacts_for_warning(session, w.id, actor),
    }
    return page(request, "warnings/detail.html", actor, ctx, status_code=status)


@router.get("/warnings/{warning_id}")
def warning_detail(
    request: Request,
    warning_id: int,
    session: DbSession,
    actor: Reader,
    reveal: bool = False,
    closed: int | None = None,
) -> Response:
    notice = f"预警 #{closed} 已办结，已为您领取下一条。" if closed else None
    return _detail_page(request, session, actor, warning_id, reveal, notice=notice)


@router.post("/warnings/{warning_id}/claim")
def claim(warning_id: int, session: DbSession, actor: Worker) -> Response:
    service.claim(session, warning_id, actor)
    return redirect(f"/warnings/{warning_id}")


@router.post("/warnings/{warning_id}/release")
def release(warning_id: int, session: DbSession, actor: Worker) -> Response:
    service.release(session, warning_id, actor)
    return redirect("/queue")


@router.post("/warnings/{warning_id}/act")
def act(
    request: Request,
    warning_id: int,
    session: DbSession,
    actor: Worker,
    kind: Annotated[str, Form()],
    result: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """A contact's verification code is shown on this one page, once (only its hash is kept)."""
    data = validated(ActionIn, kind=kind, result="" if result == "—" else result, note=note)
    contact = service.record_contact(session, warning_id, data, actor)
    if contact.code is None:
        return redirect(f"/warnings/{warning_id}")
    return _detail_page(request, session, actor, warning_id, contact=contact)


def _close_data(outcome: str, note: str, loss_amount: str) -> CloseIn:
    if outcome not in {o.value for o in Outcome}:
        raise ValidationFailed.on("outcome", "请选择一项：" + "、".join(o.label for o in Outcome))
    amount = decimal_field("loss_amount", loss_amount)
    return validated(CloseIn, outcome=outcome, note=note, loss_amount=amount)


@router.post("/warnings/{warning_id}/close")
def close(
    request: Request,
    warning_id: int,
    session: DbSession,
    actor: Worker,
    outcome: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    loss_amount: Annotated[str, Form()] = "0",
    then_next: Annotated[bool, Form()] = False,
) -> Response:
    done = attempt(
        session, lambda: service.close(session, warning_id, _close_data(outcome, note, loss_amount), actor)
    )
    if isinstance(done, FanzhaError):  # the warning again, with the reason and what was typed
        typed = {"outcome": outcome, "note": note, "loss_amount": loss_amount}
        return _detail_page(
            request, session, actor, warning_id, error=done.message, typed=typed, status=done.status
        )
    if then_next:
        taken = service.claim_next(session, actor)
        if taken is not None:
            return redirect(f"/warnings/{taken.id}?closed={warning_id}")
    return redirect("/queue?" + urlencode({"notice": f"预警 #{warning_id} 已办结"}))


@router.post("/warnings/{warning_id}/dismiss")
def dismiss(
    request: Request,
    warning_id: int,
    session: DbSession,
    actor: Worker,
    reason: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """One step to 无效预警 (an invalid or duplicate warning), with the reason; ``back`` is the
    page the form was on (the review queue), told what happened."""

    def step() -> object:
        return service.dismiss(session, warning_id, validated(DismissIn, reason=reason), actor)

    done = attempt(session, step)
    if isinstance(done, FanzhaError):  # the warning again, with the reason as typed
        typed = {"dismiss_reason": reason}
        return _detail_page(
            request, session, actor, warning_id, error=done.message, typed=typed, status=done.status
        )
    if back:
        return redirect(safe_next(back) + "?" + urlencode({"notice": f"#{warning_id} 已标记无效"}))
    return redirect(f"/warnings/{warning_id}")


@router.post("/warnings/{warning_id}/route")
def reroute(
    warning_id: int,
    session: DbSession,
    actor: Router_,
    reason: Annotated[str, Form()],
    node_code: Annotated[str, Form()] = "",
) -> Response:
    service.reroute(
        session, warning_id, validated(RouteIn, node_code=node_code.strip(), reason=reason), actor
    )
    return redirect(f"/warnings/{warning_id}")

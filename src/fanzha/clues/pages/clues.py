"""The clue queue (filters, deadlines as countdowns) and a clue's page: facts with the value
masked (audited reveal), the timeline with who did each step, and the workflow's forms — a refused
step shows the page again with one Chinese line naming the field and what was typed."""

from collections.abc import Callable, Iterable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.accounts.deps import DbSession, requires
from fanzha.clues import workflow
from fanzha.clues.models import Clue, ClueLevel, ClueResult, ClueState
from fanzha.clues.schemas import ClueQuery, JudgeIn, RerouteIn, ResultIn
from fanzha.core.errors import FanzhaError, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.jurisdiction import service as tree
from fanzha.web.forms import attempt, blank_to_none, validated
from fanzha.web.render import page, redirect

router = APIRouter(prefix="/clues", include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Perm.CLUES_READ))]
Worker = Annotated[Principal, Depends(requires(Perm.CLUES_WORK))]
Text = Annotated[str, Form()]
# How a timeline step reads (clues_actions.kind).
STEP_LABELS = {
    "create": "登记",
    "judge": "研判",
    "result": "核查结果",
    "reopen": "重新核查",
    "reroute": "改派",
    "overdue": "超时",
    "escalate": "超时升级",
}
UNIT_LEVELS = 3  # the unit filter lists the city, districts and stations


@router.get("")
def queue(
    request: Request,
    session: DbSession,
    actor: Reader,
    state: str = "",
    level: str = "",
    overdue: str = "",
    node_code: str = "",
    series_id: str = "",
) -> Response:
    filters = {
        "state": state,
        "level": level,
        "overdue": overdue,
        "node_code": node_code,
        "series_id": series_id,
    }
    query = validated(
        ClueQuery,
        state=state if state in set(ClueState) else None,
        level=level if level in set(ClueLevel) else None,
        overdue={"true": True, "false": False}.get(overdue),
        node_code=blank_to_none(node_code),
        series_id=blank_to_none(series_id),
    )
    found = workflow.list_clues(session, actor, query)
    ctx = {
        "clues": [workflow.to_out(session, c, actor) for c in found],
        "limit": query.limit,
        "filters": filters,
        "states": list(ClueState),
        "levels": list(ClueLevel),
        "units": tree.nodes_in_scope(session, actor, max_level=UNIT_LEVELS),
    }
    return page(request, "clues/queue.html", actor, ctx)


@router.get("/route-targets")
def route_targets(request: Request, session: DbSession, actor: Worker, q: str = "") -> Response:
    """Nodes matching a typed name, to send a clue to by picking one (no code to remember)."""
    choices = tree.find_nodes(session, actor.scope_path, q)
    return page(request, "warnings/_route_targets.html", actor, {"choices": choices, "q": q})


def _detail(
    request: Request,
    session: DbSession,
    actor: Principal,
    clue: Clue,
    reveal: bool = False,
    refused: tuple[str, FanzhaError, dict[str, str]] | None = None,
) -> Response:
    """The clue's page; ``refused`` = (form, error, what was typed) shows that form's error."""
    out = workflow.to_out(session, clue, actor, reveal, timeline=True)
    who = accounts.actor_labels(session, [out.created_by, *(a.actor for a in out.timeline)])
    form, error, typed = refused if refused else ("", None, {})
    ctx = {
        "c": out,
        "revealed": reveal,
        "who": who,
        "step_labels": STEP_LABELS,
        "results": list(ClueResult),
        "form": form,
        "error": error.message if error else "",
        "typed": typed,
    }
    return page(request, "clues/detail.html", actor, ctx, status_code=error.status if error else 200)


@router.get("/{clue_id}")
def clue_page(
    request: Request, clue_id: int, session: DbSession, actor: Reader, reveal: bool = False
) -> Response:
    return _detail(request, session, actor, workflow.get_clue(session, clue_id, actor), reveal)


def _given(value: str, field: str, message: str, choices: Iterable[str] | None = None) -> str:
    """What was typed in ``field``, stripped; refused with ``message`` when blank (or not one of
    ``choices``)."""
    if not value.strip() or (choices is not None and value not in set(choices)):
        raise ValidationFailed.on(field, message)
    return value.strip()


def _answer(
    request: Request,
    session: DbSession,
    actor: Principal,
    clue_id: int,
    step: Callable[[], Clue],
    form: str,
    typed: dict[str, str],
) -> Response:
    """Run a workflow form's step: then the timeline, or the page again with the refusal and what
    was typed."""
    done = attempt(session, step)
    if isinstance(done, FanzhaError):
        clue = workflow.get_clue(session, clue_id, actor)
        return _detail(request, session, actor, clue, refused=(form, done, typed))
    return redirect(f"/clues/{clue_id}#timeline")


def _noted(
    request: Request,
    session: DbSession,
    actor: Principal,
    clue_id: int,
    act: Callable[[Session, int, JudgeIn, Principal], Clue],
    form: str,
    note: str,
    what: str,
) -> Response:
    """A step that takes only a written ``what`` (研判意见, 重新核查的理由)."""

    def step() -> Clue:
        return act(session, clue_id, validated(JudgeIn, note=_given(note, "note", f"请填写{what}")), actor)

    return _answer(request, session, actor, clue_id, step, form, {"note": note})


@router.post("/{clue_id}/judge")
def judge(request: Request, clue_id: int, session: DbSession, actor: Worker, note: Text = "") -> Response:
    return _noted(request, session, actor, clue_id, workflow.judge, "judge", note, "研判意见")


@router.post("/{clue_id}/result")
def result(
    request: Request, clue_id: int, session: DbSession, actor: Worker, result: Text = "", note: Text = ""
) -> Response:
    def step() -> Clue:
        chosen = _given(result, "result", "请选择核查结果（确认窝点、查明嫌疑人或核查无果）", ClueResult)
        return workflow.record_result(session, clue_id, validated(ResultIn, result=chosen, note=note), actor)

    return _answer(request, session, actor, clue_id, step, "result", {"result": result, "note": note})


@router.post("/{clue_id}/reopen")
def reopen(request: Request, clue_id: int, session: DbSession, actor: Worker, note: Text = "") -> Response:
    return _noted(request, session, actor, clue_id, workflow.reopen, "reopen", note, "重新核查的理由")


@router.post("/{clue_id}/route")
def reroute(
    request: Request, clue_id: int, session: DbSession, actor: Worker, node_code: Text = "", note: Text = ""
) -> Response:
    def step() -> Clue:
        code = _given(node_code, "node_code", "请搜索并选择改派到的辖区")
        return workflow.reroute(session, clue_id, validated(RerouteIn, node_code=code, note=note), actor)

    return _answer(request, session, actor, clue_id, step, "route", {"note": note})

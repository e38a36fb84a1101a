"""/api/v1/warnings: intake (single and batch), queue and workflow, search, detail, feedback."""

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response

from fanzha.accounts.deps import SIGNED_IN_DOC, DbSession, Opener, Presented, requires
from fanzha.core.pagination import Page, PageParams, page_params
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import as_utc, utcnow
from fanzha.core.vocab import FraudType
from fanzha.jurisdiction.service import node_in_scope
from fanzha.warnings import feedback as fb
from fanzha.warnings import group, service, views
from fanzha.warnings.intake import intake
from fanzha.warnings.models import Level, Outcome, Source
from fanzha.warnings.schemas import (
    MAX_BATCH,
    ActionIn,
    BatchResult,
    CloseIn,
    ContactOut,
    FeedbackPage,
    Filters,
    ReopenIn,
    RouteIn,
    WarningIn,
    WarningOut,
)
from fanzha.warnings.statemachine import State

router = APIRouter(prefix="/warnings", tags=["warnings"])

Intake = Annotated[Principal, Depends(requires(Perm.WARNINGS_INTAKE))]
Reader = Annotated[Principal, Depends(requires(Perm.WARNINGS_READ))]
Worker = Annotated[Principal, Depends(requires(Perm.WARNINGS_WORK))]
Router = Annotated[Principal, Depends(requires(Perm.WARNINGS_ROUTE))]
Feedback = Annotated[Principal, Depends(requires(Perm.WARNINGS_FEEDBACK))]
Reveal = Annotated[bool, Query(description="显示完整个人信息（需授权，留痕）")]


@router.post(
    "",
    summary="接收一条预警指令（按 来源+来源编号 幂等）",
    openapi_extra=SIGNED_IN_DOC,
    response_model=WarningOut,
)
async def receive_one(data: WarningIn, caller: Presented, open_transaction: Opener) -> Response:
    # Concurrent POSTs of one caller are checked and stored in one batch and one commit
    # (warnings.group), so the caller is authenticated there (warnings.intake scope). The answer
    # is the model's own JSON: FastAPI would validate the returned model again before dumping it.
    status, out = await group.receive(open_transaction, caller, data)
    return Response(out.model_dump_json(), status, media_type="application/json")


@router.post("/batch", summary=f"批量接收预警（每批最多 {MAX_BATCH} 条，逐条返回结果）")
def receive_batch(
    session: DbSession, actor: Intake, items: Annotated[list[dict[str, Any]], Body(max_length=MAX_BATCH)]
) -> BatchResult:
    return intake(session, items, actor)


@router.get("", summary="预警检索（状态、等级、来源、类型、辖区、时间、超时）")
def search(
    session: DbSession,
    actor: Reader,
    paging: Annotated[PageParams, Depends(page_params)],
    state: State | None = None,
    level: Level | None = None,
    source: Source | None = None,
    fraud_type: FraudType | None = None,
    outcome: Outcome | None = None,
    node_code: Annotated[str | None, Query(description="辖区节点，含下级")] = None,
    since: Annotated[datetime | None, Query(description="接收时间起（含）")] = None,
    until: Annotated[datetime | None, Query(description="接收时间止（不含）")] = None,
    mine: Annotated[bool, Query(description="只看我认领的")] = False,
    overdue: Annotated[bool, Query(description="只看已超时未办结的")] = False,
) -> Page[WarningOut]:
    f = Filters(
        state=state, level=level, source=source, fraud_type=fraud_type, outcome=outcome,
        node_path=node_in_scope(session, node_code, actor.scope_path).path if node_code else None,
        since=as_utc(since) if since else None, until=as_utc(until) if until else None,
        assignee_id=actor.id if mine else None, overdue=overdue,
    )  # fmt: skip
    return views.search(session, actor, f, paging, utcnow())


@router.get("/queue", summary="待认领队列（按等级、办结时限排序）")
def queue(
    session: DbSession, actor: Worker, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[WarningOut]:
    return views.to_outs(session, service.queue(session, actor, limit), actor)


@router.get("/manual", summary="中心人工分流队列（未能自动分流的预警）")
def manual(
    session: DbSession, actor: Router, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[WarningOut]:
    return views.to_outs(session, service.manual_queue(session, actor, limit), actor)


@router.post("/next", summary="认领队列中最紧急的一条")
def claim_next(session: DbSession, actor: Worker, response: Response) -> WarningOut | None:
    w = service.claim_next(session, actor)
    if w is None:
        response.status_code = 204
        return None
    return views.to_out(session, w, actor)


@router.get("/dashboard", summary="预警概况：今日接收、在办、超时、成功率")
def dashboard(session: DbSession, actor: Reader) -> dict[str, Any]:
    return asdict(views.dashboard(session, actor, utcnow()))


@router.get("/overdue", summary="超时清单（环节与到期时间）")
def overdue(
    session: DbSession, actor: Reader, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[dict[str, Any]]:
    return [asdict(i) for i in views.overdue_list(session, actor, utcnow(), limit)]


@router.get("/feedback", summary="反馈：自游标之后的处置结果（按结果序号，稳定顺序）")
def feedback(
    session: DbSession,
    actor: Feedback,
    cursor: Annotated[int, Query(ge=0, description="上次返回的 next_cursor，首次为 0")] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
    source: Source | None = None,
) -> FeedbackPage:
    return fb.feedback(session, actor, cursor, limit, source.value if source else None)


@router.get("/{warning_id}", summary="预警详情与处置时间线")
def detail(session: DbSession, actor: Reader, warning_id: int, reveal: Reveal = False) -> WarningOut:
    w = service.get_warning(session, warning_id, actor)
    return views.to_out(session, w, actor, reveal=reveal, with_timeline=True)


@router.post("/{warning_id}/claim", summary="认领（加锁，他人不能同时处置）")
def claim(session: DbSession, actor: Worker, warning_id: int) -> WarningOut:
    return views.to_out(session, service.claim(session, warning_id, actor), actor)


@router.post("/{warning_id}/release", summary="退回队列")
def release(session: DbSession, actor: Worker, warning_id: int) -> WarningOut:
    return views.to_out(session, service.release(session, warning_id, actor), actor)


@router.post("/{warning_id}/actions", summary="记录处置：短信、电话、上门、备注（联系当事人时返回核验码）")
def act(session: DbSession, actor: Worker, warning_id: int, data: ActionIn) -> ContactOut:
    contact = service.record_contact(session, warning_id, data, actor)
    out = views.to_out(session, contact.warning, actor)
    code = contact.code
    return ContactOut(
        **out.model_dump(),
        verification_code=code.code if code else None,
        verification_expires_at=code.expires_at if code else None,
        sms_text=contact.sms_text,
    )


@router.post("/{warning_id}/close", summary="办结（须填处置结果；已被骗自动立案）")
def close(session: DbSession, actor: Worker, warning_id: int, data: CloseIn) -> WarningOut:
    return views.to_out(session, service.close(session, warning_id, data, actor), actor)


@router.post("/{warning_id}/reopen", summary="重新打开")
def reopen(session: DbSession, actor: Worker, warning_id: int, data: ReopenIn) -> WarningOut:
    return views.to_out(session, service.reopen(session, warning_id, data, actor), actor)


@router.post("/{warning_id}/route", summary="人工分流 / 改派（须说明理由）")
def reroute(session: DbSession, actor: Router, warning_id: int, data: RouteIn) -> WarningOut:
    return views.to_out(session, service.reroute(session, warning_id, data, actor), actor)

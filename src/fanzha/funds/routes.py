"""/api/v1/funds: requests to banks, statement import, tracing, mule scores, the 断卡 list."""

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel

from fanzha.accounts.deps import CurrentPrincipal, DbSession, requires
from fanzha.cases import service as cases
from fanzha.core.masking import mask_id_number, mask_name
from fanzha.core.pagination import Page, PageParams, page_params
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.funds import export, punishment, scoring, service, traced
from fanzha.funds.graph import index_for
from fanzha.funds.importer import import_statement
from fanzha.funds.models import PunishedPerson, RequestKind, RequestStatus
from fanzha.funds.schemas import (
    AckIn,
    CheckIn,
    CheckOut,
    DecisionIn,
    FollowUpIn,
    HoldIn,
    PunishedIn,
    RequestOut,
    RequestQuery,
    TraceIn,
    TraceToRequestsIn,
)
from fanzha.funds.store import TransactionStore
from fanzha.funds.trace import TraceResult, cents_to_yuan, trace

router = APIRouter(prefix="/funds", tags=["funds"])

Requester = Annotated[Principal, Depends(requires(Perm.FUNDS_REQUEST))]
Approver = Annotated[Principal, Depends(requires(Perm.FUNDS_APPROVE))]
Bank = Annotated[Principal, Depends(requires(Perm.FUNDS_BANK))]
Checker = Annotated[Principal, Depends(requires(Perm.FUNDS_CHECK))]
Paging = Annotated[PageParams, Depends(page_params)]


def get_store() -> TransactionStore:
    return TransactionStore()


Store = Annotated[TransactionStore, Depends(get_store)]


@router.post("/requests", status_code=201, summary="申请紧急止付或冻结（需另一名民警审批）")
def create_request(data: HoldIn, session: DbSession, actor: Requester) -> RequestOut:
    return service.to_out(service.request_hold(session, data, actor))


@router.get("/requests", summary="止付冻结请求列表（银行驻点人员只看到本行的请求）")
def list_requests(
    session: DbSession,
    actor: CurrentPrincipal,
    paging: Paging,
    status: RequestStatus | None = None,
    kind: RequestKind | None = None,
    case_id: int | None = None,
    warned: Annotated[bool, Query(description="只看已发出到期提醒的")] = False,
    bank: Annotated[str | None, Query(description="只看某银行的（银行驻点人员始终只看本行）")] = None,
) -> Page[RequestOut]:
    query = RequestQuery(status=status, kind=kind, case_id=case_id, warned=warned, bank=bank)
    items, total = service.list_requests(session, actor, query, paging.offset, paging.page_size)
    return Page(items=items, total=total, page=paging.page, page_size=paging.page_size)


@router.get("/requests/{request_id}", summary="请求详情")
def get_request(request_id: int, session: DbSession, actor: CurrentPrincipal) -> RequestOut:
    return service.to_out(service.get_request(session, request_id, actor))


@router.post("/requests/{request_id}/decision", summary="审批（申请人本人不能审批）")
def decide(request_id: int, data: DecisionIn, session: DbSession, actor: Approver) -> RequestOut:
    return service.to_out(service.decide(session, request_id, data, actor))


@router.post("/requests/{request_id}/ack", summary="银行回执：实际止付/冻结/解冻金额与查到的余额")
def acknowledge(request_id: int, data: AckIn, session: DbSession, actor: Bank) -> RequestOut:
    return service.to_out(service.acknowledge(session, request_id, data, actor))


@router.post("/requests/{request_id}/follow-up", status_code=201, summary="转冻结、续冻、解冻或返还")
def follow_up(request_id: int, data: FollowUpIn, session: DbSession, actor: Requester) -> RequestOut:
    return service.to_out(service.follow_up(session, request_id, data, actor))


class ImportOut(BaseModel):
    batch: str
    rows_read: int
    rows_added: int
    duplicates: int


@router.post("/transactions/import", summary="导入银行流水（CSV 或 XLSX，格式见 docs/funds.md）")
def import_transactions(
    session: DbSession,
    actor: Requester,
    store: Store,
    file: Annotated[UploadFile, File(description="银行流水文件（CSV 或 XLSX，列见 docs/funds.md）")],
) -> ImportOut:
    name = file.filename or "upload.csv"
    result = import_statement(store, file.file.read(), name, actor.actor, session=session)
    return ImportOut(
        batch=result.batch,
        rows_read=result.rows_read,
        rows_added=result.rows_added,
        duplicates=result.duplicates,
    )


def _run(store: TransactionStore, data: TraceIn) -> TraceResult:
    return trace(index_for(store), data.params())


@router.post("/trace", summary="资金查控：从受害人账户向下游追踪（json / csv / svg）")
def run_trace(
    data: TraceIn,
    session: DbSession,
    actor: Requester,
    store: Store,
    fmt: Literal["json", "csv", "svg"] = "json",
) -> Response:
    result = _run(store, data)
    if data.case_id is not None:
        traced.feed_series(session, data.case_id, result, actor)
    if fmt == "csv":
        return PlainTextResponse(export.to_csv(result), media_type="text/csv; charset=utf-8")
    if fmt == "svg":
        return Response(export.to_svg(result), media_type="image/svg+xml")
    return Response(_json(result), media_type="application/json")


def _json(result: TraceResult) -> str:
    return json.dumps(export.to_json(result), ensure_ascii=False)


class FromTraceOut(BaseModel):
    created: list[RequestOut]
    skipped: list[str]


@router.post("/trace/requests", status_code=201, summary="把追踪结果排名靠前的账户一键生成止付申请")
def trace_to_requests(
    data: TraceToRequestsIn, session: DbSession, actor: Requester, store: Store
) -> FromTraceOut:
    ranked = [(a.account, a.bank, cents_to_yuan(a.remaining)) for a in _run(store, data).ranked()]
    made = service.requests_from_trace(session, ranked, data.case_id, data.top, actor)
    return FromTraceOut(created=[service.to_out(r) for r in made.created], skipped=made.skipped)


class ScoreOut(BaseModel):
    account: str
    score: float
    explanation: list[scoring.Contribution]


@router.get("/mule-scores", summary="涉诈（跑分）账户评分及解释")
def mule_scores(
    actor: Requester,
    store: Store,
    session: DbSession,
    top: Annotated[int, Query(ge=1, le=1000)] = 50,
    account: str | None = None,
) -> list[ScoreOut]:
    named = [v for k, v, _ in cases.reputation_identifiers(session) if k == "bank_account"]
    if account:
        scores = scoring.score_accounts(index_for(store), [account.replace(" ", "")], named)
    else:
        scores = scoring.top_scores(store, named, top)
    return [ScoreOut(account=s.account, score=s.score, explanation=s.contributions) for s in scores[:top]]


class PunishedOut(BaseModel):
    id: int
    id_number: str | None
    name: str | None
    reason: str
    starts_on: str
    ends_on: str


@router.post(
    "/punishment", status_code=201, summary="将买卖、出租、出借账户或电话卡的人员列入惩戒名单（五年）"
)
def list_person(data: PunishedIn, session: DbSession, actor: Requester) -> PunishedOut:
    return _punished_out(punishment.list_person(session, data, actor))


@router.get("/punishment", summary="本辖区惩戒名单（脱敏）")
def punished(session: DbSession, actor: Requester, paging: Paging) -> Page[PunishedOut]:
    rows, total = service.punished_people(session, actor, paging.offset, paging.page_size)
    items = [_punished_out(p) for p in rows]
    return Page(items=items, total=total, page=paging.page, page_size=paging.page_size)


def _punished_out(p: PunishedPerson) -> PunishedOut:
    return PunishedOut(
        id=p.id,
        id_number=mask_id_number(p.id_number),
        name=mask_name(p.name),
        reason=p.reason,
        starts_on=p.starts_on.isoformat(),
        ends_on=p.ends_on.isoformat(),
    )


@router.post("/punishment/check", summary="开户核查：是否在惩戒名单内及截止日期（限流、留痕）")
def check(data: CheckIn, session: DbSession, actor: Checker) -> CheckOut:
    return punishment.check(session, data.id_number, actor)

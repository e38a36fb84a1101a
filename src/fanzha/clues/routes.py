"""/api/v1/clues and /api/v1/series: thin adapters over the clue workflow and the series reads."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, File, Query, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from fanzha.accounts.deps import DbSession, requires
from fanzha.clues import inputs, service, workflow
from fanzha.clues.models import ClueSource
from fanzha.clues.schemas import (
    ClueIn,
    ClueOut,
    ClueQuery,
    FromCaseIn,
    IntakeReport,
    JudgeIn,
    RerouteIn,
    ResultIn,
    SeriesBrief,
    SeriesDetail,
    SeriesLink,
    SeriesQuery,
    UpstreamClueIn,
)
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm

router = APIRouter(tags=["clues"])

Reader = Annotated[Principal, Depends(requires(Perm.CLUES_READ))]
Worker = Annotated[Principal, Depends(requires(Perm.CLUES_WORK))]
Intake = Annotated[Principal, Depends(requires(Perm.CLUES_INTAKE))]
Reveal = Annotated[bool, Query(description="显示完整号码/账号/姓名/地址（需授权，留痕）")]
MAX_BATCH = 1000


@router.post(
    "/clues",
    status_code=201,
    summary="研判人员录入一条线索（带来源编号时按编号幂等）",
    responses={200: {"model": ClueOut, "description": "该来源编号已登记：返回已有线索"}},
)
def create(data: ClueIn, session: DbSession, actor: Worker, response: Response) -> ClueOut:
    clue, created = workflow.register(session, data, actor)
    response.status_code = 201 if created else 200
    return workflow.to_out(session, clue, actor)


@router.post("/clues/intake", summary=f"上级指令下发线索（按 source_id 幂等，每批最多 {MAX_BATCH} 条）")
def intake(
    session: DbSession,
    actor: Intake,
    response: Response,
    items: Annotated[list[UpstreamClueIn], Body(max_length=MAX_BATCH)],
) -> IntakeReport:
    report = workflow.intake(session, list(enumerate(items, start=1)), actor, ClueSource.UPSTREAM)
    response.status_code = 201 if report.created else 200
    return report


@router.post("/clues/import", summary="导入线索文件（CSV/XLSX，按来源编号幂等；任一行有错则整体不写入）")
async def import_file(
    file: Annotated[UploadFile, File(description="线索文件（CSV 或 XLSX）")],
    session: DbSession,
    actor: Worker,
    response: Response,
) -> IntakeReport:
    data = await file.read()
    # Database work off the event loop: a wait for SQLite's write lock must not stall other requests.
    report = await run_in_threadpool(inputs.import_file, session, data, file.filename or "", actor)
    response.status_code = 201 if report.created else 200
    return report


@router.post(
    "/clues/from-case/{case_id}", summary="把案件的嫌疑号码、账户、网址等登记为线索（再次提交不重复）"
)
def from_case(
    case_id: int, session: DbSession, actor: Worker, response: Response, data: FromCaseIn
) -> IntakeReport:
    report = inputs.from_case(session, case_id, data.level, actor)
    response.status_code = 201 if report.created else 200
    return report


@router.get("/clues", summary="线索队列（本辖区，按核查时限排序）")
def list_clues(session: DbSession, actor: Reader, query: Annotated[ClueQuery, Query()]) -> list[ClueOut]:
    return [workflow.to_out(session, c, actor) for c in workflow.list_clues(session, actor, query)]


@router.get("/clues/{clue_id}", summary="线索详情与时间线")
def get_clue(clue_id: int, session: DbSession, actor: Reader, reveal: Reveal = False) -> ClueOut:
    return workflow.to_out(session, workflow.get_clue(session, clue_id, actor), actor, reveal, timeline=True)


@router.post("/clues/{clue_id}/judge", summary="研判完成，转落地核查")
def judge(clue_id: int, data: JudgeIn, session: DbSession, actor: Worker) -> ClueOut:
    return workflow.to_out(session, workflow.judge(session, clue_id, data, actor), actor)


@router.post("/clues/{clue_id}/result", summary="记录落地核查结果")
def result(clue_id: int, data: ResultIn, session: DbSession, actor: Worker) -> ClueOut:
    return workflow.to_out(session, workflow.record_result(session, clue_id, data, actor), actor)


@router.post("/clues/{clue_id}/reopen", summary="重新核查")
def reopen(clue_id: int, data: JudgeIn, session: DbSession, actor: Worker) -> ClueOut:
    return workflow.to_out(session, workflow.reopen(session, clue_id, data, actor), actor)


@router.post("/clues/{clue_id}/route", summary="改派至辖区内其他单位")
def reroute(clue_id: int, data: RerouteIn, session: DbSession, actor: Worker) -> ClueOut:
    return workflow.to_out(session, workflow.reroute(session, clue_id, data, actor), actor)


@router.get("/series", summary="串并案列表（涉及本辖区记录的）")
def list_series(
    session: DbSession, actor: Reader, query: Annotated[SeriesQuery, Query()]
) -> list[SeriesBrief]:
    return service.list_series(session, actor, query)


@router.get(
    "/series/{series_id}",
    summary="串并案详情：成员、共同标识、合计、关系图、合并经过（号码账号默认脱敏，reveal=true 查看留痕）",
)
def get_series(series_id: int, session: DbSession, actor: Reader, reveal: Reveal = False) -> SeriesDetail:
    return service.get_series(session, actor, series_id, reveal)


@router.get("/series/by-case/{case_id}", summary="案件所属串并案及串并依据")
def series_for_case(case_id: int, session: DbSession, actor: Reader) -> list[SeriesLink]:
    return service.series_for_case(session, actor, case_id)

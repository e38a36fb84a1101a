"""/api/v1/prevention: registers, aiming, campaigns and activities, volunteers, groups, alerts, pushes."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile
from sqlalchemy.orm import Session

from fanzha.accounts.deps import DbSession, requires
from fanzha.accounts.principal import Principal
from fanzha.accounts.roles import Perm
from fanzha.core.pagination import Page, PageParams, page_params
from fanzha.core.timeutil import utcnow
from fanzha.prevention import aiming, targets
from fanzha.prevention.grids import node_in_scope
from fanzha.prevention.models import TargetKind
from fanzha.prevention.schemas import AimLine, ImportResult, TargetOut

router = APIRouter(prefix="/prevention", tags=["prevention"])

Reader = Annotated[Principal, Depends(requires(Perm.PREVENTION_LOG))]
Writer = Annotated[Principal, Depends(requires(Perm.PREVENTION_WRITE))]
Paging = Annotated[PageParams, Depends(page_params)]
NodeCode = Annotated[str | None, Query(description="辖区节点，含下级；默认本人辖区")]


def scope_path(session: Session, actor: Principal, node_code: str | None) -> str:
    return actor.scope_path if not node_code else node_in_scope(session, node_code, actor).path


@router.post("/targets/import", summary="导入宣防对象（CSV/XLSX；任一行有错则整体不写入）")
async def import_targets(
    file: Annotated[UploadFile, File()], session: DbSession, actor: Writer
) -> ImportResult:
    rows = targets.rows_from_file(await file.read(), file.filename or "")
    return targets.import_targets(session, rows, actor)


@router.get("/targets", summary="宣防对象（住户、重点人群与场所）")
def list_targets(
    session: DbSession,
    actor: Reader,
    paging: Paging,
    node_code: NodeCode = None,
    kind: TargetKind | None = None,
) -> Page[TargetOut]:
    items, total = targets.list_targets(
        session, scope_path(session, actor, node_code), kind, paging.offset, paging.page_size
    )
    return Page(items=items, total=total, page=paging.page, page_size=paging.page_size)


@router.get("/aim", summary="精准滴灌：哪些警格、针对哪类人群、防范哪类诈骗（附排序理由）")
def aim(
    session: DbSession,
    actor: Reader,
    node_code: NodeCode = None,
    days: Annotated[int, Query(ge=7, le=180, description="统计最近多少天")] = 30,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[AimLine]:
    return aiming.aim(session, scope_path(session, actor, node_code), utcnow(), days, limit)

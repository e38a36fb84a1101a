"""/api/v1/cases: register, list with filters, detail (masked unless revealed), status."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from fanzha.accounts.deps import DbSession, requires
from fanzha.cases import repository as repo
from fanzha.cases import service
from fanzha.cases.models import CaseStatus
from fanzha.cases.schemas import CaseIn, CaseOut, CaseStatusIn
from fanzha.core.pagination import Page, PageParams, page_params
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import as_utc
from fanzha.core.vocab import FraudType, VictimGroup
from fanzha.jurisdiction.service import node_in_scope

router = APIRouter(prefix="/cases", tags=["cases"])

Reader = Annotated[Principal, Depends(requires(Perm.CASES_READ))]
Writer = Annotated[Principal, Depends(requires(Perm.CASES_WRITE))]


@router.post("", status_code=201, summary="登记案件")
def create_case(data: CaseIn, session: DbSession, actor: Writer) -> CaseOut:
    return service.to_out(session, service.register_case(session, data, actor), actor)


def _scope_path(session: Session, actor: Principal, node_code: str | None) -> str:
    return actor.scope_path if not node_code else node_in_scope(session, node_code, actor.scope_path).path


@router.get("", summary="案件列表（按类型、时间、辖区、人群、状态、嫌疑标识筛选）")
def list_cases(
    session: DbSession,
    actor: Reader,
    paging: Annotated[PageParams, Depends(page_params)],
    fraud_type: FraudType | None = None,
    since: Annotated[datetime | None, Query(description="案发时间起（含）")] = None,
    until: Annotated[datetime | None, Query(description="案发时间止（不含）")] = None,
    node_code: Annotated[str | None, Query(description="辖区节点，含下级")] = None,
    victim_group: VictimGroup | None = None,
    status: CaseStatus | None = None,
    identifier: Annotated[str | None, Query(description="嫌疑手机号、账号、网址等")] = None,
) -> Page[CaseOut]:
    f = repo.CaseFilter(
        path=_scope_path(session, actor, node_code),
        fraud_type=fraud_type,
        since=None if since is None else as_utc(since),
        until=None if until is None else as_utc(until),
        victim_group=victim_group,
        status=status,
        identifier=identifier,
    )
    rows, total = repo.list_cases(session, f, paging.offset, paging.page_size)
    items = [service.to_out(session, c, actor) for c in rows]
    return Page(items=items, total=total, page=paging.page, page_size=paging.page_size)


@router.get("/{case_id}", summary="案件详情（受害人信息默认脱敏，reveal=true 查看完整信息并留痕）")
def get_case(case_id: int, session: DbSession, actor: Reader, reveal: bool = False) -> CaseOut:
    return service.to_out(session, service.get_case(session, case_id, actor), actor, reveal)


@router.post("/{case_id}/status", summary="变更案件状态（立案 → 破案 / 结案）")
def change_status(case_id: int, data: CaseStatusIn, session: DbSession, actor: Writer) -> CaseOut:
    return service.to_out(session, service.change_status(session, case_id, data, actor), actor)

"""/api/v1/cases: register, list with filters, detail (masked unless revealed), status."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from fanzha.accounts.deps import DbSession, requires
from fanzha.cases import service
from fanzha.cases.models import CaseStatus
from fanzha.cases.schemas import CaseIn, CaseOut, CaseQuery, CaseStatusIn
from fanzha.core.pagination import Page, PageParams, page_params
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.vocab import FraudType, VictimGroup

router = APIRouter(prefix="/cases", tags=["cases"])

Reader = Annotated[Principal, Depends(requires(Perm.CASES_READ))]
Writer = Annotated[Principal, Depends(requires(Perm.CASES_WRITE))]


@router.post("", status_code=201, summary="登记案件")
def create_case(data: CaseIn, session: DbSession, actor: Writer) -> CaseOut:
    return service.to_out(session, service.register_case(session, data, actor), actor)


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
    query = CaseQuery(
        fraud_type=fraud_type,
        since=since,
        until=until,
        node_code=node_code,
        victim_group=victim_group,
        status=status,
        identifier=identifier,
    )
    items, total = service.list_cases(session, actor, query, paging.offset, paging.page_size)
    return Page(items=items, total=total, page=paging.page, page_size=paging.page_size)


@router.get("/{case_id}", summary="案件详情（受害人信息默认脱敏，reveal=true 查看完整信息并留痕）")
def get_case(case_id: int, session: DbSession, actor: Reader, reveal: bool = False) -> CaseOut:
    return service.to_out(session, service.get_case(session, case_id, actor), actor, reveal)


@router.post("/{case_id}/status", summary="变更案件状态（立案 → 破案 / 结案）")
def change_status(case_id: int, data: CaseStatusIn, session: DbSession, actor: Writer) -> CaseOut:
    return service.to_out(session, service.change_status(session, case_id, data, actor), actor)

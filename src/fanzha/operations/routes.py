"""/api/v1/operations: target packages, joint operations, live status per target, results, briefing."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from fanzha.accounts.deps import DbSession, requires
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import utcnow
from fanzha.operations import briefing, service
from fanzha.operations.models import OperationStatus
from fanzha.operations.schemas import (
    ConcludeIn,
    ItemIn,
    OperationIn,
    OperationOut,
    OperationQuery,
    PackageIn,
    PackageOut,
    StatusIn,
    TargetIn,
)

router = APIRouter(prefix="/operations", tags=["operations"])
Reader = Annotated[Principal, Depends(requires(Perm.OPERATIONS_READ))]
Writer = Annotated[Principal, Depends(requires(Perm.OPERATIONS_WRITE))]
Field = Annotated[Principal, Depends(requires(Perm.OPERATIONS_FIELD))]


@router.get("/packages", summary="打击目标包列表（本辖区）")
def list_packages(session: DbSession, actor: Reader) -> list[PackageOut]:
    return [service.package_out(session, p, actor) for p in service.list_packages(session, actor)]


@router.post("/packages", status_code=201, summary="由串并案建立打击目标包")
def create_package(data: PackageIn, session: DbSession, actor: Writer) -> PackageOut:
    return service.package_out(session, service.create_package(session, data, actor), actor)


@router.get("/packages/{package_id}", summary="目标包详情（个人信息默认脱敏，reveal=true 查看并留痕）")
def get_package(package_id: int, session: DbSession, actor: Reader, reveal: bool = False) -> PackageOut:
    return service.package_out(session, service.get_package(session, package_id, actor), actor, reveal)


@router.post("/packages/{package_id}/items", status_code=201, summary="目标包增加嫌疑人、窝点、落脚点或账户")
def add_item(package_id: int, data: ItemIn, session: DbSession, actor: Writer) -> PackageOut:
    service.add_item(session, package_id, data, actor)
    return service.package_out(session, service.get_package(session, package_id, actor), actor)


@router.get("", summary="收网行动列表（本辖区牵头或有目标在本辖区）")
def list_operations(
    session: DbSession, actor: Reader, status: OperationStatus | None = None, package_id: int | None = None
) -> list[OperationOut]:
    return service.list_operations_out(session, actor, OperationQuery(status=status, package_id=package_id))


@router.post("", status_code=201, summary="部署收网行动（统一收网时间、目标、行动组）")
def create_operation(data: OperationIn, session: DbSession, actor: Writer) -> OperationOut:
    return service.operation_out(session, service.create_operation(session, data, actor), actor)


@router.get("/{operation_id}", summary="收网行动详情（地址、电话默认脱敏，reveal=true 查看并留痕）")
def get_operation(operation_id: int, session: DbSession, actor: Reader, reveal: bool = False) -> OperationOut:
    return service.operation_out(session, service.get_operation(session, operation_id, actor), actor, reveal)


@router.post("/{operation_id}/targets", status_code=201, summary="增加收网目标（可在外地，填写任务单位）")
def add_target(operation_id: int, data: TargetIn, session: DbSession, actor: Writer) -> OperationOut:
    service.add_target(session, operation_id, data, actor)
    return service.operation_out(session, service.get_operation(session, operation_id, actor), actor)


@router.put("/targets/{target_id}/status", summary="上报目标现场状态（到达、抓获、查扣、捣毁）")
def report_status(target_id: int, data: StatusIn, session: DbSession, actor: Field) -> OperationOut:
    target = service.report_status(session, target_id, data, actor)
    return service.operation_out(session, service.get_operation(session, target.operation_id, actor), actor)


@router.post("/{operation_id}/conclude", summary="确认战果：关联案件破案、线索办结（全部成功或全部不变）")
def conclude(operation_id: int, data: ConcludeIn, session: DbSession, actor: Writer) -> OperationOut:
    return service.operation_out(session, service.conclude(session, operation_id, data, actor), actor)


@router.get("/{operation_id}/briefing.pdf", summary="导出行动简报 PDF（默认脱敏，reveal=true 完整并留痕）")
def briefing_pdf(operation_id: int, session: DbSession, actor: Reader, reveal: bool = False) -> Response:
    operation = service.get_operation(session, operation_id, actor)
    shown = service.operation_out(session, operation, actor, reveal)
    pdf = briefing.render_pdf(shown, actor.name, utcnow(), masked=not reveal)
    headers = {"Content-Disposition": f'attachment; filename="briefing-{operation.code}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)

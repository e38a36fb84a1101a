"""The tree and its units, limited to the caller's subtree."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import PlainTextResponse

from fanzha.accounts.deps import CurrentPrincipal, DbSession, requires
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.jurisdiction import service
from fanzha.jurisdiction.schemas import NodeIn, NodeOut, UnitIn, UnitOut

router = APIRouter(tags=["jurisdiction"])
TreeAdmin = Annotated[Principal, Depends(requires(Perm.ADMIN_TREE))]


@router.get("/nodes", response_model=list[NodeOut], summary="辖区节点（本辖区及下级）")
def list_nodes(
    session: DbSession,
    principal: CurrentPrincipal,
    max_level: Annotated[int | None, Query(ge=1, le=4)] = None,
) -> list[NodeOut]:
    return [NodeOut.model_validate(n) for n in service.nodes_in_scope(session, principal, max_level)]


@router.get("/nodes/export", summary="导出辖区树（CSV 或 JSON）")
def export_nodes(
    session: DbSession, actor: TreeAdmin, format: Literal["csv", "json"] = "csv"
) -> PlainTextResponse:
    text = service.rows_to_text(service.export_rows(session, actor.scope_path), format)
    media = "application/json" if format == "json" else "text/csv; charset=utf-8"
    return PlainTextResponse(text, media_type=media)


@router.get("/nodes/{code}", response_model=NodeOut, summary="单个节点")
def get_node(code: str, session: DbSession, principal: CurrentPrincipal) -> NodeOut:
    return NodeOut.model_validate(service.node_in_scope(session, code, principal.scope_path))


@router.post("/nodes", response_model=NodeOut, status_code=201, summary="新增节点")
def create_node(data: NodeIn, session: DbSession, actor: TreeAdmin) -> NodeOut:
    return NodeOut.model_validate(service.create_node_in_scope(session, data, actor))


@router.post("/nodes/import", response_model=list[NodeOut], status_code=201, summary="导入 CSV/JSON")
def import_nodes(
    file: Annotated[UploadFile, File(description="辖区节点文件（CSV 或 JSON，列同 NodeIn）")],
    session: DbSession,
    actor: TreeAdmin,
) -> list[NodeOut]:
    rows = service.rows_from_upload(file.file.read(), file.filename)
    return [NodeOut.model_validate(n) for n in service.import_nodes_in_scope(session, rows, actor)]


@router.get("/units", response_model=list[UnitOut], summary="辖区内单位")
def list_units(session: DbSession, principal: CurrentPrincipal) -> list[UnitOut]:
    return [UnitOut.model_validate(u) for u in service.units_in_scope(session, principal)]


@router.post("/units", response_model=UnitOut, status_code=201, summary="新增单位")
def create_unit(data: UnitIn, session: DbSession, actor: TreeAdmin) -> UnitOut:
    return UnitOut.model_validate(service.create_unit_in_scope(session, data, actor))

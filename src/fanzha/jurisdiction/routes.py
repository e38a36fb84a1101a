"""The tree and its units, limited to the caller's subtree."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, UploadFile
from fastapi.responses import PlainTextResponse

from fanzha.accounts.deps import CurrentPrincipal, DbSession, requires
from fanzha.accounts.principal import Principal
from fanzha.accounts.roles import Perm
from fanzha.core.errors import ValidationFailed
from fanzha.jurisdiction import repository as repo
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
    return [NodeOut.model_validate(n) for n in repo.subtree(session, principal.scope_path, max_level)]


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


def _parents_in_scope(session: DbSession, items: list[dict[str, object]], actor: Principal) -> None:
    for index, row in enumerate(items, start=1):
        parent = row.get("parent_code")
        if not parent:
            if actor.scope_path != "/" and actor.kind != "system":
                raise ValidationFailed.on(f"第{index}行.parent_code", "只能在本辖区内新增节点")
            continue
        node = repo.node_by_code(session, str(parent))
        if node is not None and not actor.sees(node.path):
            raise ValidationFailed.on(f"第{index}行.parent_code", "上级节点不在您的管辖范围内")


@router.post("/nodes", response_model=NodeOut, status_code=201, summary="新增节点")
def create_node(data: NodeIn, session: DbSession, actor: TreeAdmin) -> NodeOut:
    _parents_in_scope(session, [data.model_dump()], actor)
    return NodeOut.model_validate(service.create_node(session, data, actor.actor))


@router.post("/nodes/import", response_model=list[NodeOut], status_code=201, summary="导入 CSV/JSON")
async def import_nodes(file: UploadFile, session: DbSession, actor: TreeAdmin) -> list[NodeOut]:
    raw = await file.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed.on("file", "文件必须是 UTF-8 编码") from exc
    fmt = "json" if (file.filename or "").lower().endswith(".json") else "csv"
    rows = service.rows_from_text(text, fmt)
    _parents_in_scope(session, rows, actor)
    return [NodeOut.model_validate(n) for n in service.import_nodes(session, rows, actor.actor)]


@router.get("/units", response_model=list[UnitOut], summary="辖区内单位")
def list_units(session: DbSession, principal: CurrentPrincipal) -> list[UnitOut]:
    return [UnitOut.model_validate(u) for u in repo.units_within(session, principal.scope_path)]


@router.post("/units", response_model=UnitOut, status_code=201, summary="新增单位")
def create_unit(data: UnitIn, session: DbSession, actor: TreeAdmin) -> UnitOut:
    if not actor.sees(service.require_node(session, data.node_code).path):
        raise ValidationFailed.on("node_code", "辖区节点不在您的管辖范围内")
    return UnitOut.model_validate(service.create_unit(session, data, actor))

"""Administration pages: the jurisdiction tree, units, users and API keys."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response, UploadFile

from fanzha.accounts import service as accounts
from fanzha.accounts.deps import DbSession, requires
from fanzha.accounts.schemas import ApiKeyIn, UserIn, UserPatch
from fanzha.core.principal import Principal
from fanzha.core.roles import CLIENT_SCOPES, Perm, Role
from fanzha.jurisdiction import service as tree
from fanzha.jurisdiction.models import Level, UnitKind
from fanzha.jurisdiction.schemas import UnitIn
from fanzha.warnings.deadlines import DEFAULTS, Norm, Norms, set_norm
from fanzha.warnings.models import Level as WarningLevel
from fanzha.warnings.models import Source
from fanzha.warnings.schemas import SettingIn
from fanzha.web.forms import validated
from fanzha.web.render import page, redirect

router = APIRouter(prefix="/admin", include_in_schema=False)

TreeAdmin = Annotated[Principal, Depends(requires(Perm.ADMIN_TREE))]
UserAdmin = Annotated[Principal, Depends(requires(Perm.ADMIN_USERS))]
KeyAdmin = Annotated[Principal, Depends(requires(Perm.ADMIN_KEYS))]
SettingsAdmin = Annotated[Principal, Depends(requires(Perm.ADMIN_SETTINGS))]

SCOPE_LABELS = {
    Perm.WARNINGS_INTAKE: "推送预警指令",
    Perm.WARNINGS_FEEDBACK: "接收处置反馈",
    Perm.DETECT_USE: "调用研判接口",
    Perm.FUNDS_BANK: "银行止付冻结回执",
    Perm.FUNDS_CHECK: "账户风险查询",
}


@router.get("/tree")
def tree_page(request: Request, session: DbSession, actor: TreeAdmin, node: str | None = None) -> Response:
    view = tree.tree_view(session, actor, node)
    ctx = {"current": view.current, "trail": view.trail, "children": view.children, "levels": list(Level)}
    return page(request, "admin/tree.html", actor, ctx)


@router.post("/tree/import")
def tree_import(request: Request, session: DbSession, actor: TreeAdmin, file: UploadFile) -> Response:
    rows = tree.rows_from_upload(file.file.read(), file.filename)
    created = tree.import_nodes_in_scope(session, rows, actor)
    return page(request, "admin/imported.html", actor, {"created": created})


UNITS_PER_PAGE = 50


@router.get("/units")
def units_page(
    request: Request,
    session: DbSession,
    actor: TreeAdmin,
    q: str = "",
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    units, total = tree.search_units(session, actor.scope_path, q, page_no, UNITS_PER_PAGE)
    ctx = {
        "units": units,
        "kinds": {k: k.label for k in UnitKind},
        "q": q,
        "total": total,
        "page_no": page_no,
        "pages": max(1, -(-total // UNITS_PER_PAGE)),
        "query": urlencode({"q": q} if q else {}),
    }
    return page(request, "admin/units.html", actor, ctx)


@router.post("/units")
def create_unit(
    session: DbSession,
    actor: TreeAdmin,
    name: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    node_code: Annotated[str, Form()],
    bank_code: Annotated[str, Form()] = "",
) -> Response:
    data = validated(UnitIn, name=name, kind=kind, node_code=node_code, bank_code=bank_code or None)
    tree.create_unit_in_scope(session, data, actor)
    return redirect("/admin/units")


@router.get("/users")
def users_page(request: Request, session: DbSession, actor: UserAdmin) -> Response:
    ctx = {
        "users": accounts.list_users(session, actor),
        "units": {u.id: u for u in tree.units_in_scope(session, actor)},
        "roles": list(Role),
    }
    return page(request, "admin/users.html", actor, ctx)


@router.post("/users")
def create_user(
    session: DbSession,
    actor: UserAdmin,
    username: Annotated[str, Form()],
    display_name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()],
    unit_id: Annotated[int, Form()],
) -> Response:
    data = validated(
        UserIn, username=username, display_name=display_name, password=password, role=role, unit_id=unit_id
    )
    accounts.create_user(session, data, actor)
    return redirect("/admin/users")


@router.post("/users/{user_id}")
def update_user(
    user_id: int,
    session: DbSession,
    actor: UserAdmin,
    role: Annotated[str, Form()],
    on_duty: Annotated[bool, Form()] = False,
    active: Annotated[bool, Form()] = False,
) -> Response:
    accounts.update_user(
        session, user_id, validated(UserPatch, role=role, on_duty=on_duty, active=active), actor
    )
    return redirect("/admin/users")


def _keys_page(request: Request, session: DbSession, actor: Principal, token: str | None = None) -> Response:
    ctx = {
        "keys": accounts.list_api_keys(session, actor),
        "units": {u.id: u for u in tree.units_in_scope(session, actor)},
        "scopes": {str(s): SCOPE_LABELS[s] for s in sorted(CLIENT_SCOPES)},
        "sources": {s.value: s.label for s in Source},
        "token": token,
    }
    return page(request, "admin/keys.html", actor, ctx)


@router.get("/keys")
def keys_page(request: Request, session: DbSession, actor: KeyAdmin) -> Response:
    return _keys_page(request, session, actor)


@router.post("/keys")
def create_key(
    request: Request,
    session: DbSession,
    actor: KeyAdmin,
    name: Annotated[str, Form()],
    unit_id: Annotated[int, Form()],
    scopes: Annotated[list[str], Form()],
    sources: Annotated[list[str] | None, Form()] = None,
) -> Response:
    data = validated(ApiKeyIn, name=name, unit_id=unit_id, scopes=scopes, sources=sources or [])
    _, token = accounts.create_api_key(session, data, actor)
    # The token is shown in this one response only; it is stored as a digest.
    return _keys_page(request, session, actor, token)


@router.post("/keys/{key_id}/revoke")
def revoke_key(key_id: int, session: DbSession, actor: KeyAdmin) -> Response:
    accounts.revoke_api_key(session, key_id, actor)
    return redirect("/admin/keys")


@router.get("/deadlines")
def deadlines_page(
    request: Request, session: DbSession, actor: SettingsAdmin, node: str | None = None
) -> Response:
    """Handling deadlines per warning level in force for a node (its own or the nearest ancestor's)."""
    code = node or actor.scope_path.strip("/").split("/")[-1]
    current = tree.node_in_scope(session, code, actor.scope_path)
    norms = Norms(session)
    rows = [(lv, norms.for_path(current.path, lv.value), DEFAULTS[lv.value]) for lv in WarningLevel]
    return page(request, "admin/deadlines.html", actor, {"current": current, "rows": rows})


@router.post("/deadlines")
def set_deadline(
    session: DbSession,
    actor: SettingsAdmin,
    node_code: Annotated[str, Form()],
    level: Annotated[str, Form()],
    contact_min: Annotated[int, Form()],
    close_min: Annotated[int, Form()],
    visit_min: Annotated[str, Form()] = "",
    auto_assign: Annotated[bool, Form()] = False,
) -> Response:
    data = validated(
        SettingIn,
        node_code=node_code,
        level=level,
        contact_min=contact_min,
        visit_min=visit_min.strip() or None,
        close_min=close_min,
        auto_assign=auto_assign,
    )
    node = tree.node_in_scope(session, data.node_code, actor.scope_path)
    norm = Norm(data.contact_min, data.visit_min, data.close_min, data.auto_assign)
    set_norm(session, node.id, node.path, data.level.value, norm, actor.actor)
    return redirect(f"/admin/deadlines?node={node.code}")

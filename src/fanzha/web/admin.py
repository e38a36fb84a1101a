"""Administration pages: the jurisdiction tree, units, users and API keys."""

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response, UploadFile
from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.accounts.deps import DbSession, requires
from fanzha.accounts.schemas import ApiKeyIn, UserIn, UserPatch
from fanzha.core.errors import FanzhaError
from fanzha.core.principal import Principal
from fanzha.core.roles import CLIENT_SCOPE_LABELS, Perm, Role
from fanzha.jurisdiction import service as tree
from fanzha.jurisdiction.models import Level, UnitKind
from fanzha.jurisdiction.schemas import UnitIn
from fanzha.warnings.deadlines import DEFAULTS, Norm, Norms, set_norm
from fanzha.warnings.models import Level as WarningLevel
from fanzha.warnings.models import Source
from fanzha.warnings.schemas import SettingIn
from fanzha.web.forms import attempt, validated
from fanzha.web.render import page, redirect

router = APIRouter(prefix="/admin", include_in_schema=False)

TreeAdmin = Annotated[Principal, Depends(requires(Perm.ADMIN_TREE))]
UserAdmin = Annotated[Principal, Depends(requires(Perm.ADMIN_USERS))]
KeyAdmin = Annotated[Principal, Depends(requires(Perm.ADMIN_KEYS))]
SettingsAdmin = Annotated[Principal, Depends(requires(Perm.ADMIN_SETTINGS))]


@dataclass(frozen=True)
class Refused:
    """A form the service refused: why, and what was typed, to show the form again."""

    error: FanzhaError
    typed: dict[str, Any]


def _refusal(failed: Refused | None) -> dict[str, Any]:
    return {"error": failed.error.message if failed else "", "typed": failed.typed if failed else {}}


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


def _units_page(
    request: Request,
    session: Session,
    actor: Principal,
    q: str = "",
    page_no: int = 1,
    failed: Refused | None = None,
) -> Response:
    units, total = tree.search_units(session, actor.scope_path, q, page_no, UNITS_PER_PAGE)
    ctx = {
        **_refusal(failed),
        "units": units,
        "kinds": {k: k.label for k in UnitKind},
        "q": q,
        "total": total,
        "page_no": page_no,
        "pages": max(1, -(-total // UNITS_PER_PAGE)),
        "query": urlencode({"q": q} if q else {}),
    }
    return page(request, "admin/units.html", actor, ctx, status_code=failed.error.status if failed else 200)


@router.get("/units")
def units_page(
    request: Request,
    session: DbSession,
    actor: TreeAdmin,
    q: str = "",
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    return _units_page(request, session, actor, q, page_no)


@router.post("/units")
def create_unit(
    request: Request,
    session: DbSession,
    actor: TreeAdmin,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    node_code: Annotated[str, Form()] = "",
    bank_code: Annotated[str, Form()] = "",
) -> Response:
    typed = {"name": name, "kind": kind, "node_code": node_code, "bank_code": bank_code}

    def step() -> object:
        data = validated(UnitIn, name=name, kind=kind, node_code=node_code, bank_code=bank_code or None)
        return tree.create_unit_in_scope(session, data, actor)

    done = attempt(session, step)
    if isinstance(done, FanzhaError):
        return _units_page(request, session, actor, failed=Refused(done, typed))
    return redirect("/admin/units")


def _users_page(
    request: Request, session: Session, actor: Principal, failed: Refused | None = None
) -> Response:
    ctx = {
        **_refusal(failed),
        "users": accounts.list_users(session, actor),
        "units": {u.id: u for u in tree.units_in_scope(session, actor)},
        "roles": list(Role),
    }
    return page(request, "admin/users.html", actor, ctx, status_code=failed.error.status if failed else 200)


@router.get("/users")
def users_page(request: Request, session: DbSession, actor: UserAdmin) -> Response:
    return _users_page(request, session, actor)


@router.post("/users")
def create_user(
    request: Request,
    session: DbSession,
    actor: UserAdmin,
    username: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    unit_id: Annotated[str, Form()] = "",
) -> Response:
    def step() -> object:
        fields = {"username": username, "display_name": display_name, "password": password}
        return accounts.create_user(session, validated(UserIn, **fields, role=role, unit_id=unit_id), actor)

    done = attempt(session, step)
    if isinstance(done, FanzhaError):  # everything but the password comes back as typed
        typed = {"username": username, "display_name": display_name, "role": role, "unit_id": unit_id}
        return _users_page(request, session, actor, Refused(done, typed))
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


def _keys_page(
    request: Request,
    session: Session,
    actor: Principal,
    token: str | None = None,
    failed: Refused | None = None,
) -> Response:
    ctx = {
        **_refusal(failed),
        "keys": accounts.list_api_keys(session, actor),
        "units": {u.id: u for u in tree.units_in_scope(session, actor)},
        "scopes": {str(s): label for s, label in sorted(CLIENT_SCOPE_LABELS.items())},
        "sources": {s.value: s.label for s in Source},
        "token": token,
    }
    return page(request, "admin/keys.html", actor, ctx, status_code=failed.error.status if failed else 200)


@router.get("/keys")
def keys_page(request: Request, session: DbSession, actor: KeyAdmin) -> Response:
    return _keys_page(request, session, actor)


@router.post("/keys")
def create_key(
    request: Request,
    session: DbSession,
    actor: KeyAdmin,
    name: Annotated[str, Form()] = "",
    unit_id: Annotated[str, Form()] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
    sources: Annotated[list[str] | None, Form()] = None,
) -> Response:
    def step() -> str:
        data = validated(ApiKeyIn, name=name, unit_id=unit_id, scopes=scopes or [], sources=sources or [])
        return accounts.create_api_key(session, data, actor)[1]

    token = attempt(session, step)
    if isinstance(token, FanzhaError):
        typed = {"name": name, "unit_id": unit_id, "scopes": scopes or [], "sources": sources or []}
        return _keys_page(request, session, actor, failed=Refused(token, typed))
    # The token is shown in this one response only; it is stored as a digest.
    return _keys_page(request, session, actor, token)


@router.post("/keys/{key_id}/revoke")
def revoke_key(key_id: int, session: DbSession, actor: KeyAdmin) -> Response:
    accounts.revoke_api_key(session, key_id, actor)
    return redirect("/admin/keys")


def _deadlines_page(
    request: Request, session: Session, actor: Principal, node: str | None, failed: Refused | None = None
) -> Response:
    code = node or actor.scope_path.strip("/").split("/")[-1]
    current = tree.node_in_scope(session, code, actor.scope_path)
    norms = Norms(session)
    rows = [(lv, norms.for_path(current.path, lv.value), DEFAULTS[lv.value]) for lv in WarningLevel]
    ctx = {**_refusal(failed), "current": current, "rows": rows}
    return page(
        request, "admin/deadlines.html", actor, ctx, status_code=failed.error.status if failed else 200
    )


@router.get("/deadlines")
def deadlines_page(
    request: Request, session: DbSession, actor: SettingsAdmin, node: str | None = None
) -> Response:
    """Handling deadlines per warning level in force for a node (its own or the nearest ancestor's)."""
    return _deadlines_page(request, session, actor, node)


@router.post("/deadlines")
def set_deadline(
    request: Request,
    session: DbSession,
    actor: SettingsAdmin,
    node_code: Annotated[str, Form()],
    level: Annotated[str, Form()],
    contact_min: Annotated[str, Form()] = "",
    close_min: Annotated[str, Form()] = "",
    visit_min: Annotated[str, Form()] = "",
    auto_assign: Annotated[bool, Form()] = False,
) -> Response:
    def step() -> str:
        data = validated(
            SettingIn,
            node_code=node_code,
            level=level,
            contact_min=contact_min.strip() or None,
            visit_min=visit_min.strip() or None,
            close_min=close_min.strip() or None,
            auto_assign=auto_assign,
        )
        node = tree.node_in_scope(session, data.node_code, actor.scope_path)
        norm = Norm(data.contact_min, data.visit_min, data.close_min, data.auto_assign)
        set_norm(session, node.id, node.path, data.level.value, norm, actor.actor)
        return node.code

    done = attempt(session, step)
    if isinstance(done, FanzhaError):  # the level's row shows what was typed and what is wrong
        typed = {"level": level, "contact_min": contact_min, "visit_min": visit_min, "close_min": close_min}
        return _deadlines_page(
            request, session, actor, node_code, Refused(done, typed | {"auto": auto_assign})
        )
    return redirect(f"/admin/deadlines?node={done}")

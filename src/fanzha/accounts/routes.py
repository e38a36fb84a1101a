"""Login, the current principal, users and API keys."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from fanzha.accounts import service
from fanzha.accounts.deps import SESSION_COOKIE, CurrentPrincipal, DbSession, requires
from fanzha.accounts.schemas import (
    ApiKeyCreated,
    ApiKeyIn,
    ApiKeyOut,
    LoginIn,
    MeOut,
    UserIn,
    UserOut,
    UserPatch,
)
from fanzha.core.config import get_settings
from fanzha.core.errors import FanzhaError, render_error
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm

router = APIRouter(tags=["accounts"])

Admin = Annotated[Principal, Depends(requires(Perm.ADMIN_USERS))]
KeyAdmin = Annotated[Principal, Depends(requires(Perm.ADMIN_KEYS))]


def _me(p: Principal) -> MeOut:
    return MeOut(
        kind=p.kind,
        id=p.id,
        name=p.name,
        role=p.role,
        permissions=sorted(p.permissions),
        scope_path=p.scope_path,
        unit_id=p.unit_id,
        csrf_token=p.csrf_token,
    )


@router.post("/auth/login", response_model=MeOut, summary="登录（设置会话 Cookie）")
def login(data: LoginIn, request: Request, response: Response, session: DbSession) -> Response | MeOut:
    ip = request.client.host if request.client else "unknown"
    try:
        result = service.login(session, data.username, data.password, ip)
    except FanzhaError as err:
        # Returned, not raised, so the failed attempt is committed and counts for throttling.
        return render_error(request, err)
    response.set_cookie(
        SESSION_COOKIE,
        result.token,
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
        max_age=get_settings().session_hours * 3600,
    )
    return _me(service.principal_for_user(result.user, result.csrf_token))


@router.post("/auth/logout", status_code=204, summary="退出登录")
def logout(request: Request, response: Response, session: DbSession, _: CurrentPrincipal) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.logout(session, token)
    response.delete_cookie(SESSION_COOKIE)


@router.get("/auth/me", response_model=MeOut, summary="当前登录身份")
def me(principal: CurrentPrincipal) -> MeOut:
    return _me(principal)


@router.get("/users", response_model=list[UserOut], summary="辖区内的用户")
def list_users(session: DbSession, actor: Admin) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in service.list_users(session, actor)]


@router.post("/users", response_model=UserOut, status_code=201, summary="新建用户")
def create_user(data: UserIn, session: DbSession, actor: Admin) -> UserOut:
    return UserOut.model_validate(service.create_user(session, data, actor))


@router.patch("/users/{user_id}", response_model=UserOut, summary="修改角色、权限或状态")
def update_user(user_id: int, patch: UserPatch, session: DbSession, actor: Admin) -> UserOut:
    return UserOut.model_validate(service.update_user(session, user_id, patch, actor))


@router.get("/api-keys", response_model=list[ApiKeyOut], summary="机器客户端密钥")
def list_keys(session: DbSession, actor: KeyAdmin) -> list[ApiKeyOut]:
    return [ApiKeyOut.model_validate(k) for k in service.list_api_keys(session, actor)]


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=201, summary="签发密钥")
def create_key(data: ApiKeyIn, session: DbSession, actor: KeyAdmin) -> ApiKeyCreated:
    key, token = service.create_api_key(session, data, actor)
    return ApiKeyCreated.model_validate({**ApiKeyOut.model_validate(key).model_dump(), "token": token})


@router.post("/api-keys/{key_id}/revoke", response_model=ApiKeyOut, summary="吊销密钥")
def revoke_key(key_id: int, session: DbSession, actor: KeyAdmin) -> ApiKeyOut:
    return ApiKeyOut.model_validate(service.revoke_api_key(session, key_id, actor))

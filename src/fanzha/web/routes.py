"""Login, logout, the per-role home page, and mounting the console onto the app."""

from typing import Annotated

from fastapi import APIRouter, FastAPI, Form, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from fanzha.accounts import service as accounts
from fanzha.accounts.deps import SESSION_COOKIE, CurrentPrincipal, DbSession, OptionalPrincipal
from fanzha.accounts.roles import Perm
from fanzha.core.config import get_settings
from fanzha.core.errors import FanzhaError
from fanzha.web import admin, cases, check, dashboard, funds, mules, public, reports, trace, warnings
from fanzha.web.render import STATIC_DIR, available_pages, page, redirect, safe_next

router = APIRouter(include_in_schema=False)

# Everything the browser loads comes from this app; the policy makes the browser refuse the rest.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'"
)


@router.get("/login")
def login_form(request: Request, principal: OptionalPrincipal, next: str | None = None) -> Response:
    if principal is not None and principal.kind == "user":
        return redirect(safe_next(next))
    return page(request, "login.html", None, {"next": safe_next(next)})


@router.post("/login")
def login(
    request: Request,
    session: DbSession,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    ip = request.client.host if request.client else "unknown"
    try:
        result = accounts.login(session, username, password, ip)
    except FanzhaError as err:
        # Rendered, not raised: the failed attempt must be committed to count towards the lockout.
        ctx = {"next": safe_next(next), "error": err.message, "username": username}
        return page(request, "login.html", None, ctx, status_code=err.status)
    response = redirect(safe_next(next))
    s = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        result.token,
        httponly=True,
        samesite="lax",
        secure=s.secure_cookies,
        max_age=s.session_hours * 3600,
    )
    return response


@router.post("/logout")
def logout(request: Request, session: DbSession, _: CurrentPrincipal) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.logout(session, token)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


# Home tiles: (permission, href, title, what the page is for).
TILES = [
    (Perm.WARNINGS_WORK, "/queue", "工作队列", "领取下一条预警，联系当事人，记录劝阻结果"),
    (Perm.STATS_READ, "/dashboard", "指挥大屏", "今日预警、超时环节、劝阻成功率与趋势"),
    (Perm.WARNINGS_READ, "/warnings", "预警指令", "检索、筛选、查看处置时间线、改派"),
    (Perm.CASES_READ, "/cases", "案件", "案件列表与详情"),
    (Perm.FUNDS_REQUEST, "/funds/requests", "止付冻结", "申请、审批紧急止付与冻结，48 小时倒计时"),
    (Perm.FUNDS_BANK, "/funds/requests", "止付冻结", "本行待执行的止付冻结请求，录入执行回执"),
    (Perm.FUNDS_REQUEST, "/funds/trace", "资金查控", "从受害人账户追踪资金流向，一键止付下游账户"),
    (Perm.ADMIN_USERS, "/admin/users", "系统管理", "辖区树、单位、用户、API 密钥与时限"),
    (Perm.DETECT_USE, "/check", "反诈自查", "粘贴短信或输入号码、链接、账号，查看研判结果"),
]


@router.get("/")
def home(request: Request, principal: OptionalPrincipal) -> Response:
    if principal is None:
        return redirect("/login")
    available = available_pages(request)
    tiles = [t for t in TILES if principal.can(t[0]) and t[1] in available]
    return page(request, "home.html", principal, {"tiles": tiles})


class _SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        if not request.url.path.startswith("/api/"):
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


def install_web(app: FastAPI) -> None:
    """Mount the console: pages, /static, and the headers that keep the browser on this origin."""
    for r in (
        router,
        admin.router,
        cases.router,
        check.router,
        dashboard.router,
        funds.router,
        trace.router,
        mules.router,
        public.router,
        reports.router,
        warnings.router,
    ):
        app.include_router(r)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(_SecurityHeaders)

"""Templates, the shared page context and the small helpers every page uses."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.routing import Match

from fanzha.accounts.principal import Principal
from fanzha.accounts.roles import Perm, Role
from fanzha.core.timeutil import format_local
from fanzha.funds.models import RequestKind

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
ROLE_BY_VALUE = {r.value: r for r in Role}
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["local"] = format_local
templates.env.globals["role_label"] = lambda role: (
    ROLE_BY_VALUE[role].label if role in ROLE_BY_VALUE else role
)

# Audit action codes as officers read them in a record's history.
ACTION_LABELS = {
    "case.register": "登记案件",
    "case.status": "变更案件状态",
    "pii.reveal": "查看完整个人信息",
    **{f"funds.request.{k.value}": f"申请{k.label}" for k in RequestKind},
    "funds.approve": "审批通过",
    "funds.reject": "驳回",
    "funds.acknowledge": "银行回执",
    "funds.expiry_warning": "到期提醒",
    "funds.expired": "到期解除",
}
templates.env.filters["action"] = lambda code: ACTION_LABELS.get(code, code)

LARGE_TEXT_COOKIE = "fanzha_large_text"

# (permission, href, label): the console's menu; an entry shows only to whoever holds it.
NAV: list[tuple[Perm, str, str]] = [
    (Perm.WARNINGS_WORK, "/queue", "工作队列"),
    (Perm.WARNINGS_READ, "/warnings", "预警指令"),
    (Perm.CASES_READ, "/cases", "案件"),
    (Perm.FUNDS_REQUEST, "/funds/requests", "止付冻结"),
    (Perm.FUNDS_APPROVE, "/funds/requests", "止付冻结"),
    (Perm.FUNDS_BANK, "/funds/requests", "止付冻结"),
    (Perm.FUNDS_REQUEST, "/funds/trace", "资金查控"),
    (Perm.FUNDS_REQUEST, "/funds/mule-scores", "账户评分"),
    (Perm.FUNDS_REQUEST, "/funds/punishment", "断卡名单"),
    (Perm.STATS_READ, "/dashboard", "指挥大屏"),
    (Perm.STATS_READ, "/bulletins", "通报"),
    (Perm.ADMIN_TREE, "/admin/tree", "辖区"),
    (Perm.ADMIN_TREE, "/admin/units", "单位"),
    (Perm.ADMIN_USERS, "/admin/users", "用户"),
    (Perm.ADMIN_KEYS, "/admin/keys", "API 密钥"),
    (Perm.ADMIN_SETTINGS, "/admin/deadlines", "时限设置"),
]
PUBLIC_NAV = [("/check", "反诈自查"), ("/report", "我要举报")]


def nav_for(principal: Principal | None, available: set[str]) -> list[tuple[str, str]]:
    """Menu entries the principal may use, limited to pages this install actually serves."""
    if principal is None:
        return []
    entries = [(href, label) for perm, href, label in NAV if principal.can(perm) and href in available]
    return list(dict.fromkeys(entries))  # one entry per page, whichever permission opened it


def _serves(app: Any, path: str) -> bool:
    scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
    return any(route.matches(scope)[0] == Match.FULL for route in app.routes)


def available_pages(request: Request) -> set[str]:
    """Menu paths the app serves, so menus never link to a page that is not installed."""
    state = request.app.state
    if not hasattr(state, "web_pages"):
        menu = {href for _, href, _ in NAV} | {href for href, _ in PUBLIC_NAV}
        state.web_pages = {href for href in menu if _serves(request.app, href)}
    pages: set[str] = state.web_pages
    return pages


def page(
    request: Request,
    template: str,
    principal: Principal | None,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    available = available_pages(request)
    ctx = {
        "principal": principal,
        "csrf_token": principal.csrf_token if principal else "",
        "nav": nav_for(principal, available),
        "public_nav": [(href, label) for href, label in PUBLIC_NAV if href in available],
        "path": request.url.path,
        "large_text": request.cookies.get(LARGE_TEXT_COOKIE) == "1",
        **(context or {}),
    }
    return templates.TemplateResponse(request, template, ctx, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    """After a form post: see-other, so a reload does not post again."""
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None) -> str:
    """Only same-site paths after login, never another host."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target

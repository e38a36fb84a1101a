"""Templates, the shared page context and the small helpers every page uses."""

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.routing import Match

from fanzha.capabilities import CAPABILITIES
from fanzha.core.principal import Principal
from fanzha.core.registry import MenuEntry, load
from fanzha.core.roles import Role
from fanzha.core.timeutil import format_local, format_local_hm
from fanzha.core.vocab import IDENTIFIER_LABELS

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
ROLE_BY_VALUE = {r.value: r for r in Role}
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["local"] = format_local
templates.env.filters["hm"] = format_local_hm
templates.env.filters["identifier"] = lambda kind: IDENTIFIER_LABELS.get(kind, kind)
_EMERGENCY = re.compile(r"(?<!\d)(110|96110)(?!\d)")


def tel_links(text: str) -> Markup:
    """Advice text with 110 and 96110 as numbers a phone can call with one tap."""
    return Markup(_EMERGENCY.sub(r'<a class="tel" href="tel:\1">\1</a>', str(escape(text))))


templates.env.filters["tel_links"] = tel_links
templates.env.globals["role_label"] = lambda role: (
    ROLE_BY_VALUE[role].label if role in ROLE_BY_VALUE else role
)

# Audit action codes as officers read them in a record's history, from every capability.
ACTION_LABELS: dict[str, str] = {
    code: label
    for capability in CAPABILITIES
    if capability.audit_labels
    for code, label in load(capability.audit_labels).items()
}
templates.env.filters["action"] = lambda code: ACTION_LABELS.get(code, code)

LARGE_TEXT_COOKIE = "fanzha_large_text"

# The console's menu from every capability: work pages first, administration last.
_ENTRIES = [entry for capability in CAPABILITIES for entry in capability.menu]
NAV: list[MenuEntry] = sorted((e for e in _ENTRIES if e.perm is not None), key=lambda e: e.admin)
PUBLIC_NAV: list[tuple[str, str]] = [(e.href, e.label) for e in _ENTRIES if e.perm is None]


def can_open(principal: Principal, entry: MenuEntry) -> bool:
    return entry.perm is not None and principal.can(entry.perm)


def nav_for(principal: Principal | None, available: set[str]) -> list[MenuEntry]:
    """Menu entries the principal may use, limited to pages this install actually serves: one
    per page, whichever permission opened it (one with a badge where the principal has one)."""
    if principal is None:
        return []
    chosen: dict[str, MenuEntry] = {}
    for e in (e for e in NAV if can_open(principal, e) and e.href in available):
        if e.href not in chosen or (e.badge and not chosen[e.href].badge):
            chosen[e.href] = e
    return list(chosen.values())


def _serves(app: Any, path: str) -> bool:
    scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
    return any(route.matches(scope)[0] == Match.FULL for route in app.routes)


def available_pages(request: Request) -> set[str]:
    """Menu paths the app serves, so menus never link to a page that is not installed."""
    state = request.app.state
    if not hasattr(state, "web_pages"):
        menu = {e.href for e in NAV} | {href for href, _ in PUBLIC_NAV}
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

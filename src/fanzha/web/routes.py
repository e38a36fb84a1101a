"""Login, logout, the per-role home page, and mounting the console onto the app."""

from typing import Annotated

from fastapi import APIRouter, FastAPI, Form, Request, Response
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fanzha.accounts import service as accounts
from fanzha.accounts.deps import SESSION_COOKIE, CurrentPrincipal, DbSession, OptionalPrincipal
from fanzha.capabilities import CAPABILITIES
from fanzha.core.config import get_settings
from fanzha.core.errors import FanzhaError
from fanzha.core.registry import load
from fanzha.jurisdiction.service import trail_of
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


# Home tiles from every capability.
TILES = [tile for capability in CAPABILITIES for tile in capability.tiles]


@router.get("/")
def home(request: Request, session: DbSession, principal: OptionalPrincipal) -> Response:
    if principal is None:
        return redirect("/login")
    available = available_pages(request)
    tiles = [t for t in TILES if principal.can(t.perm) and t.href in available]
    ctx = {
        "tiles": tiles,
        "me": accounts.describe_actors(session, [principal.actor])[principal.actor],
        "scope": trail_of(session, principal.scope_path),
    }
    return page(request, "home.html", principal, ctx)


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page says: the same icon as the pages link."""
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


_NO_STORE = (b"cache-control", b"no-store")
_PAGE_HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff")]


class _SecurityHeaders:
    """Headers on every answer. A plain ASGI middleware: Starlette's BaseHTTPMiddleware ran each
    request through an extra task and a memory stream, on every request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        extra: list[tuple[bytes, bytes]] = []
        if not path.startswith("/static/"):
            # Pages and API answers carry personal data: no browser or proxy may keep a copy.
            extra.append(_NO_STORE)
        if not path.startswith("/api/"):
            extra += _PAGE_HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":  # raw pairs: a header the answer set wins
                raw = message.get("headers", [])
                have = {name.lower() for name, _ in raw}
                message["headers"] = [*raw, *(h for h in extra if h[0] not in have)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_web(app: FastAPI) -> None:
    """Mount the console: pages, /static, and the headers that keep the browser on this origin."""
    for capability in CAPABILITIES:
        for target in capability.web_routers:
            app.include_router(load(target))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(_SecurityHeaders)

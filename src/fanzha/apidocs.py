"""The API's documentation page and its security schemes, served by this server alone.

FastAPI's default page loads Swagger UI from a CDN, which an air-gapped police network cannot
reach (the page stays blank); here it comes from ``/static/vendor``, installed from npm with the
console's other assets.

``/redoc`` (FastAPI's second page, a common bookmark) answers with a redirect to that page. ReDoc
itself is not shipped: its npm package needs React, MobX and styled-components beside it and its
page fetches web fonts, so serving it offline would add a second JavaScript stack for the same
document; one local page that works air-gapped was preferred.
"""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse

from fanzha.accounts.deps import CSRF_HEADER, SESSION_COOKIE

DOCS_PATH = "/api/v1/docs"
REDOC_PATH = "/redoc"
VENDOR = "/static/vendor"

SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "apiKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "机器客户端的 API 密钥（`fanzha keys create` 签发）：`Authorization: Bearer <密钥>`",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "在控制台登录后浏览器持有的会话 Cookie",
    },
    "csrf": {
        "type": "apiKey",
        "in": "header",
        "name": CSRF_HEADER,
        "description": "用会话 Cookie 调用写操作（POST/PUT/PATCH/DELETE）时必须带上：登录会话的 CSRF 令牌",
    },
}
# Either an API key, or a console session with its CSRF header (needed on writes).
SIGNED_IN: list[dict[str, list[str]]] = [{"apiKey": []}, {"session": [], "csrf": []}]


def api_docs(request: Request) -> HTMLResponse:
    app = request.app
    return get_swagger_ui_html(
        openapi_url=app.openapi_url or "",
        title=f"{app.title} · 接口文档",
        swagger_js_url=f"{VENDOR}/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )


def redoc() -> RedirectResponse:
    return RedirectResponse(DOCS_PATH, status_code=308)


def install_api_docs(app: FastAPI) -> None:
    """Serve the Swagger UI page from local assets and declare how clients sign in.

    The pages are module-level endpoints, not closures over ``app``: FastAPI keeps every endpoint
    it classifies in a process-wide cache of 4,096 entries, so a closure per app kept each app
    (about 5 MB) alive; the test suite builds one app per test and grew to gigabytes.
    """
    app.add_api_route(DOCS_PATH, api_docs, methods=["GET"], include_in_schema=False)
    app.add_api_route(REDOC_PATH, redoc, methods=["GET"], include_in_schema=False)

    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # cached by FastAPI after the first call
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        for operation in _operations(schema):
            if "security" in operation:  # marked by the principal dependency's bearer scheme
                operation["security"] = SIGNED_IN
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for path in schema.get("paths", {}).values() for op in path.values() if isinstance(op, dict)]

"""A cap on request bodies, so nobody (signed in or not) can make the server buffer 100 MB.

A declared Content-Length over the cap is refused before any of the body is read; a body
sent without one (chunked) is counted as it streams in and refused once it passes the cap.
Either way the answer is 413 in the one error shape.
"""

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fanzha.core.errors import FanzhaError, render_error

TOO_LARGE = "payload_too_large"


def too_large_message(max_bytes: int) -> str:
    return f"请求内容过大：最多 {max_bytes // (1024 * 1024)} MB，请拆分后分批提交"


class BodyLimit:
    """ASGI middleware refusing request bodies over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            err = FanzhaError(too_large_message(self.max_bytes), [], 413, TOO_LARGE)
            await render_error(Request(scope), err)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # An HTTPException passes FastAPI's body parsing unchanged (anything else
                    # becomes a 400); the error handler renders it in the one shape.
                    raise HTTPException(413, too_large_message(self.max_bytes))
            return message

        await self.app(scope, counted, send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0

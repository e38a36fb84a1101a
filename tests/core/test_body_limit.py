"""Request bodies over Settings.max_body_bytes are refused with 413 in the one error shape,
signed in or not: a declared length before any of the body is read, a chunked body as soon as
it passes the cap."""

import asyncio
import json
from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message

from fanzha.core.config import get_settings

LIMIT = get_settings().max_body_bytes
MiB = 1024 * 1024


def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body(app: FastAPI) -> None:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/warnings/batch",
        "raw_path": b"/api/v1/warnings/batch",
        "query_string": b"",
        "headers": [(b"content-length", str(100 * MiB).encode()), (b"content-type", b"application/json")],
        "scheme": "http",
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 1234),
        "root_path": "",
        "http_version": "1.1",
    }
    sent: list[Message] = []

    async def receive() -> Message:
        raise AssertionError("the body must not be read")

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"]["code"] == "payload_too_large"


def test_a_chunked_body_past_the_limit_is_refused(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(LIMIT // MiB + 2):
            yield b" " * MiB

    r = client.post("/api/v1/warnings/batch", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    error = r.json()["error"]
    assert error["code"] == "payload_too_large" and "请求内容过大" in error["message"]


def test_a_body_within_the_limit_reaches_the_route(client: TestClient) -> None:
    r = client.post(
        "/api/v1/warnings/batch",
        content=b"[" + b" " * MiB + b"]",
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 401  # past the limit check: the route asks who is calling

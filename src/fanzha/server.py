"""Starting the HTTP server, shared by ``fanzha serve`` and ``fanzha demo --serve``."""

from typing import Any

import uvicorn

from fanzha.app import create_app
from fanzha.core.clitools import console


def run_server(host: str, port: int, workers: int = 1) -> None:
    """One process, or ``workers`` processes sharing the port (each with its own scheduler, which
    is safe: jobs change rows with conditional updates; see core.scheduler)."""
    console.print(
        f"fanzha 已启动：[bold]http://{host}:{port}/[/]   API 文档：http://{host}:{port}/api/v1/docs"
    )
    # On SIGTERM, requests in flight get a few seconds to finish; then the server stops anyway.
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "info"}
    options["timeout_graceful_shutdown"] = 5
    if workers > 1:  # uvicorn starts each worker from the import string
        uvicorn.run("fanzha.app:create_app", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(), **options)

"""Starting the HTTP server, shared by ``fanzha serve`` and ``fanzha demo --serve``."""

import uvicorn

from fanzha.app import create_app
from fanzha.core.clitools import console


def run_server(host: str, port: int) -> None:
    console.print(
        f"fanzha 已启动：[bold]http://{host}:{port}/[/]   API 文档：http://{host}:{port}/api/v1/docs"
    )
    # On SIGTERM, requests in flight get a few seconds to finish; then the server stops anyway.
    uvicorn.run(create_app(), host=host, port=port, log_level="info", timeout_graceful_shutdown=5)

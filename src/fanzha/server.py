"""Starting the HTTP server, shared by ``fanzha serve`` and ``fanzha demo --serve``."""

import os
from typing import Any

import uvicorn

from fanzha.app import create_app
from fanzha.core.clitools import console
from fanzha.core.config import get_settings


def run_server(host: str, port: int, workers: int = 1, jobs: bool = True) -> None:
    """One process, or ``workers`` processes sharing the port (each with its own scheduler, which
    is safe: jobs change rows with conditional updates; see core.scheduler). Without ``jobs`` no
    process runs the periodic jobs: ``fanzha jobs`` does, in a process of its own."""
    if not jobs:  # the setting, not an argument: uvicorn's worker processes read it from the environment
        os.environ["FANZHA_SCHEDULER_ENABLED"] = "false"
        get_settings.cache_clear()
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

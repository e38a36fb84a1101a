"""What an app serves, as (method, path) pairs, whatever way its routers were included.

FastAPI 0.16x keeps an included router as one entry of ``app.routes`` whose own routes are listed
by ``effective_route_contexts()``; a walk over ``app.routes`` looking for ``APIRoute`` alone finds
nothing and every check built on it passes without checking anything.
"""

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from starlette.routing import Route


def served_routes(app: FastAPI) -> Iterator[tuple[str, str, Any]]:
    """(method, path, endpoint) of every route, including those of included routers."""
    for route in app.routes:
        if isinstance(route, Route):
            for method in route.methods or ():
                yield method, route.path, route.endpoint
        elif hasattr(route, "effective_route_contexts"):
            for ctx in route.effective_route_contexts():
                for method in ctx.methods or ():
                    yield method, ctx.path, ctx.endpoint

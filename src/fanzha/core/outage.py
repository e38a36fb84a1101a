"""A database that is down, or too busy to grant a lock in time: the user gets a 503 in the
one error shape, and the operator's log gets one line per kind of failure per interval, not a
traceback per request (an outage once wrote 274,000 log lines in 23 seconds)."""

import logging
import threading
import time
from collections import Counter

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from fanzha.core.errors import FanzhaError, render_error

log = logging.getLogger("fanzha.database")

# Connection refused or dropped, a lock or statement timeout, no pooled connection in time.
OUTAGE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError, PoolTimeout)
LOG_EVERY_S = 10.0


class DatabaseUnavailable(FanzhaError):
    def __init__(self) -> None:
        super().__init__(
            "数据库暂时不可用或繁忙，请稍后重试；如持续出现，请联系系统管理员检查数据库服务",
            [],
            503,
            "database_unavailable",
        )


class LogThrottle:
    """Logs the first failure of each kind, then at most one line per ``every_s`` seconds that
    counts the failures it held back."""

    def __init__(self, every_s: float) -> None:
        self._every_s = every_s
        self._last: dict[str, float] = {}
        self._held: Counter[str] = Counter()
        self._lock = threading.Lock()

    def error(self, kind: str, detail: str) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(kind, -self._every_s) < self._every_s:
                self._held[kind] += 1
                return
            self._last[kind] = now
            held = self._held.pop(kind, 0)
        log.error("database unavailable (%s): %s [%d more since the last line]", kind, detail, held)


_throttle = LogThrottle(LOG_EVERY_S)


def log_outage(exc: Exception) -> None:
    """Logs ``exc`` through the throttle: its driver's first line, never the SQL or its
    parameters."""
    origin = exc.orig if isinstance(exc, DBAPIError) else exc
    lines = str(origin).strip().splitlines()
    _throttle.error(type(origin).__name__, lines[0] if lines else "")


def install_outage_handlers(app: FastAPI) -> None:
    async def on_database_down(request: Request, exc: Exception) -> Response:
        log_outage(exc)
        return render_error(request, DatabaseUnavailable())

    for kind in OUTAGE_ERRORS:
        app.add_exception_handler(kind, on_database_down)

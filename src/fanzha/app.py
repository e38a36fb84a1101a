"""The FastAPI application: API under /api/v1, health probes, and the web console."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from sqlalchemy import text

from fanzha import __version__
from fanzha.accounts.deps import DbSession
from fanzha.accounts.routes import router as accounts_router
from fanzha.audit.routes import router as audit_router
from fanzha.bulletins import service as bulletins
from fanzha.bulletins.routes import page_router as bulletin_pages
from fanzha.bulletins.routes import router as bulletins_router
from fanzha.cases.routes import router as cases_router
from fanzha.core.config import get_settings
from fanzha.core.db import new_session, read_session
from fanzha.core.errors import FanzhaError, install_error_handlers
from fanzha.core.scheduler import Job, Scheduler
from fanzha.detect.routes import router as detect_router
from fanzha.funds import service as funds
from fanzha.funds.routes import router as funds_router
from fanzha.jurisdiction.routes import router as jurisdiction_router
from fanzha.migrations.runner import pending_heads
from fanzha.warnings import tick as warnings_tick
from fanzha.warnings.intake import warm_up as warm_up_intake
from fanzha.warnings.routes import router as warnings_router
from fanzha.web.routes import install_web

API_ROUTERS: list[APIRouter] = [
    detect_router,
    accounts_router,
    jurisdiction_router,
    audit_router,
    cases_router,
    warnings_router,
    bulletins_router,
    funds_router,
]

# Periodic jobs the server runs (see core.scheduler); `fanzha tick` runs each once.
JOBS: list[Job] = [
    Job("warnings-escalation", warnings_tick.INTERVAL_S, warnings_tick.tick),
    Job("bulletins", 300, bulletins.tick),
    Job("funds-expiry", 60, funds.tick),
]

health = APIRouter(tags=["health"])


@health.get("/health", summary="存活检查")
def liveness() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@health.get("/ready", summary="就绪检查（数据库可用且已迁移）")
def readiness(session: DbSession) -> dict[str, str]:
    session.execute(text("SELECT 1"))
    pending = pending_heads(session.connection())
    if pending:
        raise FanzhaError(f"数据库尚未迁移到最新版本：{', '.join(pending)}", [], 503, "not_ready")
    return {"status": "ready"}


log = logging.getLogger("fanzha.app")


def warm_up() -> None:
    """Pay start-up costs before the first request (routing index), then freeze the objects that
    live as long as the process so the collector's full passes stop scanning them: a full pass over
    the whole heap took 150+ ms in the middle of an intake batch."""
    try:  # read-only: on SQLite a start-up must not take the write lock
        with new_session() as like, read_session(like) as session:
            warm_up_intake(session)
    except Exception:  # an unmigrated database: /ready says so, requests will fail as usual
        log.warning("warm-up skipped", exc_info=True)
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    warm_up()
    scheduler = Scheduler(JOBS if get_settings().scheduler_enabled else [])
    scheduler.start()
    try:
        yield
    finally:
        scheduler.stop()


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=lifespan,
        title="fanzha 反诈平台 API",
        version=__version__,
        description="预警指令接收、分流、劝阻、止付冻结、案件与通报。所有时间以 UTC 存储。",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    install_error_handlers(app)
    app.include_router(health)
    app.include_router(bulletin_pages)
    api = APIRouter(prefix="/api/v1")
    for router in API_ROUTERS:
        api.include_router(router)
    app.include_router(api)
    install_web(app)
    return app

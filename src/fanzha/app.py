"""The FastAPI application: API under /api/v1, health probes, and the web console."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy import text

from fanzha import __version__
from fanzha.accounts.deps import DbSession
from fanzha.apidocs import install_api_docs
from fanzha.capabilities import CAPABILITIES
from fanzha.core.bodylimit import BodyLimit
from fanzha.core.config import get_settings
from fanzha.core.db import new_session, read_session
from fanzha.core.errors import ERROR_RESPONSES, FanzhaError, install_error_handlers
from fanzha.core.inputs import guard_request
from fanzha.core.logmask import install_log_masking
from fanzha.core.outage import OUTAGE_ERRORS, install_outage_handlers, log_outage
from fanzha.core.registry import load
from fanzha.core.scheduler import Job, Scheduler
from fanzha.detect.service import use_reputation_sources
from fanzha.migrations.runner import pending_heads
from fanzha.web.routes import install_web


def scheduled_jobs() -> list[Job]:
    """Every capability's periodic jobs (see core.scheduler); `fanzha tick` runs each once."""
    settings = get_settings()
    return [
        Job(
            spec.name,
            float(getattr(settings, spec.interval_setting)) if spec.interval_setting else spec.interval_s,
            load(spec.target),
        )
        for capability in CAPABILITIES
        for spec in capability.jobs
    ]


health = APIRouter(tags=["health"])


@health.get("/health", summary="存活检查")
async def liveness() -> dict[str, str]:  # async: answered on the event loop, no worker thread
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
    """Pay start-up costs before the first request (each capability's ``startup`` targets, e.g. the
    routing index), then freeze the objects that live as long as the process so the collector's
    full passes stop scanning them: a full pass over the whole heap took 150+ ms in the middle of
    an intake batch."""
    try:  # read-only: on SQLite a start-up must not take the write lock
        with new_session() as like, read_session(like) as session:
            for capability in CAPABILITIES:
                for target in capability.startup:
                    load(target)(session)
    except OUTAGE_ERRORS as exc:  # the database is down: requests will answer 503 until it is back
        log_outage(exc)
    except Exception:  # an unmigrated database: /ready says so, requests will fail as usual
        log.warning("warm-up skipped", exc_info=True)
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    warm_up()
    scheduler = Scheduler(scheduled_jobs() if get_settings().scheduler_enabled else [])
    scheduler.start()
    try:
        yield
    finally:
        scheduler.stop()


def create_app() -> FastAPI:
    install_log_masking()
    app = FastAPI(
        lifespan=lifespan,
        title="fanzha 反诈平台 API",
        version=__version__,
        description="预警指令接收、分流、劝阻、止付冻结、案件与通报。所有时间以 UTC 存储。",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(guard_request)],
    )
    install_error_handlers(app)
    install_api_docs(app)
    use_reputation_sources(
        (load(t) for capability in CAPABILITIES for t in capability.reputation),
        (load(t) for capability in CAPABILITIES for t in capability.whitelist),
    )
    install_outage_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=get_settings().max_body_bytes)
    app.include_router(health)
    # Each capability's router is included in the app itself, not in one /api/v1 router: FastAPI
    # walks every route under an included router to check its route cache on each match, so the
    # nested router walked all of the API's routes several times on every request.
    for capability in CAPABILITIES:
        for target in capability.api_routers:
            app.include_router(load(target), prefix="/api/v1", responses=ERROR_RESPONSES)
    install_web(app)
    return app

"""Bulletins on demand and on schedule.

On demand a bulletin is computed from the live records. The schedule issues the daily,
weekly and monthly bulletins of the city and its districts once each period has ended and
keeps them (figures and PDF) as issued, so what was sent out can always be shown again.
"""

import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.bulletins import figures, render
from fanzha.bulletins.models import StoredBulletin
from fanzha.bulletins.periods import Period, PeriodKind, latest_complete
from fanzha.bulletins.schemas import Bulletin
from fanzha.core.db import read_session
from fanzha.core.errors import NotFound
from fanzha.core.principal import Principal
from fanzha.core.scope import within
from fanzha.core.timeutil import utcnow
from fanzha.jurisdiction import service as jurisdiction
from fanzha.jurisdiction.models import Node

SCHEDULED_KINDS = (PeriodKind.DAY, PeriodKind.WEEK, PeriodKind.MONTH)
# City and districts get scheduled bulletins; stations and grids are computed on demand.
SCHEDULED_MAX_LEVEL = 2
# A tick renders at most this many PDFs, so one pass stays short; the next tick goes on.
MAX_PER_TICK = 10


def bulletin_for(
    session: Session, principal: Principal, node_code: str, period_text: str, now: datetime | None = None
) -> Bulletin:
    """The live bulletin for a node in the principal's subtree (404 outside it)."""
    period = Period.parse(period_text)
    node = jurisdiction.node_in_scope(session, node_code, principal.scope_path)
    return figures.build(session, node, period, now or utcnow())


def issue(session: Session, node: Node, period: Period, now: datetime, actor: str) -> StoredBulletin:
    """Compute, render and keep one bulletin; audited like every write."""
    bulletin = figures.build(session, node, period, now)
    return _keep(session, node, bulletin, render.render_pdf(bulletin), now, actor)


def _keep(
    session: Session, node: Node, bulletin: Bulletin, pdf: bytes, now: datetime, actor: str
) -> StoredBulletin:
    period_key = bulletin.period_key
    stored = StoredBulletin(
        node_id=node.id, node_path=node.path, kind=bulletin.period_kind, period_key=period_key,
        generated_at=now, generated_by=actor, figures=bulletin.model_dump(mode="json"), pdf=pdf,
    )  # fmt: skip
    session.add(stored)
    session.flush()
    after = {"node_code": node.code, "period_key": period_key, "pdf_bytes": len(pdf)}
    audit.record(session, actor, "bulletin.issue", "bulletin", stored.id, None, after)
    return stored


def due(session: Session, now: datetime) -> list[tuple[Node, Period]]:
    """(node, period) pairs whose scheduled bulletin has not been issued yet."""
    nodes = session.scalars(select(Node).where(Node.level <= SCHEDULED_MAX_LEVEL).order_by(Node.path)).all()
    periods = [latest_complete(kind, now) for kind in SCHEDULED_KINDS]
    keys = [p.key for p in periods]
    done = set(session.execute(
        select(StoredBulletin.node_id, StoredBulletin.period_key).where(StoredBulletin.period_key.in_(keys))
    ))  # fmt: skip
    return [(n, p) for p in periods for n in nodes if (n.id, p.key) not in done]


def _exit_with_parent(parent: int) -> None:
    """Render workers' initializer: a worker whose server was killed outright (SIGKILL, the OOM
    killer) holds both ends of its own task pipe, so it never reads an end of input and would wait,
    holding its memory, forever. It exits once ``parent`` (the server, named by the server: a worker
    may start after its server is already gone) is no longer its parent."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def render_pool() -> ProcessPoolExecutor:
    """One child process for PDF rendering, started fresh (spawn: no copy of the server's threads)."""
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )


def tick(session: Session, now: datetime) -> int:
    """Scheduler job: issue the bulletins that are due; returns how many were issued.

    Figures are computed in a read-only session, so on SQLite the write lock is held only for
    the inserts. The PDFs (seconds of CPU each) are rendered in a child process: in the server's
    own process they would hold the interpreter lock and stall warning intake meanwhile."""
    with read_session(session) as reader:
        drafts = [
            (node.id, figures.build(reader, node, period, now))
            for node, period in due(reader, now)[:MAX_PER_TICK]
        ]
    if not drafts:
        return 0
    with render_pool() as pool:
        pdfs = list(pool.map(render.render_pdf, [bulletin for _, bulletin in drafts]))
    still_due = {(node.id, period.key): node for node, period in due(session, now)}
    kept = 0
    for (node_id, bulletin), pdf in zip(drafts, pdfs, strict=True):
        target = still_due.get((node_id, bulletin.period_key))
        if target is not None:  # another server process may have issued it meanwhile
            _keep(session, target, bulletin, pdf, now, "system:0:bulletin-schedule")
            kept += 1
    return kept


def stored_list(
    session: Session, principal: Principal, kind: str | None, limit: int
) -> Sequence[StoredBulletin]:
    stmt = select(StoredBulletin).where(within(StoredBulletin.node_path, principal.scope_path))
    if kind:
        stmt = stmt.where(StoredBulletin.kind == kind)
    stmt = stmt.order_by(StoredBulletin.generated_at.desc(), StoredBulletin.id.desc()).limit(limit)
    return session.scalars(stmt).all()


def stored_one(session: Session, principal: Principal, bulletin_id: int) -> StoredBulletin:
    stored = session.get(StoredBulletin, bulletin_id)
    if stored is None or not principal.sees(stored.node_path):
        raise NotFound("通报不存在或不在您的管辖范围内")
    return stored


def node_code_of(session: Session, stored: StoredBulletin) -> str:
    node = session.get(Node, stored.node_id)
    return node.code if node else ""

"""举报审核: citizens' reports with nothing to act on wait here, at the centre, for an analyst to
admit them to routing or dismiss them as 无效 (both audited, both on the warning's timeline); the
无效 form posts to the warning's own /warnings/{id}/dismiss and comes back here."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from fanzha.accounts.deps import DbSession, requires
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.warnings import service, views
from fanzha.warnings.statemachine import State
from fanzha.web.render import page, redirect

router = APIRouter(prefix="/reports/review", include_in_schema=False)
Reviewer = Annotated[Principal, Depends(requires(Perm.WARNINGS_ROUTE))]
PAGE_SIZE = 50


@router.get("")
def review_queue(request: Request, session: DbSession, actor: Reviewer, notice: str = "") -> Response:
    held = service.held_reports(session, actor, PAGE_SIZE)
    ctx = {"items": views.to_outs(session, held, actor), "notice": notice}
    return page(request, "warnings/review.html", actor, ctx)


@router.get("/count")
def held_count(session: DbSession, actor: Reviewer) -> Response:
    """The menu badge: reports waiting for review (empty when none)."""
    n = service.held_count(session, actor)
    return HTMLResponse(str(n) if n else "")


@router.post("/{warning_id}/admit")
def admit(warning_id: int, session: DbSession, actor: Reviewer) -> Response:
    w = service.admit(session, warning_id, actor)
    where = "已分流至属地，待认领" if w.state == State.ROUTED else "待中心人工分流"
    return redirect("/reports/review?" + urlencode({"notice": f"举报 #{w.id} 已放行：{where}"}))

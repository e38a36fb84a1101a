"""The bulletin page in the console (top bar and menu around it): pick a unit and a period, read
it, download it. The figures and the document come from ``fanzha.bulletins``."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from markupsafe import Markup

from fanzha.accounts.deps import DbSession, requires
from fanzha.bulletins import render, service
from fanzha.bulletins.periods import PeriodKind, latest_complete
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import utcnow
from fanzha.web.render import page

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Perm.STATS_READ))]


@router.get("/bulletins")
def bulletin_page(
    request: Request, session: DbSession, actor: Reader, node: str | None = None, period: str | None = None
) -> Response:
    code = node or actor.scope_path.strip("/").rsplit("/", 1)[-1]  # default: the reader's own unit
    key = period or latest_complete(PeriodKind.MONTH, utcnow()).key
    b = service.bulletin_for(session, actor, code, key)
    base = f"/api/v1/bulletins/{b.node_code}/{b.period_key}"
    links = {"下载 PDF": f"{base}/pdf", "下载 CSV": f"{base}/csv", "下载 XLSX": f"{base}/xlsx", "JSON": base}
    document = Markup(render.render_html(b, page=True))  # escaped by the bulletin's own template
    return page(request, "bulletins.html", actor, {"b": b, "links": links, "document": document})

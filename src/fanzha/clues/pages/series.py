"""Series pages: the list with totals, a series with its graph (records ↔ identifiers, bridging
identifiers highlighted) and the way to a target package, and the case page's 所属串并案 panel
(loaded into the case page by htmx, so cases never import clues)."""

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from fanzha.accounts.deps import DbSession, requires
from fanzha.clues import graph, service
from fanzha.clues.schemas import SeriesQuery
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.web.forms import blank_to_none, validated
from fanzha.web.render import page

router = APIRouter(prefix="/series", include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Perm.CLUES_READ))]


@router.get("")
def series_list(
    request: Request, session: DbSession, actor: Reader, identifier: str = "", min_cases: str = "2"
) -> Response:
    query = validated(
        SeriesQuery, identifier=blank_to_none(identifier), min_cases=min_cases.strip() or "2", limit=100
    )
    ctx = {"found": service.list_series(session, actor, query), "query": query, "identifier": identifier}
    return page(request, "clues/series_list.html", actor, ctx)


@router.get("/by-case/{case_id}")
def case_panel(request: Request, case_id: int, session: DbSession, actor: Reader) -> Response:
    """所属串并案: which series the case joins and through which of its identifiers."""
    links = service.series_for_case(session, actor, case_id)
    return page(request, "clues/_case_panel.html", actor, {"links": links, "case_id": case_id})


@router.get("/{series_id}")
def series_page(
    request: Request, series_id: int, session: DbSession, actor: Reader, reveal: bool = False
) -> Response:
    """The series with phones and accounts masked; ``?reveal=true`` shows them (audited)."""
    found = service.get_series(session, actor, series_id, reveal)
    option, bridges = graph.series_option(found)
    ctx = {
        "s": found,
        "chart": json.dumps(option, ensure_ascii=False),
        "bridges": [i for i in found.identifiers if i.id in set(bridges)],
        "shared": [i for i in found.identifiers if not i.hub and len(i.records) > 1],
        "hubs": [i for i in found.identifiers if i.hub],
        "revealed": reveal,
        "masked": any("*" in i.value for i in found.identifiers),
    }
    return page(request, "clues/series.html", actor, ctx)

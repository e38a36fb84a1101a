"""资金查控 page: trace a victim's money from one account and stop the accounts where it still is.

The flow is drawn with ECharts (a graph series with accounts in columns by hop) from the
trace result, not the SVG export: a real trace has dozens of accounts per hop, and the
officer needs to zoom, pan and hover for amounts; the graph series also accepts cycles
(money sent back upstream), which a sankey refuses. The SVG stays a download for the file.
"""

import json
from dataclasses import asdict, dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import PlainTextResponse
from sqlalchemy.orm import Session

from fanzha.accounts.deps import DbSession, requires
from fanzha.cases import service as cases
from fanzha.core.errors import ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import to_local
from fanzha.funds import export, scoring, service, traced
from fanzha.funds.graph import GraphIndex, index_for
from fanzha.funds.models import RequestKind
from fanzha.funds.schemas import RequestQuery, TraceIn
from fanzha.funds.store import TransactionStore
from fanzha.funds.trace import REASON_LABELS, TraceResult, cents_to_yuan, trace
from fanzha.web.forms import blank_to_none, decimal_field, local_datetime, validated
from fanzha.web.funds import case_choices
from fanzha.web.render import page, redirect

router = APIRouter(prefix="/funds", include_in_schema=False)
Requester = Annotated[Principal, Depends(requires(Perm.FUNDS_REQUEST))]
SHOWN = 100  # ranked accounts listed on the page (the exports carry all of them)
COLOURS = {"victim": "#2e7d32", "down": "#1456b8", "cut": "#c62828"}


def _run(
    index: GraphIndex, account: str, since: str, rule: str, hops: int, hours: float, min_amount: str
) -> TraceResult:
    """The form's fields checked like the API's TraceIn, then the trace on the cached index."""
    data = validated(
        TraceIn,
        account=account,
        since=local_datetime("since", since),
        rule=rule,
        max_hops=hops,
        window_hours=hours,
        min_amount=decimal_field("min_amount", min_amount),
    )
    return trace(index, data.params())


def _height(result: TraceResult) -> int:
    """Room for the tallest hop column, within reason (the chart pans and zooms beyond it)."""
    per_hop: dict[int, int] = {}
    for a in result.accounts:
        per_hop[a.hop] = per_hop.get(a.hop, 0) + 1
    return min(900, 120 + 80 * max(per_hop.values(), default=1))


def _candidates(session: Session, case_id: int, actor: Principal) -> tuple[str, str, list[tuple[str, str]]]:
    """The case's number, its time and the accounts it names: its suspect accounts and its requests'."""
    case = cases.to_out(session, cases.get_case(session, case_id, actor), actor)
    found: dict[str, list[str]] = {}
    for account in cases.suspect_accounts_for_work(session, case_id, actor, "funds.trace"):
        found.setdefault(account, []).append("案件嫌疑账户")
    for r in service.list_requests(session, actor, RequestQuery(case_id=case_id), 0, 50)[0]:
        found.setdefault(r.account, []).append(f"{r.bank_code} {RequestKind(r.kind).label} #{r.id}")
    named = [(account, "、".join(labels)) for account, labels in found.items()]
    return case.case_no, to_local(case.occurred_at).strftime("%Y-%m-%dT%H:%M"), named


def _yuan(cents: int) -> str:
    return f"{cents_to_yuan(cents):,.2f}"


def graph_option(result: TraceResult) -> dict[str, Any]:
    """ECharts option: one column per hop, one box per account, one arrow per account pair."""
    rows: dict[int, int] = {}
    nodes = []
    for a in result.accounts:
        row = rows.get(a.hop, 0)
        rows[a.hop] = row + 1
        category = 0 if a.hop == 0 else (2 if a.truncated else 1)
        lines = [a.account, f"{a.bank or ''} 留存 {_yuan(a.remaining)}" if a.hop else f"转出 {_yuan(a.sent)}"]
        lines += [f"截断：{REASON_LABELS[r]} {_yuan(c)}" for r, c in sorted(a.truncated.items())]
        nodes.append(
            {
                "name": a.account,
                "value": float(cents_to_yuan(a.remaining if a.hop else a.sent)),
                "x": a.hop * 300,
                "y": row * 80,
                "category": category,
                "label": {"formatter": "\n".join(lines)},
            }
        )
    # Two invisible corners give the view a real height (one row per hop would make it zero, and
    # ECharts would stretch the boxes to the full chart), with room above and below the boxes.
    last = max(rows.values(), default=1) - 1
    nodes += [
        {
            "name": f"_frame{i}",
            "x": 0,
            "y": y,
            "symbolSize": 0,
            "label": {"show": False},
            "tooltip": {"show": False},
        }
        for i, y in enumerate((-50, last * 80 + 50))
    ]
    pairs: dict[tuple[str, str], int] = {}
    for t in result.transfers:
        pairs[(t.src, t.dst)] = pairs.get((t.src, t.dst), 0) + t.attributed
    top = max(pairs.values(), default=1)
    links = [
        {
            "source": src,
            "target": dst,
            "value": float(cents_to_yuan(cents)),
            "lineStyle": {"width": 1 + 5 * cents / top},
            "label": {"formatter": _yuan(cents)},
        }
        for (src, dst), cents in pairs.items()
    ]
    names = ["受害人账户", "下游账户", "有截断"]
    return {
        "animation": False,
        "tooltip": {},
        "legend": {"data": names, "top": 0},
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "roam": True,
                "top": 40,
                "bottom": 20,
                "left": 110,
                "right": 110,
                "symbol": "roundRect",
                "symbolSize": [min(200, 1100 // (len(rows) or 1) - 40), 56],
                "categories": [
                    {"name": n, "itemStyle": {"color": c}}
                    for n, c in zip(names, COLOURS.values(), strict=True)
                ],
                "label": {"show": True, "color": "#fff", "fontSize": 11, "lineHeight": 14},
                "edgeSymbol": ["none", "arrow"],
                "edgeSymbolSize": 9,
                "edgeLabel": {"show": True, "fontSize": 10, "color": "#444"},
                "lineStyle": {"color": "#8a96a3", "opacity": 0.8, "curveness": 0.08},
                "data": nodes,
                "links": links,
            }
        ],
    }


def _ranked(index: GraphIndex, session: Session, result: TraceResult) -> list[dict[str, Any]]:
    """The downstream accounts where money can still be, each with its mule score."""
    named = [v for k, v, _ in cases.reputation_identifiers(session) if k == "bank_account"]
    ranked = result.ranked()[:SHOWN]
    wanted = {a.account for a in ranked}
    scores = {s.account: s for s in scoring.score_accounts(index, wanted, named)}
    return [{"a": a, "score": scores.get(a.account)} for a in ranked]


@router.get("/trace")
def trace_page(
    request: Request,
    session: DbSession,
    actor: Requester,
    case_id: Annotated[str | None, Query()] = None,
    account: Annotated[str | None, Query()] = None,
    since: str = "",
    rule: str = "fifo",
    hops: int = 4,
    hours: float = 72,
    min_amount: str = "100",
    notice: str = "",
) -> Response:
    """Reads only: recording the traced accounts for the case's series is the page's POST."""
    case = int(case_id) if case_id and case_id.strip().isdigit() else None
    store = TransactionStore()
    case_no, start, candidates = _candidates(session, case, actor) if case is not None else ("", "", [])
    # Looked up once: each look at the store opens a DuckDB connection (~10 ms).
    index = index_for(store) if candidates or account else None
    if index is not None and candidates:  # start from an account the statements know; say which they do not
        known = index.ids
        candidates = [(a, label if a in known else f"{label}，流水中无此账户") for a, label in candidates]
        candidates.sort(key=lambda c: c[0] not in known)
    account = blank_to_none(account) or (candidates[0][0] if candidates else None)
    since = since or start
    form: dict[str, Any] = {"case_id": case, "case_no": case_no, "account": account or "", "since": since}
    form["rule"] = rule
    form |= {"hops": hops, "hours": hours, "min_amount": min_amount}
    ctx: dict[str, Any] = {"form": form, "candidates": candidates, "error": "", "result": None}
    ctx["notice"] = notice
    ctx["cases"] = case_choices(session, actor, case)
    status = 200
    if account and since:
        try:
            index = index or index_for(store)
            result = _run(index, account, since, rule, hops, hours, min_amount)
        except ValidationFailed as err:
            ctx["error"], status = err.message, err.status
        else:
            ctx |= {
                "result": result,
                "ranked": _ranked(index, session, result),
                "cuts": [a for a in result.accounts if a.truncated],
                "reasons": REASON_LABELS,
                "chart": json.dumps(graph_option(result), ensure_ascii=False),
                "chart_height": _height(result),
                "total": cents_to_yuan(sum(a.remaining for a in result.ranked())),
                "query": urlencode({k: v for k, v in form.items() if v is not None and k != "case_no"}),
            }
    return page(request, "funds/trace.html", actor, ctx, status_code=status)


@router.get("/trace/export")
def trace_export(
    actor: Requester,
    account: str,
    since: str,
    fmt: str = "svg",
    rule: str = "fifo",
    hops: int = 4,
    hours: float = 72,
    min_amount: str = "100",
    case_id: str = "",
) -> Response:
    """The same trace as a file for the case record: SVG drawing, CSV tables or JSON."""
    result = _run(index_for(TransactionStore()), account, since, rule, hops, hours, min_amount)
    name = f"trace-{result.params.account}"
    if fmt == "csv":
        body, media = export.to_csv(result), "text/csv; charset=utf-8"
    elif fmt == "json":
        body, media = json.dumps(export.to_json(result), ensure_ascii=False), "application/json"
    else:
        body, media, fmt = export.to_svg(result), "image/svg+xml", "svg"
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return PlainTextResponse(body, media_type=media, headers=headers)


@dataclass
class TraceForm:
    """The trace the page showed, sent back by its forms as hidden fields."""

    case_id: Annotated[int, Form()]
    account: Annotated[str, Form()]
    since: Annotated[str, Form()]
    rule: Annotated[str, Form()] = "fifo"
    hops: Annotated[int, Form()] = 4
    hours: Annotated[float, Form()] = 72
    min_amount: Annotated[str, Form()] = "100"

    def run(self) -> TraceResult:
        index = index_for(TransactionStore())
        return _run(index, self.account, self.since, self.rule, self.hops, self.hours, self.min_amount)

    def page_query(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "case_id"} | {"case_id": self.case_id}


@router.post("/trace/series")
def trace_series(session: DbSession, actor: Requester, form: Annotated[TraceForm, Depends()]) -> Response:
    """The accounts the case's money reached, recorded in the series index (串并案) on request:
    opening the page only reads, so a reload, a bookmark or a prefetch records nothing."""
    result = form.run()
    reached = traced.feed_series(session, form.case_id, result, actor)
    notice = f"已将 {reached} 个下游账户记入本案的串并案索引"
    if not reached:
        notice = "本次追踪没有到达下游账户，未记入串并案"
    return redirect("/funds/trace?" + urlencode(form.page_query() | {"notice": notice}))


@router.post("/trace/requests")
def trace_requests(
    session: DbSession,
    actor: Requester,
    form: Annotated[TraceForm, Depends()],
    top: Annotated[int, Form(ge=1, le=50)] = 5,
) -> Response:
    """Stop-payments for the top accounts, each for the amount that can still be there."""
    result = form.run()
    case_id = form.case_id
    ranked = [(a.account, a.bank, cents_to_yuan(a.remaining)) for a in result.ranked()]
    made = service.requests_from_trace(session, ranked, case_id, top, actor)
    notice = f"已生成 {len(made.created)} 条紧急止付申请，待另一名民警审批"
    if made.skipped:
        notice += f"；{len(made.skipped)} 个账户的开户行未在平台登记驻点，未生成：{'、'.join(made.skipped)}"
    return redirect("/funds/requests?" + urlencode({"case_id": case_id, "notice": notice}))

"""The target package as a graph (ECharts, like the funds trace page): the package in the middle,
its people, dens, places and accounts around it, the series' cases and the identifiers that link
them, and the money traced from those cases' suspect accounts (funds trace, downstream accounts).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.clues import service as clues
from fanzha.clues.graph import force_graph
from fanzha.clues.models import RecordKind
from fanzha.clues.schemas import SeriesDetail
from fanzha.core.errors import ValidationFailed
from fanzha.core.principal import Principal
from fanzha.funds.graph import index_for
from fanzha.funds.store import TransactionStore
from fanzha.funds.trace import TraceParams, cents_to_yuan, trace
from fanzha.operations.models import ItemKind, TargetPackage

MONEY_CASES = 10  # suspect accounts traced for one drawing (each trace walks the index)
COLOURS = {"目标包": "#0f2f5c", "案件": "#c62828", "标识": "#6a1b9a", "嫌疑人": "#e65100",
           "窝点": "#b71c1c", "落脚点": "#8d6e63", "涉案账户": "#1456b8", "资金去向": "#2e7d32"}  # fmt: skip
CATEGORIES = list(COLOURS)


@dataclass
class Drawn:
    """The ECharts option and what it shows, for the page's counts and tables."""

    option: dict[str, Any] = field(default_factory=dict)
    cases: list[tuple[int, str]] = field(default_factory=list)
    money: list[tuple[str, str, str]] = field(default_factory=list)  # (from, to, yuan)


@dataclass
class _Builder:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: list[dict[str, Any]] = field(default_factory=list)

    def node(self, key: str, name: str, category: str, size: int = 18) -> None:
        if key not in self.nodes:
            index = CATEGORIES.index(category)
            self.nodes[key] = {"id": key, "name": name, "category": index, "symbolSize": size}

    def link(self, source: str, target: str, label: str = "") -> None:
        if any(e["source"] == source and e["target"] == target for e in self.links):
            return
        edge: dict[str, Any] = {"source": source, "target": target}
        if label:
            edge["label"] = {"show": True, "formatter": label}
        self.links.append(edge)


def series_cases(series: SeriesDetail | None) -> list[tuple[int, str]]:
    """(case id, label) of the series' cases the reader may open."""
    if series is None:
        return []
    return [(m.record_id, m.label) for m in series.members if m.kind == RecordKind.CASE and m.readable]


def package_cases(
    session: Session, actor: Principal, series_id: int | None, case_id: int | None
) -> list[tuple[int, str]]:
    """(case id, label) the planner may tick: the series' cases and the case it came from."""
    found = dict(series_cases(clues.get_series(session, actor, series_id) if series_id else None))
    if case_id is not None:
        case = cases.get_case(session, case_id, actor)
        found.setdefault(case.id, case.case_no)
    return list(found.items())


def _series(b: _Builder, series: SeriesDetail) -> dict[str, str]:
    """The series' records and identifiers with their edges; identifier keys by normalised value."""
    for m in series.members:
        category = "案件" if m.kind == RecordKind.CASE else "标识"
        b.node(f"{m.kind.value}:{m.record_id}", m.label, category, 16 if category == "案件" else 10)
    keys: dict[str, str] = {}
    for i in series.identifiers:
        b.node(f"id:{i.id}", i.value, "标识", 12)
        keys[_normal(i.value)] = f"id:{i.id}"
    for e in series.edges:
        b.link(e.source, e.target)
    return keys


def _money(b: _Builder, drawn: Drawn, starts: list[tuple[str, datetime, str]]) -> None:
    """Downstream accounts of each start account (a case's suspect account, from its time),
    joined to the identifier node the account is."""
    if not starts:
        return
    index = index_for(TransactionStore())
    for account, since, ident in starts:
        try:
            result = trace(index, TraceParams(account=account, since=since))
        except ValidationFailed:  # the statements do not know this account
            continue
        pairs: dict[tuple[str, str], int] = {}
        for t in result.transfers:
            pairs[(t.src, t.dst)] = pairs.get((t.src, t.dst), 0) + t.attributed
        for (src, dst), cents in pairs.items():
            for acct in (src, dst):
                b.node(f"acct:{acct}", acct, "资金去向", 12)
            yuan = f"{cents_to_yuan(cents):,.2f}"
            b.link(f"acct:{src}", f"acct:{dst}", yuan)
            drawn.money.append((src, dst, yuan))
        if f"acct:{account}" in b.nodes:
            b.link(ident, f"acct:{account}")


def _normal(value: str) -> str:
    return "".join(ch for ch in value if ch.isalnum())


def package_graph(
    session: Session,
    actor: Principal,
    package: TargetPackage,
    series: SeriesDetail | None,
    case_ids: list[int],
) -> Drawn:
    """The series (records, identifiers, edges), the package's items, the cases' suspect
    identifiers and the money from their accounts. An item is joined to an identifier it names
    (a suspect's phone, an account) — matched here on the server, so the drawing shows item
    labels and never the item's personal fields."""
    drawn, b = Drawn(), _Builder()
    b.node("package", package.title, "目标包", 36)
    idents = _series(b, series) if series is not None else {}
    for item in package.items:
        key = f"item:{item.id}"
        b.node(key, item.label, ItemKind(item.kind).label, 24)
        b.link("package", key)
    starts: list[tuple[str, datetime, str]] = []
    for case_id in dict.fromkeys([*(c for c, _ in series_cases(series)), *case_ids]):
        case = cases.to_out(session, cases.get_case(session, case_id, actor), actor)
        drawn.cases.append((case.id, case.case_no))
        b.node(f"case:{case.id}", case.case_no, "案件", 16)
        for ident in case.suspect_identifiers:
            key = idents.setdefault(_normal(ident.value), f"id:{ident.kind}:{ident.value}")
            b.node(key, ident.value, "标识", 12)
            b.link(f"case:{case.id}", key)
            if ident.kind == "bank_account" and len(starts) < MONEY_CASES:
                starts.append((ident.value, case.occurred_at, key))
    for item in package.items:
        for value in (item.phone, item.account):
            if value and _normal(value) in idents:
                b.link(f"item:{item.id}", idents[_normal(value)])
    _money(b, drawn, starts)
    drawn.option = _option(b)
    return drawn


def _option(b: _Builder) -> dict[str, Any]:
    extra = {
        "top": 40,
        "force": {"repulsion": 220, "edgeLength": [40, 120]},
        "edgeSymbol": ["none", "arrow"],
        "edgeSymbolSize": 7,
        "edgeLabel": {"fontSize": 10, "color": "#2e7d32"},
    }
    return force_graph(COLOURS, list(b.nodes.values()), b.links, extra)

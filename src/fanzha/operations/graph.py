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
from fanzha.clues.service import Shown
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


def _series(b: _Builder, series: SeriesDetail) -> None:
    """The series' records and identifiers (masked as the series shows them) with their edges."""
    for m in series.members:
        category = "案件" if m.kind == RecordKind.CASE else "标识"
        b.node(f"{m.kind.value}:{m.record_id}", m.label, category, 16 if category == "案件" else 10)
    for i in series.identifiers:
        b.node(f"id:{i.id}", i.value, "标识", 12)
    for e in series.edges:
        b.link(e.source, e.target)


def _money(b: _Builder, drawn: Drawn, starts: list[tuple[str, datetime, str]], show: Shown) -> None:
    """Downstream accounts of each start account (a case's suspect account, from its time),
    joined to the identifier node the account is; accounts labelled as ``show`` gives them."""
    if not starts:
        return
    index = index_for(TransactionStore())
    keys: dict[str, str] = {}
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
                b.node(keys.setdefault(acct, f"acct:{len(keys)}"), show("bank_account", acct), "资金去向", 12)
            yuan = f"{cents_to_yuan(cents):,.2f}"
            b.link(keys[src], keys[dst], yuan)
            drawn.money.append((show("bank_account", src), show("bank_account", dst), yuan))
        if account in keys:
            b.link(ident, keys[account])


def _drawn_cases(series: SeriesDetail | None, case_ids: list[int]) -> list[int]:
    return list(dict.fromkeys([*(c for c, _ in series_cases(series)), *case_ids]))


def _item_values(package: TargetPackage) -> list[tuple[int, str, str]]:
    """(item id, identifier kind, value) of the phones and accounts the package's items name."""
    return [
        (item.id, k, v)
        for item in package.items
        for k, v in (("phone", item.phone), ("bank_account", item.account))
        if v
    ]


def package_graph(
    session: Session,
    actor: Principal,
    package: TargetPackage,
    series: SeriesDetail | None,
    case_ids: list[int],
    reveal: bool = False,
) -> Drawn:
    """The series (records, identifiers, edges), the package's items, the cases' suspect
    identifiers and the money from their accounts. An item is joined to an identifier it names
    (a suspect's phone, an account) by the index's identifier id — matched here on the server,
    so the drawing shows item labels and never the item's personal fields; phones and accounts
    are masked unless ``reveal``: then each drawn case's read is a reveal of its own (permission
    checked, one audit entry per case), as on the case's page."""
    show: Shown = (lambda kind, value: value) if reveal else clues.masked_value
    drawn, b = Drawn(), _Builder()
    b.node("package", package.title, "目标包", 36)
    if series is not None:
        _series(b, series)
    for item in package.items:
        key = f"item:{item.id}"
        b.node(key, item.label, ItemKind(item.kind).label, 24)
        b.link("package", key)
    starts: list[tuple[str, datetime, str]] = []
    shown = [
        cases.to_out(session, cases.get_case(session, c, actor), actor, reveal)
        for c in _drawn_cases(series, case_ids)
    ]
    suspects = {case.id: cases.suspect_identifiers(session, case.id, actor) for case in shown}
    named = [(i.kind, i.value) for idents in suspects.values() for i in idents]
    ids = clues.identifier_ids(session, [*named, *((k, v) for _, k, v in _item_values(package))])
    unknown: dict[tuple[str, str], str] = {}
    for case in shown:
        drawn.cases.append((case.id, case.case_no))
        b.node(f"case:{case.id}", case.case_no, "案件", 16)
        for ident in suspects[case.id]:
            pair = (ident.kind, ident.value)
            key = f"id:{ids[pair]}" if pair in ids else unknown.setdefault(pair, f"id:new:{len(unknown)}")
            b.node(key, show(ident.kind, ident.value), "标识", 12)
            b.link(f"case:{case.id}", key)
            if ident.kind == "bank_account" and len(starts) < MONEY_CASES:
                starts.append((ident.value, case.occurred_at, key))
    for item_id, kind, value in _item_values(package):
        if (kind, value) in ids and f"id:{ids[(kind, value)]}" in b.nodes:
            b.link(f"item:{item_id}", f"id:{ids[(kind, value)]}")
    _money(b, drawn, starts, show)
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

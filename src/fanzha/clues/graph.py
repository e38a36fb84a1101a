"""A series drawn as a graph (ECharts, like the trace and target-package pages): its records and
the identifiers they name. Bridging identifiers (those without which the series falls apart, the
articulation points of the record—identifier graph) are drawn large and gold; hubs grey, linking
nothing."""

from collections.abc import Iterable
from typing import Any

from fanzha.clues.models import RecordKind
from fanzha.clues.schemas import SeriesDetail

COLOURS = {"案件": "#c62828", "线索": "#e65100", "其他记录": "#8d6e63", "共同标识": "#6a1b9a",
           "桥接标识": "#f9a825", "热点标识（不串并）": "#9e9e9e"}  # fmt: skip
CATEGORIES = list(COLOURS)
RECORD_CATEGORY = {RecordKind.CASE: "案件", RecordKind.CLUE: "线索"}


def bridging(edges: Iterable[tuple[str, str]]) -> set[str]:
    """Nodes whose removal disconnects their component (articulation points), iteratively, so a
    long chain of records does not exhaust the recursion limit."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set()).add(a)
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    found: set[str] = set()
    for root in graph:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        children = 0
        stack = [(root, "", iter(graph[root]))]
        while stack:
            node, parent, neighbours = stack[-1]
            step = next(neighbours, None)
            if step is None:
                stack.pop()
                if parent:
                    low[parent] = min(low[parent], low[node])
                    if parent != root and low[node] >= order[parent]:
                        found.add(parent)
                continue
            if step == parent:
                continue
            if step in order:
                low[node] = min(low[node], order[step])
                continue
            order[step] = low[step] = len(order)
            children += node == root
            stack.append((step, node, iter(graph[step])))
        if children > 1:
            found.add(root)
    return found


def force_graph(
    colours: dict[str, str], nodes: list[dict[str, Any]], links: list[dict[str, Any]], extra: dict[str, Any]
) -> dict[str, Any]:
    """An ECharts force-directed graph: one category per colour (in the legend), draggable and
    zoomable; ``extra`` adds to or overrides the graph series' settings. The target-package
    drawing (operations) uses it too."""
    series = {
        "type": "graph",
        "layout": "force",
        "roam": True,
        "draggable": True,
        "categories": [{"name": n, "itemStyle": {"color": c}} for n, c in colours.items()],
        "label": {"show": True, "position": "right", "fontSize": 11},
        "lineStyle": {"color": "#8a96a3", "opacity": 0.8},
        "data": nodes,
        "links": links,
    }
    legend = {"data": list(colours), "top": 0}
    return {"animation": False, "tooltip": {}, "legend": legend, "series": [series | extra]}


def series_option(series: SeriesDetail) -> tuple[dict[str, Any], list[int]]:
    """The ECharts option, and the ids of the bridging identifiers (listed beside the drawing)."""
    hubs = {f"id:{i.id}" for i in series.identifiers if i.hub}
    linking = [(e.source, e.target) for e in series.edges if e.target not in hubs]
    bridges = {key for key in bridging(linking) if key.startswith("id:")}
    nodes: list[dict[str, Any]] = []
    for m in series.members:
        category = RECORD_CATEGORY.get(m.kind, "其他记录")
        size = 18 if m.kind == RecordKind.CASE else 14
        name = f"{m.label} · {m.node_name}"
        nodes.append(
            {"id": f"{m.kind.value}:{m.record_id}", "name": name, "category": category, "symbolSize": size}
        )
    for i in series.identifiers:
        key = f"id:{i.id}"
        category = "热点标识（不串并）" if i.hub else "桥接标识" if key in bridges else "共同标识"
        size = 26 if key in bridges else 10 + min(len(i.records), 8)
        nodes.append(
            {"id": key, "name": f"{i.kind_label} {i.value}", "category": category, "symbolSize": size}
        )
    for n in nodes:
        n["category"] = CATEGORIES.index(n["category"])
        n["label"] = {"show": n["category"] != 0 or len(series.members) <= 40}
    extra = {"top": 50, "force": {"repulsion": 160, "edgeLength": [30, 90]}}
    links = [{"source": e.source, "target": e.target} for e in series.edges]
    option = force_graph(COLOURS, nodes, links, extra)
    return option, sorted(int(key.removeprefix("id:")) for key in bridges)

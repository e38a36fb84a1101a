"""Routing warnings to grids from a gazetteer held in memory.

The gazetteer (road segments, communities, villages, phone prefixes) is loaded once per
process into a compiled regular expression and prefix maps, and reloaded only when its
stamp (row count and highest id) changes, so routing a batch costs no per-item queries.
"""

import re
import threading
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.jurisdiction.models import Node
from fanzha.warnings.models import GazetteerEntry

KIND_LABELS = {"road": "道路", "community": "社区", "village": "村", "phone_prefix": "号段"}


@dataclass(frozen=True)
class Place:
    node_id: int
    path: str
    label: str  # e.g. 红谷滩区/会展路/阳光社区


@dataclass(frozen=True)
class Route:
    node_id: int | None
    path: str | None
    reason: str


@dataclass
class Gazetteer:
    stamp: tuple[int, ...] = ()
    pattern: re.Pattern[str] | None = None
    # road name → [(first_no, last_no, place)]; community/village name → place
    roads: dict[str, list[tuple[int, int, Place]]] = field(default_factory=dict)
    areas: dict[str, Place] = field(default_factory=dict)
    prefixes: dict[str, Place] = field(default_factory=dict)
    prefix_lengths: list[int] = field(default_factory=list)

    def route(self, address: str | None, phone: str | None) -> Route:
        if address and self.pattern is not None:
            found = self._by_address(address)
            if found is not None:
                return found
        if phone:
            digits = "".join(ch for ch in phone if ch.isdigit())
            if digits.startswith("86") and len(digits) == 13:
                digits = digits[2:]
            for length in self.prefix_lengths:
                place = self.prefixes.get(digits[:length])
                if place is not None:
                    return Route(place.node_id, place.path, f"号码归属 {digits[:length]} 匹配 {place.label}")
        return Route(None, None, "地址与号码均未匹配，转中心人工分流")

    def _by_address(self, address: str) -> Route | None:
        assert self.pattern is not None
        best: tuple[int, Route] | None = None
        for match in self.pattern.finditer(address):
            name = match.group(0)
            if name in self.roads:
                number = re.match(r"\s*(\d+)", address[match.end() :])
                if number is None:
                    continue
                no = int(number.group(1))
                for first, last, place in self.roads[name]:
                    if first <= no <= last:
                        route = Route(place.node_id, place.path, f"地址匹配 {place.label}（{name}{no}号）")
                        best = _longer(best, len(name) + 100, route)
            elif name in self.areas:
                place = self.areas[name]
                best = _longer(best, len(name), Route(place.node_id, place.path, f"地址匹配 {place.label}"))
        return None if best is None else best[1]


def _longer(best: tuple[int, Route] | None, weight: int, route: Route) -> tuple[int, Route]:
    """A numbered road segment beats a bare community name; longer names beat shorter ones."""
    return (weight, route) if best is None or weight > best[0] else best


_lock = threading.Lock()
_cache: dict[str, Gazetteer] = {}


_g = GazetteerEntry
# Built once: read on every intake, building the expression cost more than running it.
_STAMP = select(
    func.count(),
    func.coalesce(func.max(_g.id), 0),
    func.coalesce(func.sum(_g.node_id * 7 + _g.id), 0),
    func.coalesce(
        func.sum(func.length(_g.name) + func.coalesce(_g.first_no, 0) + func.coalesce(_g.last_no, 0)), 0
    ),
)


def _stamp(session: Session) -> tuple[int, ...]:
    """A cheap fingerprint of the table: any insert, delete or edit of a row changes it."""
    return tuple(int(v) for v in session.execute(_STAMP).one())


def _label(node: Node, names: dict[str, str], entry: GazetteerEntry) -> str:
    """Node names along the path below the city (district/station/grid), then the matched name."""
    chain = [names.get(code, code) for code in node.path.strip("/").split("/")[1:]]
    return "/".join(chain if entry.kind == "phone_prefix" else [*chain, entry.name])


def _build(session: Session, stamp: tuple[int, ...]) -> Gazetteer:
    rows = session.execute(select(GazetteerEntry, Node).join(Node, Node.id == GazetteerEntry.node_id)).all()
    names: dict[str, str] = {code: name for code, name in session.execute(select(Node.code, Node.name))}
    gaz = Gazetteer(stamp=stamp)
    for entry, node in rows:
        place = Place(node.id, node.path, _label(node, names, entry))
        if entry.kind == "road":
            gaz.roads.setdefault(entry.name, []).append((entry.first_no or 0, entry.last_no or 10**9, place))
        elif entry.kind == "phone_prefix":
            gaz.prefixes[entry.name] = place
        else:
            gaz.areas[entry.name] = place
    words = sorted({*gaz.roads, *gaz.areas}, key=len, reverse=True)
    gaz.pattern = re.compile("|".join(re.escape(w) for w in words)) if words else None
    gaz.prefix_lengths = sorted({len(p) for p in gaz.prefixes}, reverse=True)
    return gaz


def gazetteer(session: Session) -> Gazetteer:
    """The current gazetteer of this database, rebuilt only when its rows changed."""
    key = str(session.get_bind().engine.url)
    stamp = _stamp(session)
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached.stamp != stamp:
            cached = _build(session, stamp)
            _cache[key] = cached
        return cached

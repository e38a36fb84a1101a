"""Reputation lists: identifiers known bad (from cases, confirmed warnings, a centre's own list)
and the official whitelist (96110, 12381, banks' 955xx, official domains) shipped as data."""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from fanzha.detect.entities import Entity, normalize_phone, normalize_url


@dataclass(frozen=True)
class Reputation:
    # normalised identifier → human label ("案件 #123 涉案账号", "工商银行客服")
    blacklist: dict[str, str] = field(default_factory=dict)
    whitelist: dict[str, str] = field(default_factory=dict)
    official_domains: frozenset[str] = frozenset()

    def with_blacklist(self, items: Iterable[tuple[str, str, str]]) -> "Reputation":
        """Adds (kind, value, label) triples, e.g. from ``cases.service.reputation_identifiers``."""
        extra = dict(self.blacklist)
        for kind, value, label in items:
            extra[normalize_identifier(kind, value)] = label
        return Reputation(extra, self.whitelist, self.official_domains)

    def with_whitelist(self, items: Iterable[tuple[str, str]]) -> "Reputation":
        """Adds official (number, label) pairs, e.g. a centre's register of its outgoing numbers."""
        extra = dict(self.whitelist)
        extra.update((normalize_phone(number), label) for number, label in items)
        return Reputation(self.blacklist, extra, self.official_domains)

    def vouches_for(self, entity: Entity) -> bool:
        """An official number or address in a message speaks for it; an emergency number does not
        (scammers write "拨打110报警" and "接110指令" too)."""
        return "emergency" not in entity.attrs and self.lookup_white(entity.value) is not None

    def lookup_black(self, value: str) -> str | None:
        return self.blacklist.get(value)

    def lookup_white(self, value: str) -> str | None:
        return self.whitelist.get(value)


def normalize_identifier(kind: str, value: str) -> str:
    if kind in ("phone", "service_number", "overseas_phone"):
        return normalize_phone(value)
    if kind == "url":
        return normalize_url(value)
    if kind in ("card", "bank_account"):
        return "".join(ch for ch in value if ch.isdigit())
    return value.strip().lower()


@lru_cache
def official() -> Reputation:
    data = json.loads(resources.files("fanzha.detect").joinpath("data/official.json").read_text("utf-8"))
    white = dict(data["numbers"])
    white.update(data["domains"])
    return Reputation({}, white, frozenset(data["domains"]))

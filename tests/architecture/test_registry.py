"""The capability registry is whole: what it names exists, is migrated and is served."""

from dataclasses import fields
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from fanzha.capabilities import CAPABILITIES
from fanzha.core.db import Base
from fanzha.core.registry import Capability, load
from fanzha.core.roles import Perm
from tests.served import served_routes

SRC = Path(__file__).resolve().parents[2] / "src" / "fanzha"


def _targets(capability: Capability) -> list[str]:
    """Every ``"module:attribute"`` string a descriptor names."""
    found: list[str] = []
    for f in fields(capability):
        value = getattr(capability, f.name)
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, str) and ":" in item:
                found.append(item)
            elif hasattr(item, "target"):
                found.append(item.target)
    return found


@pytest.mark.parametrize("capability", CAPABILITIES, ids=[c.name for c in CAPABILITIES])
def test_every_target_resolves(capability: Capability) -> None:
    targets = _targets(capability)
    assert targets, f"{capability.name} names nothing"
    for target in targets:
        assert load(target) is not None, target


def test_every_capability_package_is_listed_once() -> None:
    names = [c.name for c in CAPABILITIES]
    assert len(names) == len(set(names))
    packages = sorted(p.parent.name for p in SRC.glob("*/capability.py"))
    assert packages == sorted(names)


def test_permissions_checked_are_the_roles_permissions() -> None:
    """What capabilities say they check is exactly what roles can hold: no typo, none unused."""
    checked = {p for c in CAPABILITIES for p in c.permissions}
    assert checked == {str(p) for p in Perm}


def test_every_capabilitys_tables_are_migrated(engine: Engine) -> None:
    """A capability's models module is in the registry and its tables exist after ``upgrade heads``."""
    migrated = set(inspect(engine).get_table_names())
    for capability in CAPABILITIES:
        if capability.models is None:
            continue
        module = load(capability.models + ":__name__")
        tables = {t.name for t in Base.metadata.sorted_tables if _defined_in(t.name, module)}
        assert tables, f"{capability.models} defines no table"
        assert tables <= migrated, f"{capability.name}: not migrated {sorted(tables - migrated)}"


def _defined_in(table: str, module: str) -> bool:
    return any(m.class_.__module__ == module and m.local_table.name == table for m in Base.registry.mappers)


def test_menu_and_tile_links_are_served(app: FastAPI) -> None:
    served = {path for method, path, _ in served_routes(app) if method == "GET"}
    links = {e.href for c in CAPABILITIES for e in (*c.menu, *c.tiles)}
    assert links, "the registry names no page"
    assert sorted(links - served) == []

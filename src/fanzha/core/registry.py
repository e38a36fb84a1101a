"""Capability descriptors: what each package contributes to the app, CLI, console, scheduler and demo.

A capability package holds one ``capability.py`` with a ``CAPABILITY`` constant; the list of
them is ``fanzha.capabilities.CAPABILITIES``. Everything is named by ``"module:attribute"``
strings and loaded on use, so reading the registry imports nothing heavy (``fanzha --help``
stays fast) and core never imports a capability.
"""

from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class MenuEntry:
    """A console menu entry, shown to whoever holds ``perm``; ``None`` is a public page (no login).
    ``admin`` entries come last in the menu. ``badge`` is a console path answering a count (plain
    text, empty when nothing waits) that the menu shows beside the label."""

    perm: str | None
    href: str
    label: str
    admin: bool = False
    badge: str | None = None


@dataclass(frozen=True)
class Tile:
    """A home-page tile: a page and what it is for, shown to whoever holds ``perm``."""

    perm: str
    href: str
    title: str
    text: str


@dataclass(frozen=True)
class JobSpec:
    """A periodic job: ``target`` is a function ``(session, now) -> object`` run every ``interval_s``
    seconds, or every ``Settings.<interval_setting>`` seconds where that is named."""

    name: str
    interval_s: float
    target: str
    interval_setting: str | None = None


@dataclass(frozen=True)
class CliEntry:
    """A ``fanzha`` sub-command: ``target`` is a Typer app (a group) or a plain function (a command)."""

    name: str
    target: str
    help: str


@dataclass(frozen=True)
class DemoStep:
    """A step of ``fanzha demo``: ``target`` is a function ``(session, ctx) -> None``."""

    label: str
    target: str


@dataclass(frozen=True)
class Capability:
    """One package's contributions. Order in ``CAPABILITIES`` is the order of demo steps and menus.

    ``startup`` targets take a read-only session and pay a cost before the first request.
    ``audit_labels`` names a mapping from the package's audit action codes to what officers read.
    ``reputation`` targets are functions ``(session) -> [(kind, value, label)]`` of identifiers the
    package knows to be bad; the app hands them to the detector, which imports no workflow.
    ``whitelist`` targets are functions ``(session) -> [(number, owner)]`` of official numbers the
    package registers; the app hands them to the detector's whitelist the same way.
    """

    name: str
    label: str
    models: str | None = None
    api_routers: tuple[str, ...] = ()
    web_routers: tuple[str, ...] = ()
    menu: tuple[MenuEntry, ...] = ()
    tiles: tuple[Tile, ...] = ()
    jobs: tuple[JobSpec, ...] = ()
    cli: tuple[CliEntry, ...] = ()
    demo: tuple[DemoStep, ...] = ()
    startup: tuple[str, ...] = ()
    audit_labels: str | None = None
    reputation: tuple[str, ...] = ()
    whitelist: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()


def load(target: str) -> Any:
    """Resolve ``"package.module:attribute"``; a typo fails loudly at start-up, not on first use."""
    module_name, _, attribute = target.partition(":")
    if not attribute:
        raise ValueError(f"registry target {target!r} must look like 'module:attribute'")
    return getattr(import_module(module_name), attribute)

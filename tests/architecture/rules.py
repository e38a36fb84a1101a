"""The rules between packages, checked on the source's syntax trees (no code is run, except to ask
whether a name imported from a ``models`` module is a mapped table rather than an enum).

Each rule is a function ``(module) -> list of violations``; ``check`` runs them all over a source
tree, so the test of the tests can point it at a small bad package in a temporary directory.
Layers, bottom to top: ``core``; the foundation (``jurisdiction``, ``accounts``, ``audit``); the
workflow capabilities; ``bulletins`` (reads every capability's stats); ``web`` and ``demo``; and the
top-level wiring (``app``, ``cli``, ``models``, ``capabilities``, ``server``, ``migrations``).
"""

import ast
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

FOUNDATION = frozenset({"jurisdiction", "accounts", "audit"})
# Packages above the capabilities: nothing below them may import them.
TOP = frozenset({"web", "demo", "app", "cli", "models", "capabilities", "server", "migrations", "__main__"})
# The detector sits below the workflows: they call it, it never calls them.
WORKFLOWS = frozenset({"warnings", "cases", "funds"})
# What a capability's own console page module (``<package>/pages.py``) may use of the console.
CONSOLE_HELPERS = frozenset({"fanzha.web.render", "fanzha.web.forms"})
# Calls that hand a function to a worker thread: their arguments are not run on the event loop.
THREAD_HANDOFF = frozenset({"run_in_threadpool", "to_thread", "run_sync"})


@dataclass(frozen=True)
class Module:
    """One source file: its dotted name, top package (``fanzha.<package>``) and syntax tree."""

    name: str
    package: str
    path: Path
    tree: ast.Module


@dataclass(frozen=True)
class Import:
    """``from <module> import <name>`` or ``import <module>`` (name empty), at line ``line``."""

    module: str
    name: str
    line: int
    type_only: bool


Rule = Callable[[Module], list[str]]


def modules(root: Path, top: str = "fanzha") -> Iterator[Module]:
    """Every ``.py`` file under ``root/top`` (``root`` is the directory on ``sys.path``)."""
    for path in sorted((root / top).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        package = parts[1] if len(parts) > 1 else ""
        yield Module(".".join(parts), package, path, ast.parse(path.read_text(encoding="utf-8")))


def package_of(dotted: str) -> str | None:
    """``fanzha.cases.service`` → ``cases``; ``None`` outside fanzha."""
    parts = dotted.split(".")
    if parts[0] != "fanzha":
        return None
    return parts[1] if len(parts) > 1 else ""


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def imports(module: Module) -> list[Import]:
    """Absolute fanzha imports of a module, anywhere in it (also inside functions)."""
    type_only = _type_checking_lines(module.tree)
    found: list[Import] = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                found.append(Import(node.module, alias.name, node.lineno, node.lineno in type_only))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(alias.name, "", node.lineno, node.lineno in type_only))
    return [i for i in found if package_of(i.module) is not None]


def _where(module: Module, line: int) -> str:
    return f"{module.name}:{line}"


def core_imports_only_core(module: Module) -> list[str]:
    """Core is the bottom layer: at run time it imports nothing else of fanzha."""
    if module.package != "core":
        return []
    return [
        f"{_where(module, i.line)} core imports {i.module}"
        for i in imports(module)
        if not i.type_only and package_of(i.module) != "core"
    ]


def nothing_imports_upwards(module: Module) -> list[str]:
    """Below the top layer nobody imports web, demo or the wiring (a capability's own page module
    may use the console's rendering and form helpers); only bulletins and the top layer import
    bulletins (it reads every capability, so a capability importing it is a cycle)."""
    if module.package in TOP or module.package == "":
        return []
    is_page_module = module.name.split(".")[2:3] == ["pages"]
    bad: list[str] = []
    for i in imports(module):
        if is_page_module and i.module in CONSOLE_HELPERS:
            continue
        target = package_of(i.module)
        if target in TOP or (target == "bulletins" and module.package != "bulletins"):
            bad.append(f"{_where(module, i.line)} {module.package} imports {i.module}")
    return bad


def detector_is_below_workflows(module: Module) -> list[str]:
    """The detector is told about reputation (cases' identifiers, warnings' reports); it does not
    import the workflows that call it."""
    if module.package != "detect":
        return []
    return [
        f"{_where(module, i.line)} detect imports {i.module}"
        for i in imports(module)
        if package_of(i.module) in WORKFLOWS
    ]


def _is_table(module_name: str, name: str) -> bool:
    from fanzha.core.db import Base

    target = getattr(importlib.import_module(module_name), name, None)
    return isinstance(target, type) and issubclass(target, Base)


def _reaches_into(module: Module, i: Import) -> bool:
    """Whether an import reaches another package's repository or mapped tables (its enums and
    constants in ``models`` are vocabulary, and allowed)."""
    target = package_of(i.module)
    if target == module.package:
        return False
    tail = i.module.rsplit(".", 1)[-1]
    if tail == "repository" or i.name == "repository":
        return True
    if i.name == "models":
        return True
    return tail == "models" and (i.name == "*" or _is_table(i.module, i.name))


def web_uses_services(module: Module) -> list[str]:
    """Console pages are adapters over services: no other package's repository or tables."""
    if module.package != "web":
        return []
    return [
        f"{_where(module, i.line)} web imports {i.module}.{i.name}".rstrip(".")
        for i in imports(module)
        if _reaches_into(module, i)
    ]


def capabilities_use_services(module: Module) -> list[str]:
    """A capability calls another capability's service, never its repository or tables. The
    foundation's tables (the tree's nodes and units, users) are what every record points at, and
    stay readable; its repositories do not."""
    if module.package in TOP or module.package in {"core", "web", ""}:
        return []
    bad: list[str] = []
    for i in imports(module):
        target = package_of(i.module)
        if not _reaches_into(module, i):
            continue
        is_repository = i.module.endswith(".repository") or i.name == "repository"
        if target in FOUNDATION and not is_repository:
            continue
        bad.append(f"{_where(module, i.line)} {module.package} imports {i.module}.{i.name}".rstrip("."))
    return bad


def _bound_modules(module: Module) -> dict[str, str]:
    """Local names bound to fanzha modules: ``from fanzha.x import service`` → service: fanzha.x.service."""
    bound: dict[str, str] = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and node.module and package_of(node.module) is not None:
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and package_of(alias.name) is not None:
                    bound[alias.asname] = alias.name
    return bound


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def no_private_names_across_packages(module: Module) -> list[str]:
    """``_name`` is a package's own: another package importing it (``from x import _y``) or reaching
    it through a module (``x._y``) is coupling the owner cannot see."""
    bad = [
        f"{_where(module, i.line)} imports {i.module}.{i.name}"
        for i in imports(module)
        if _is_private(i.name) and package_of(i.module) != module.package
    ]
    bound = _bound_modules(module)
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and _is_private(node.attr):
            owner = bound.get(node.value.id)
            if owner and package_of(owner) != module.package:
                bad.append(f"{_where(module, node.lineno)} uses {owner}.{node.attr}")
    return bad


def _session_names(func: ast.AsyncFunctionDef) -> set[str]:
    args = func.args.args + func.args.kwonlyargs
    return {
        a.arg
        for a in args
        if a.arg == "session" or (a.annotation is not None and "Session" in ast.unparse(a.annotation))
    }


def _uses_outside_handoff(node: ast.AST, names: set[str]) -> int | None:
    """Line of the first use of a session name that is not an argument of a thread hand-off."""
    if isinstance(node, ast.Call):
        func = ast.unparse(node.func).rsplit(".", 1)[-1]
        if func in THREAD_HANDOFF:
            return None
    if isinstance(node, ast.Name) and node.id in names:
        return node.lineno
    for child in ast.iter_child_nodes(node):
        line = _uses_outside_handoff(child, names)
        if line is not None:
            return line
    return None


def no_database_work_in_async_routes(module: Module) -> list[str]:
    """An ``async def`` runs on the event loop: a query there stalls every other request. Routes
    that must be async (to await an upload) hand the database work to the thread pool."""
    bad: list[str] = []
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.AsyncFunctionDef):
            continue
        names = _session_names(node)
        if not names:
            continue
        for statement in node.body:
            line = _uses_outside_handoff(statement, names)
            if line is not None:
                bad.append(
                    f"{_where(module, line)} async {node.name} uses the database session on the event loop"
                )
                break
    return bad


RULES: tuple[Rule, ...] = (
    core_imports_only_core,
    nothing_imports_upwards,
    detector_is_below_workflows,
    web_uses_services,
    capabilities_use_services,
    no_private_names_across_packages,
    no_database_work_in_async_routes,
)


def check(root: Path, top: str = "fanzha", rules: tuple[Rule, ...] = RULES) -> dict[str, list[str]]:
    """Violations per rule name over every module under ``root/top``."""
    found: dict[str, list[str]] = {rule.__name__: [] for rule in rules}
    for module in modules(root, top):
        for rule in rules:
            found[rule.__name__] += rule(module)
    return found

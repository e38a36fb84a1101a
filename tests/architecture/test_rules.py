"""The package rules of docs/architecture.md hold for the whole source tree."""

import re
from pathlib import Path

import pytest

from tests.architecture.rules import RULES, check

SRC = Path(__file__).resolve().parents[2] / "src"

# Known breaks (without their line numbers), each with why it is still here; the next session
# removes them and this list shrinks to empty. An entry that no longer matches fails too.
ALLOWED: dict[str, str] = {}


def _without_line(violation: str) -> str:
    return re.sub(r"^(\S+):\d+ ", r"\1 ", violation)


@pytest.fixture(scope="module")
def found() -> dict[str, list[str]]:
    return check(SRC)


@pytest.mark.parametrize("rule", [r.__name__ for r in RULES])
def test_rule_holds(found: dict[str, list[str]], rule: str) -> None:
    broken = [v for v in found[rule] if _without_line(v) not in ALLOWED]
    assert broken == [], f"{rule}: {(RULES[[r.__name__ for r in RULES].index(rule)].__doc__ or '').strip()}"


def test_allow_list_is_not_stale(found: dict[str, list[str]]) -> None:
    everything = {_without_line(v) for violations in found.values() for v in violations}
    assert sorted(set(ALLOWED) - everything) == []

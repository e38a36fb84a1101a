"""The package rules of docs/architecture.md hold for the whole source tree."""

from pathlib import Path

import pytest

from tests.architecture.rules import RULES, check

SRC = Path(__file__).resolve().parents[2] / "src"

# Known breaks, each with why it is still here; the next session removes them (and this list
# shrinks to empty). A line that no longer matches fails too, so the list cannot go stale.
ALLOWED = {
    "fanzha.web.cases:11 web imports fanzha.cases.repository": "case list query moves to cases.service",
    "fanzha.web.funds:19 web imports fanzha.cases.repository": "case lookup moves to cases.service",
    "fanzha.web.funds:25 web imports fanzha.funds.repository": "request list query moves to funds.service",
    "fanzha.web.mules:22 web imports fanzha.funds.repository": "punishment list moves to funds.service",
    "fanzha.web.trace:25 web imports fanzha.funds.repository": "trace page reads moves to funds.service",
    "fanzha.funds.demo:16 funds imports fanzha.cases.models.Case": "recent_cases returns rows, not a schema",
}


@pytest.fixture(scope="module")
def found() -> dict[str, list[str]]:
    return check(SRC)


@pytest.mark.parametrize("rule", [r.__name__ for r in RULES])
def test_rule_holds(found: dict[str, list[str]], rule: str) -> None:
    broken = [v for v in found[rule] if v not in ALLOWED]
    assert broken == [], f"{rule}: {(RULES[[r.__name__ for r in RULES].index(rule)].__doc__ or '').strip()}"


def test_allow_list_is_not_stale(found: dict[str, list[str]]) -> None:
    everything = {v for violations in found.values() for v in violations}
    assert sorted(set(ALLOWED) - everything) == []

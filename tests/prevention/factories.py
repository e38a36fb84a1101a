"""Prevention test data: target register rows, cases at a grid on given days, groups."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from fanzha.accounts.principal import Principal
from fanzha.cases import service as cases
from tests.cases.factories import case_in

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
GRID_A1 = "369901001001"  # 阳光社区, station A, 150 residents
GRID_A2 = "369901001002"  # 绿洲社区, station A
GRID_B1 = "369901002001"  # 翠苑社区, station B


def target_row(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "grid_code": GRID_A1, "kind": "school", "name": "阳光小学", "people": "640",
        "contact_name": "李校长", "contact_phone": "13800001111", "address": "阳光路 1 号",
    }  # fmt: skip
    row.update(overrides)
    return row


def cases_at(
    session: Session, actor: Principal, grid: str, days_ago: list[int], now: datetime = NOW, **fields: Any
) -> None:
    """One case per entry of ``days_ago`` at ``grid``, occurring that many days before ``now``."""
    for days in days_ago:
        data = case_in(grid, occurred_at=now - timedelta(days=days, hours=1), **fields)
        cases.register_case(session, data, actor)

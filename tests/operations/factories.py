"""Operations in the test world: a package and an operation led by a given node, with targets."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from fanzha.operations import service
from fanzha.operations.models import Operation
from fanzha.operations.schemas import OperationIn, PackageIn, TargetIn
from tests.factories import World

STRIKE = datetime(2026, 11, 20, 21, 0, tzinfo=UTC)  # 2026-11-21 05:00 Beijing time


def target(**overrides: Any) -> TargetIn:
    data: dict[str, Any] = {
        "kind": "den",
        "label": "话务窝点",
        "address": "阳光路12号 301室",
        "unit_name": "甲派出所",
        "team": "第一组",
        "leader": "李警官",
        "leader_phone": "13907910001",
    }
    return TargetIn.model_validate({**data, **overrides})


def operation(
    session: Session, world: World, actor: str = "commander", node_code: str = "369900", **overrides: Any
) -> Operation:
    data: dict[str, Any] = {
        "title": "雷霆行动",
        "strike_at": STRIKE,
        "node_code": node_code,
        "commander": "王指挥",
        "briefing": "三处窝点同时收网",
        "targets": [target()],
    }
    data.update(overrides)
    return service.create_operation(session, OperationIn.model_validate(data), world.principals[actor])


def station_b_operation(session: Session, world: World) -> dict[str, Any]:
    """Led by 乙派出所, its one target in 乙派出所's own area (no gazetteer: counts at the lead)."""
    found = operation(session, world, "commander", "369901002", targets=[target(address="翠苑路8号")])
    return {"operation_id": found.id}


def station_b_target(session: Session, world: World) -> dict[str, Any]:
    found = operation(session, world, "commander", "369901002", targets=[target(address="翠苑路8号")])
    return {"target_id": found.targets[0].id}


def station_b_package(session: Session, world: World) -> dict[str, Any]:
    data = PackageIn(title="乙所团伙", node_code="369901002")
    return {"package_id": service.create_package(session, data, world.principals["commander"]).id}

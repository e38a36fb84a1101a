"""Warnings in the test world: a small gazetteer and intake items that route to known grids."""

import itertools
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from fanzha.core.principal import Principal, system_principal
from fanzha.warnings import service
from fanzha.warnings.intake import intake
from fanzha.warnings.models import EarlyWarning, GazetteerEntry
from fanzha.warnings.schemas import RouteIn
from fanzha.warnings.service import get_warning
from tests.factories import World

_ids = itertools.count(1)
FEED = system_principal(name="test-feed")

# (kind, name, first_no, last_no, node code)
GAZETTEER = [
    ("road", "阳光路", 1, 99, "369901001001"),  # 阳光社区
    ("road", "阳光路", 100, 199, "369901001002"),  # 绿洲社区
    ("community", "翠苑社区", None, None, "369901002001"),
    ("village", "和平村", None, None, "369902001001"),
    ("phone_prefix", "1387001", None, None, "369901"),  # 东区
    ("phone_prefix", "1387002", None, None, "369902"),  # 西区
]


def add_gazetteer(session: Session, world: World) -> None:
    rows = [
        {"kind": k, "name": n, "first_no": a, "last_no": b, "node_id": world.node(code).id}
        for k, n, a, b, code in GAZETTEER
    ]
    session.execute(insert(GazetteerEntry), rows)
    session.flush()


def item(**overrides: Any) -> dict[str, Any]:
    """An intake item for a high-risk warning whose address lies in 阳光社区 (station A)."""
    data: dict[str, Any] = {
        "source": "province",
        "source_id": f"P-{next(_ids):07d}",
        "issued_at": datetime(2026, 11, 20, 1, 0, tzinfo=UTC).isoformat(),
        "level": "high",
        "victim_name": "王小明",
        "victim_phone": "13912345678",
        "victim_id_number": "369901199001011234",
        "victim_address": "测试市东区阳光路12号3单元",
        "victim_age": 34,
        "victim_group": "young_mother",
        "fraud_type": "rebate_task",
        "tags": ["screen_sharing"],
        "evidence": [
            {"kind": "phone", "value": "+86 170 0000 1111"},
            {"kind": "url", "value": "HTTP://Fake.Example/pay"},
        ],
        "text": "疑似刷单返利，正在转账",
    }
    data.update(overrides)
    return data


def make_warning(session: Session, world: World, actor: Principal = FEED, **overrides: Any) -> EarlyWarning:
    result = intake(session, [item(**overrides)], actor).items[0]
    assert result.id is not None, result.errors
    return get_warning(session, result.id, world.principals["commander"])


def station_b_warning(session: Session, world: World) -> dict[str, Any]:
    """Path parameters of a warning routed to station B (乙派出所), for the scope registry."""
    w = make_warning(session, world, victim_address="外地")
    service.reroute(
        session, w.id, RouteIn(node_code="369901002", reason="测试改派"), world.principals["commander"]
    )
    return {"warning_id": w.id}


def held_report(session: Session, world: World) -> dict[str, Any]:
    """Path parameters of a report held at the city centre for review, beyond a station's reach."""
    result = intake(session, [item(source="citizen")], FEED, hold="内容不足以核查").items[0]
    assert result.id is not None
    return {"warning_id": result.id}

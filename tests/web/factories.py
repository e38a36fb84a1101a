"""Warnings placed in a unit's queue for the console tests (intake, then routed by hand)."""

from datetime import timedelta
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from fanzha.core.principal import system_principal
from fanzha.core.timeutil import utcnow
from fanzha.warnings import intake, service
from fanzha.warnings.schemas import RouteIn, WarningIn

_ids = count(1)


def routed_warning(session: Session, node_code: str = "369901001001", **overrides: Any) -> int:
    """A warning waiting in the queue of the unit that works ``node_code``; returns its id."""
    data: dict[str, Any] = {
        "source": "ministry",
        "source_id": f"web-test-{next(_ids)}-{utcnow().timestamp()}",
        "issued_at": utcnow() - timedelta(minutes=1),
        "level": "high",
        "victim_name": "李四",
        "victim_phone": "13912345678",
        "victim_address": "阳光路 12 号",
        "fraud_type": "impersonate_authority",
        "tags": [],
        "evidence": [{"kind": "phone", "value": "+85212345678"}],
        "text": "对方自称公安局，称其涉嫌洗钱，要求转账到安全账户",
    }
    data.update(overrides)
    system = system_principal(name="test")
    result = intake.intake(session, [WarningIn.model_validate(data)], system)
    warning_id = result.items[0].id
    assert warning_id is not None, result
    service.reroute(session, warning_id, RouteIn(node_code=node_code, reason="测试分派"), system)
    return warning_id

"""Prevention test data: target register rows, cases at a grid on given days, groups."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.core.principal import Principal
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


def station_b_campaign(session: Session, world: Any) -> int:
    from fanzha.prevention import campaigns
    from fanzha.prevention.schemas import CampaignIn

    data = CampaignIn(title="翠苑宣传", grid_codes=[GRID_B1], starts_on=NOW.date(), ends_on=NOW.date())
    return campaigns.create_campaign(session, data, world.principals["police_b"]).id


def station_b_activity(session: Session, world: Any) -> int:
    from fanzha.prevention import activities

    return activities.log_activity(session, activity_in(GRID_B1), world.principals["police_b"]).id


def station_b_team(session: Session, world: Any) -> int:
    from fanzha.prevention import volunteers
    from fanzha.prevention.schemas import TeamIn

    team = TeamIn(name="翠苑蓝马甲", node_code="369901002")
    return volunteers.create_team(session, team, world.principals["police_b"]).id


def activity_in(grid: str = GRID_A1, **overrides: Any) -> Any:
    from fanzha.prevention.schemas import ActivityIn

    data: dict[str, Any] = {
        "kind": "sweep", "grid_code": grid, "unit_name": "阳光社区警格", "staff": 3,
        "held_at": NOW - timedelta(days=2), "place": "阳光小区 1—3 栋", "target_group": "elderly",
        "reached": 40, "households": ["1栋101", "1栋102", "2栋201"], "materials": "宣传折页 60 份",
    }  # fmt: skip
    data.update(overrides)
    return ActivityIn.model_validate(data)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def station_b_alert(session: Session, world: Any) -> int:
    from fanzha.prevention import groups
    from fanzha.prevention.schemas import AlertIn

    data = AlertIn(title="翠苑提醒", fraud_type="rebate_task", node_code="369901002", body="不刷单")
    return groups.create_alert(session, data, world.principals["police_b"], NOW).id


def station_b_push(session: Session, world: Any) -> Any:
    """A push of a station-B alert to a station-B group (queued, with one delivery)."""
    from fanzha.prevention import groups, outbox
    from fanzha.prevention.schemas import GroupIn, PushIn

    police_b = world.principals["police_b"]
    group = groups.create_group(session, GroupIn.model_validate({
        "grid_code": GRID_B1, "name": "翠苑业主群", "kind": "owners", "platform": "wecom", "members": 80,
        "channel": "wecom", "address": "http://127.0.0.1:9/send?key=b"}), police_b)  # fmt: skip
    data = PushIn(
        alert_id=station_b_alert(session, world), group_ids=[group.id], request_key="station-b-push"
    )
    return outbox.request_push(session, data, police_b, NOW)


def station_b_delivery(session: Session, world: Any) -> int:
    from sqlalchemy import select

    from fanzha.prevention.models import Delivery

    push = station_b_push(session, world)
    delivery_id = session.scalar(select(Delivery.id).where(Delivery.push_id == push.id))
    assert delivery_id is not None
    return int(delivery_id)

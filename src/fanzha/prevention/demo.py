"""Demo step: prevention in the demo city — registers for every grid, volunteer teams, campaigns
that follow the rising case types, 13 months of activities and sweeps (so the bulletins have last
year's months too), anti-fraud groups, and pushes in every delivery state.

The bulk rows (targets, activities, household visits, groups) go in through the Core tables, a few
statements instead of tens of thousands of round trips; campaigns, teams, alerts and pushes go
through the services, audited like an officer's. The groups' robot addresses point at a local port
where nothing listens, so a running demo never sends anything out: its waiting deliveries end on
the dead-letter list, as they would with a robot that is gone.
"""

import random
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from fanzha.core.db import Base
from fanzha.core.demo_context import DemoContext
from fanzha.core.principal import system_principal
from fanzha.core.timeutil import to_local
from fanzha.core.vocab import FraudType, VictimGroup
from fanzha.jurisdiction.models import Node
from fanzha.prevention import aiming, campaigns, coverage, groups, outbox, volunteers
from fanzha.prevention.models import (
    Activity,
    ActivityKind,
    Delivery,
    HouseholdVisit,
    SocialGroup,
    Target,
    TargetKind,
)
from fanzha.prevention.schemas import AlertIn, CampaignFromAim, CampaignIn, PushIn, TeamIn, VolunteerIn

HISTORY_DAYS = 400
ACTIVITIES_PER_GRID = 8
AIMED_CAMPAIGNS = 8
NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing listens, nothing leaves the machine
# Key places a grid may hold: kind, name suffix, people (low, high).
PLACES: list[tuple[TargetKind, str, tuple[int, int]]] = [
    (TargetKind.SCHOOL, "小学", (300, 1800)),
    (TargetKind.SCHOOL, "中学", (600, 2500)),
    (TargetKind.ELDERLY_COMMUNITY, "颐养院", (40, 300)),
    (TargetKind.SENIOR_UNIVERSITY, "老年大学", (80, 600)),
    (TargetKind.MOTHERS_GROUP, "宝妈群", (30, 200)),
    (TargetKind.ENTERPRISE, "工业园企业", (100, 3000)),
    (TargetKind.MARKET, "农贸市场", (200, 1500)),
    (TargetKind.BANK_BRANCH, "工商银行网点", (500, 4000)),
    (TargetKind.OPERATOR_SHOP, "移动营业厅", (300, 2000)),
    (TargetKind.LED_SCREEN, "广场 LED 屏", (1000, 8000)),
]
SURNAMES = "王李张刘陈杨黄赵吴周"
TEAMS = [
    ("蓝马甲", "社区反诈志愿者，扫楼入户、集市摆摊"),
    ("反诈奶奶团", "老年人讲给老年人听"),
    ("青春护卫队", "高校学生志愿者，校园宣讲"),
    ("银行网点宣防员", "柜面提醒与宣传"),
]
KINDS = [ActivityKind.SWEEP] * 4 + [
    ActivityKind.LECTURE,
    ActivityKind.MARKET_STALL,
    ActivityKind.HOME_VISIT,
    ActivityKind.SCHOOL_LESSON,
    ActivityKind.LED_PLAYLIST,
    ActivityKind.LIVESTREAM,
]


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _place(
    rng: random.Random, grid: Node, name: str, kind: TargetKind, suffix: str, people: tuple[int, int]
) -> dict[str, Any]:
    return {
        "node_id": grid.id,
        "node_path": grid.path,
        "kind": kind.value,
        "name": f"{name}{suffix}",
        "people": rng.randint(*people),
        "contact_name": rng.choice(SURNAMES) + rng.choice(["老师", "经理", "主任"]),
        "contact_phone": f"139{rng.randint(0, 99_999_999):08d}",
        "address": f"{name}{rng.randint(1, 200)}号",
    }


def _targets(session: Session, ctx: DemoContext) -> list[dict[str, Any]]:
    """Households and two to four key places for every grid of the city."""
    rows = []
    for grid in ctx.grids:
        name = ctx.community.get(grid.code, grid.name)
        rows.append(
            {
                "node_id": grid.id,
                "node_path": grid.path,
                "kind": TargetKind.HOUSEHOLDS.value,
                "name": "住户",
                "people": max(50, (grid.population or 0) * 10 // 27),
                "contact_name": None,
                "contact_phone": None,
                "address": None,
            }
        )
        rows += [_place(ctx.rng, grid, name, *p) for p in ctx.rng.sample(PLACES, ctx.rng.randint(2, 4))]
    for row in rows:
        row["updated_at"], row["updated_by"] = ctx.now, "system:0:demo"
    table = _table(Target)
    ids = session.connection().scalars(
        table.insert().returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return [{**row, "id": i} for row, i in zip(rows, ids, strict=True)]


def _teams(session: Session, ctx: DemoContext) -> list[tuple[int, str, list[int]]]:
    """Volunteer teams at a few stations, with members; (team id, station path, member ids)."""
    demo = system_principal(name="demo")
    made = []
    for i, (name, text) in enumerate(TEAMS):
        station = ctx.stations[i * 9 % len(ctx.stations)]
        team = volunteers.create_team(
            session, TeamIn(name=f"{station.name}{name}", node_code=station.code, description=text), demo
        )
        members = [
            volunteers.add_member(
                session,
                team.id,
                VolunteerIn(
                    name=ctx.rng.choice(SURNAMES)
                    + ctx.rng.choice(["秀英", "建国", "桂兰", "志强", "玉梅", "晓燕"]),
                    phone=f"137{ctx.rng.randint(0, 99_999_999):08d}",
                    joined_on=to_local(ctx.now).date() - timedelta(days=ctx.rng.randint(30, 700)),
                ),
                demo,
            ).id
            for _ in range(ctx.rng.randint(6, 14))
        ]
        made.append((team.id, station.path, members))
    return made


def _campaigns(session: Session, ctx: DemoContext) -> list[tuple[int, list[str], date, date]]:
    """Campaigns from the top aiming lines of the last 30 days, and earlier ones in the past year."""
    assert ctx.city is not None
    officer = system_principal(name="demo-prevention")
    made = []
    for line in aiming.aim(session, ctx.city.path, ctx.now, 30, AIMED_CAMPAIGNS):
        aimed = CampaignFromAim(grid_code=line.grid_code, fraud_type=line.fraud_type, audience=line.audience)
        made.append(campaigns.campaign_from_aim(session, aimed, officer, ctx.now))
    today = to_local(ctx.now).date()
    for months_ago, fraud, group in [
        (11, FraudType.IMPERSONATE_AUTHORITY, VictimGroup.ELDERLY),
        (8, FraudType.REBATE_TASK, VictimGroup.STUDENT),
        (5, FraudType.FAKE_INVESTMENT, None),
        (2, FraudType.FAKE_CREDIT_REPAIR, None),
    ]:
        grids = ctx.rng.sample(ctx.grids, 12)
        start = today - timedelta(days=30 * months_ago)
        data = CampaignIn(
            title=f"{fraud.label}防范月",
            theme=f"集中宣传{fraud.label}的骗术与应对",
            fraud_types=[fraud],
            target_groups=[group] if group else [],
            grid_codes=[g.code for g in grids],
            starts_on=start,
            ends_on=start + timedelta(days=30),
            reason="中心年度宣防计划",
        )
        made.append(campaigns.create_campaign(session, data, officer))
    return [(c.id, c.grid_paths, c.starts_on, c.ends_on) for c in made]


def _activities(
    session: Session,
    ctx: DemoContext,
    targets: list[dict[str, Any]],
    teams: list[tuple[int, str, list[int]]],
    planned: list[tuple[int, list[str], date, date]],
) -> tuple[int, int]:
    """About eight activities per grid over 13 months (more inside campaigns), with the households
    each sweep reached; returns (activities, household visits)."""
    rng = ctx.rng
    places: dict[str, list[dict[str, Any]]] = {}
    for t in targets:
        if t["kind"] != TargetKind.HOUSEHOLDS.value:
            places.setdefault(t["node_path"], []).append(t)
    by_path = {g.path: g for g in ctx.grids}
    slots: list[tuple[Node, datetime, int | None]] = []
    for grid in ctx.grids:
        for _ in range(rng.randint(ACTIVITIES_PER_GRID // 2, ACTIVITIES_PER_GRID * 3 // 2)):
            slots.append((grid, ctx.now - timedelta(days=rng.uniform(0.5, HISTORY_DAYS)), None))
    for campaign_id, paths, starts, ends in planned:
        for path in paths:
            for _ in range(3):
                day = starts + timedelta(
                    days=rng.randint(0, max(0, (min(ends, to_local(ctx.now).date()) - starts).days))
                )
                slots.append(
                    (
                        by_path[path],
                        ctx.now.replace(year=day.year, month=day.month, day=day.day)
                        - timedelta(hours=rng.randint(1, 10)),
                        campaign_id,
                    )
                )
    rows, visits = [], []
    for grid, held_at, campaign in slots:
        held_at = min(held_at, ctx.now - timedelta(hours=1))
        kind = rng.choice(KINDS)
        place = rng.choice(places[grid.path])
        team = next((t for t in teams if grid.path.startswith(t[1])), None)
        name = ctx.community.get(grid.code, grid.name)
        households = []
        if kind in (ActivityKind.SWEEP, ActivityKind.HOME_VISIT):
            households = sorted(
                {
                    f"{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}"
                    for _ in range(rng.randint(4, 30) if kind == ActivityKind.SWEEP else 1)
                }
            )
        reached = (
            len(households) * rng.randint(2, 3)
            if households
            else rng.randint(30, min(800, place["people"]) + 30)
        )
        rows.append(
            {
                "campaign_id": campaign,
                "kind": kind.value,
                "node_id": grid.id,
                "node_path": grid.path,
                "unit_name": f"{name}警格",
                "staff": rng.randint(1, 6),
                "held_at": held_at,
                "place": name if households else place["name"],
                "target_group": rng.choice([None, "elderly", "student", "young_mother"]),
                "target_id": None if households else place["id"],
                "reached": reached,
                "materials": f"宣传折页 {reached + rng.randint(0, 40)} 份",
                "team_id": team[0] if team else None,
                "created_at": held_at + timedelta(hours=2),
                "created_by": "system:0:demo",
            }
        )
        visits.append(households)
    table = _table(Activity)
    ids = list(
        session.connection().scalars(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows)
    )
    visit_rows = [
        {"activity_id": i, "node_path": r["node_path"], "household": h, "visited_at": r["held_at"]}
        for i, r, hs in zip(ids, rows, visits, strict=True)
        for h in hs
    ]
    session.connection().execute(_table(HouseholdVisit).insert(), visit_rows)
    return len(rows), len(visit_rows)


def _groups(session: Session, ctx: DemoContext) -> list[SocialGroup]:
    """A village or owners' group in about four grids of ten, some parents' and school groups."""
    rng, rows = ctx.rng, []
    for i, grid in enumerate(g for g in ctx.grids if rng.random() < 0.4):
        name = ctx.community.get(grid.code, grid.name)
        kind = (
            "village"
            if name.endswith("村")
            else rng.choice(["owners", "owners", "parents", "school", "enterprise"])
        )
        channel = rng.choice(["wecom", "wecom", "dingtalk"]) if i % 25 else rng.choice(["sms", "email"])
        address = {
            "wecom": f"{NOWHERE}/cgi-bin/webhook/send?key=demo-{i}",
            "dingtalk": f"{NOWHERE}/robot/send?access_token=demo-{i}",
            "sms": f"1390000{i:04d}",
            "email": f"group{i}@example.org",
        }[channel]
        rows.append(
            {
                "node_id": grid.id,
                "node_path": grid.path,
                "name": f"{name}反诈专群",
                "kind": kind,
                "platform": "dingtalk" if channel == "dingtalk" else "wecom",
                "admin_name": "群主" + rng.choice("王李张刘陈"),
                "admin_phone": f"136{rng.randint(0, 99_999_999):08d}",
                "members": rng.randint(80, 500),
                "channel": channel,
                "address": address,
                "secret": None,
                "created_at": ctx.now - timedelta(days=200),
            }
        )
    session.connection().execute(_table(SocialGroup).insert(), rows)
    return list(session.scalars(select(SocialGroup).order_by(SocialGroup.id)))


def _pushes(session: Session, ctx: DemoContext, found: list[SocialGroup]) -> None:
    """Alerts composed from local cases, and pushes that were delivered, failed into dead letters,
    are still going out, wait for approval, or were rejected."""
    assert ctx.city is not None
    officer, second = system_principal(name="demo-prevention"), system_principal(name="demo-commander")
    plans = [
        (FraudType.IMPERSONATE_AUTHORITY, VictimGroup.ELDERLY, 14, "sent"),
        (FraudType.REBATE_TASK, VictimGroup.STUDENT, 10, "mixed"),
        (FraudType.FAKE_CREDIT_REPAIR, None, 30, "approval"),
        (FraudType.FAKE_INVESTMENT, None, 25, "rejected"),
    ]
    start = 0
    for n, (fraud, group, size, fate) in enumerate(plans):
        at = ctx.now - timedelta(days=3 - n * 0.5)
        alert = groups.create_alert(
            session,
            AlertIn(
                title=f"警惕{fraud.label}", fraud_type=fraud, target_group=group, node_code=ctx.city.code
            ),
            officer,
            at,
        )
        groups.publish_alert(session, alert.id, officer, at)
        chosen = [g.id for g in found[start : start + size]]
        start += size
        push = outbox.request_push(
            session, PushIn(alert_id=alert.id, group_ids=chosen, request_key=f"demo-push-{n}"), officer, at
        )
        if fate == "rejected":
            outbox.decide_push(session, push.id, False, second, at + timedelta(hours=1))
        if fate in ("sent", "mixed"):
            _settle(session, push.id, fate, at, ctx.now)


def _settle(session: Session, push_id: int, fate: str, at: datetime, now: datetime) -> None:
    """What the outbox would have recorded: all sent, or sent / dead / still due / mid-send."""
    ids = list(session.scalars(select(Delivery.id).where(Delivery.push_id == push_id).order_by(Delivery.id)))
    states = (
        ["sent"] * len(ids)
        if fate == "sent"
        else ["sent"] * (len(ids) - 5) + ["dead", "dead", "pending", "pending", "sending"]
    )
    for delivery_id, state in zip(ids, states, strict=True):
        values: dict[str, Any] = {"status": state}
        if state == "sent":
            values |= {"attempts": 1, "sent_at": at + timedelta(seconds=30)}
        elif state == "dead":
            values |= {"attempts": 5, "last_error": "连接失败：[Errno 111] Connection refused"}
        elif state == "pending":
            values |= {"attempts": 2, "last_error": "HTTP 502", "next_attempt_at": now + timedelta(minutes=2)}
        else:
            values |= {"next_attempt_at": now + outbox.CLAIM_LEASE}
        session.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))


def build(session: Session, ctx: DemoContext) -> None:
    assert ctx.city is not None
    targets = _targets(session, ctx)
    teams = _teams(session, ctx)
    planned = _campaigns(session, ctx)
    n_activities, n_visits = _activities(session, ctx, targets, teams, planned)
    found = _groups(session, ctx)
    _pushes(session, ctx, found)
    free = len(coverage.fraud_free_grids(session, ctx.city.path, ctx.now))
    ctx.summary.append(
        f"精准宣防：宣防对象 {len(targets):,} 条（{len(ctx.grids)} 个警格），宣防战役 {len(planned)} 个，"
        f"活动 {n_activities:,} 场、入户 {n_visits:,} 户次，志愿者队伍 {len(teams)} 支，"
        f"反诈专群 {len(found)} 个，无诈警格 {free} 个"
    )

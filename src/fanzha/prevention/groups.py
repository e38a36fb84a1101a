"""Anti-fraud groups (反诈专群) and the alerts sent to them: registering, composing, publishing.

An alert's text is composed from the cases of the node it is for (anonymised: age band, group,
loss, tricks used — never a name or number) and the centre's template for the fraud type.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.audit.pii import PiiKind, masked
from fanzha.cases import stats as case_stats
from fanzha.core.errors import NotFound
from fanzha.core.principal import Principal
from fanzha.core.scope import within
from fanzha.core.vocab import FraudType, TechniqueTag, VictimGroup
from fanzha.prevention.grids import grid, node_in_scope, nodes_by_paths
from fanzha.prevention.models import Alert, AlertStatus, Channel, GroupKind, SocialGroup
from fanzha.prevention.schemas import AlertIn, AlertOut, GroupIn, GroupOut
from fanzha.prevention.templates import CLOSING, TEMPLATES

CASE_DAYS = 90  # how far back an alert looks for local cases
CASE_EXAMPLES = 2


def create_group(session: Session, data: GroupIn, actor: Principal) -> SocialGroup:
    node = grid(session, data.grid_code, actor)
    group = SocialGroup(
        node_id=node.id, node_path=node.path, name=data.name, kind=data.kind.value, platform=data.platform,
        admin_name=data.admin_name, admin_phone=data.admin_phone, members=data.members,
        channel=data.channel.value, address=data.address, secret=data.secret,
    )  # fmt: skip
    session.add(group)
    session.flush()
    audit.record(session, actor.actor, "prevention.group.create", "prevention_group", group.id, None,
                 {"name": data.name, "grid_code": node.code, "channel": data.channel.value})  # fmt: skip
    return group


def list_groups(session: Session, path: str, offset: int, limit: int) -> tuple[list[GroupOut], int]:
    where = within(SocialGroup.node_path, path)
    total = session.scalar(select(func.count()).select_from(SocialGroup).where(where)) or 0
    rows = session.scalars(
        select(SocialGroup)
        .where(where)
        .order_by(SocialGroup.node_path, SocialGroup.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return group_outs(session, list(rows)), int(total)


def group_outs(session: Session, rows: Sequence[SocialGroup]) -> list[GroupOut]:
    """Groups as shown: admins masked; the robot address (it holds the robot's key) never leaves."""
    nodes = nodes_by_paths(session, [g.node_path for g in rows])
    outs = []
    for g in rows:
        admin = masked({"name": (PiiKind.NAME, g.admin_name), "phone": (PiiKind.PHONE, g.admin_phone)})
        node = nodes[g.node_path]
        outs.append(
            GroupOut(
                id=g.id,
                grid_code=node.code,
                grid_name=node.name,
                name=g.name,
                kind=g.kind,
                kind_label=GroupKind(g.kind).label,
                platform=g.platform,
                admin_name=admin["name"],
                admin_phone=admin["phone"],
                members=g.members,
                channel=g.channel,
                channel_label=Channel(g.channel).label,
            )
        )
    return outs


def groups_in_scope(session: Session, ids: Sequence[int], actor: Principal) -> list[SocialGroup]:
    """The groups named, all inside the actor's subtree; any other id is 'not found' (404)."""
    rows = session.scalars(select(SocialGroup).where(SocialGroup.id.in_(list(ids)))).all()
    found = {g.id: g for g in rows if actor.sees(g.node_path)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"反诈专群 {missing[0]} 不存在或不在您的管辖范围内")
    return [found[i] for i in dict.fromkeys(ids)]


def _case_words(line: case_stats.CaseLine) -> str:
    who = "一名"
    if line.victim_age is not None:
        who += f"{line.victim_age // 10 * 10}多岁的"
    if line.victim_group and line.victim_group != VictimGroup.OTHER.value:
        who += VictimGroup(line.victim_group).label
    else:
        who += "居民"
    tricks = "、".join(TechniqueTag(t).label for t in line.tags if t in set(TechniqueTag))
    how = f"，骗子使用了{tricks}等手法" if tricks else ""
    return f"{who}被骗 {line.loss_amount.quantize(Decimal(1))} 元{how}。"


def compose(session: Session, path: str, fraud: FraudType, group: VictimGroup | None, now: datetime) -> str:
    """案例解析 from the node's latest cases of the type, then the template's trick and advice."""
    window = (now - timedelta(days=CASE_DAYS), now)
    lines = case_stats.examples(session, path, window, fraud.value, CASE_EXAMPLES)
    trick, advice = TEMPLATES[fraud]
    parts = []
    if lines:
        parts.append(
            f"【案例】近{CASE_DAYS}天本辖区发生{fraud.label}案件，例如："
            + "".join(_case_words(x) for x in lines)
        )
    audience = f"（特别提醒{group.label}）" if group else ""
    parts += [f"【骗术】{trick}", f"【提醒】{advice}{audience}", CLOSING]
    return "\n".join(parts)


def create_alert(session: Session, data: AlertIn, actor: Principal, now: datetime) -> Alert:
    node = node_in_scope(session, data.node_code, actor)
    body = data.body or compose(session, node.path, data.fraud_type, data.target_group, now)
    alert = Alert(
        node_path=node.path, title=data.title, fraud_type=data.fraud_type.value,
        target_group=None if data.target_group is None else data.target_group.value, body=body,
        created_by=actor.actor,
    )  # fmt: skip
    session.add(alert)
    session.flush()
    audit.record(session, actor.actor, "prevention.alert.create", "prevention_alert", alert.id, None,
                 {"title": data.title, "fraud_type": data.fraud_type.value})  # fmt: skip
    return alert


def get_alert(session: Session, alert_id: int, actor: Principal) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None or not actor.sees(alert.node_path):
        raise NotFound("预警提示不存在或不在您的管辖范围内")
    return alert


def publish_alert(session: Session, alert_id: int, actor: Principal, now: datetime) -> Alert:
    """Put the alert on the public channel (反诈频道); publishing twice changes nothing."""
    alert = get_alert(session, alert_id, actor)
    if alert.status != AlertStatus.PUBLISHED.value:
        alert.status = AlertStatus.PUBLISHED.value
        alert.published_at = now
        session.flush()
        audit.record(session, actor.actor, "prevention.alert.publish", "prevention_alert", alert.id,
                     {"status": AlertStatus.DRAFT.value}, {"status": alert.status})  # fmt: skip
    return alert


def alert_out(alert: Alert) -> AlertOut:
    return AlertOut(
        id=alert.id, title=alert.title, fraud_type=alert.fraud_type,
        fraud_type_label=FraudType(alert.fraud_type).label, target_group=alert.target_group, body=alert.body,
        status=alert.status, published_at=alert.published_at, created_at=alert.created_at,
    )  # fmt: skip


def list_alerts(session: Session, path: str, offset: int, limit: int) -> tuple[list[AlertOut], int]:
    where = within(Alert.node_path, path)
    total = session.scalar(select(func.count()).select_from(Alert).where(where)) or 0
    rows = session.scalars(
        select(Alert).where(where).order_by(Alert.id.desc()).offset(offset).limit(limit)
    ).all()
    return [alert_out(a) for a in rows], int(total)


def published_alerts(
    session: Session, fraud: FraudType | None, group: VictimGroup | None, limit: int
) -> list[AlertOut]:
    """The public channel: published alerts, newest first, optionally by fraud type and group."""
    stmt = select(Alert).where(Alert.status == AlertStatus.PUBLISHED.value)
    if fraud is not None:
        stmt = stmt.where(Alert.fraud_type == fraud.value)
    if group is not None:
        stmt = stmt.where(Alert.target_group == group.value)
    rows = session.scalars(stmt.order_by(Alert.published_at.desc(), Alert.id.desc()).limit(limit)).all()
    return [alert_out(a) for a in rows]


def published_alert(session: Session, alert_id: int) -> AlertOut | None:
    alert = session.get(Alert, alert_id)
    return alert_out(alert) if alert is not None and alert.status == AlertStatus.PUBLISHED.value else None

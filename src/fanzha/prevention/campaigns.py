"""Campaigns (宣防战役): a theme, fraud types and groups, grids and a period — often straight from aiming."""

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core.errors import NotFound, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.scope import within
from fanzha.core.timeutil import to_local
from fanzha.core.vocab import VictimGroup
from fanzha.jurisdiction.models import Node
from fanzha.prevention import aiming
from fanzha.prevention.grids import common_path, grids_by_code
from fanzha.prevention.models import Activity, Campaign, CampaignGrid
from fanzha.prevention.schemas import CampaignFromAim, CampaignIn, CampaignOut


def create_campaign(session: Session, data: CampaignIn, actor: Principal) -> Campaign:
    nodes = grids_by_code(session, data.grid_codes, actor, "grid_codes")
    paths = sorted({nodes[c].path for c in data.grid_codes})
    campaign = Campaign(
        title=data.title, theme=data.theme, fraud_types=[f.value for f in data.fraud_types],
        target_groups=[g.value for g in data.target_groups], node_path=common_path(paths), grid_paths=paths,
        starts_on=data.starts_on, ends_on=data.ends_on, owner=actor.actor, reason=data.reason,
    )  # fmt: skip
    session.add(campaign)
    session.flush()
    session.add_all(CampaignGrid(campaign_id=campaign.id, node_path=p) for p in paths)
    session.flush()
    after = {"title": data.title, "grids": data.grid_codes, "reason": data.reason}
    audit.record(
        session, actor.actor, "prevention.campaign.create", "prevention_campaign", campaign.id, None, after
    )
    return campaign


def campaign_from_aim(session: Session, data: CampaignFromAim, actor: Principal, now: datetime) -> Campaign:
    """One action from an aiming line: the campaign for that grid, audience and type, for 30 days."""
    grid = grids_by_code(session, [data.grid_code], actor, "grid_code")[data.grid_code]
    line = next(
        (x for x in aiming.aim(session, grid.path, now, data.days, 500)
         if x.audience == data.audience and x.fraud_type == data.fraud_type),
        None,
    )  # fmt: skip
    if line is None:
        raise ValidationFailed.on(
            "audience", "该警格的这类人群和诈骗类型近期没有上升，请从精准滴灌列表中选择一行"
        )
    groups = [VictimGroup(line.audience)] if line.audience in set(VictimGroup) else []
    today = to_local(now).date()
    data_in = CampaignIn(
        title=f"{grid.name}{line.audience_label}防范{line.fraud_type_label}专项宣传",
        theme=f"针对{line.audience_label}，讲清{line.fraud_type_label}的骗术与应对",
        fraud_types=[line.fraud_type], target_groups=groups, grid_codes=[grid.code],
        starts_on=today, ends_on=today + timedelta(days=30), reason=line.reason,
    )  # fmt: skip
    return create_campaign(session, data_in, actor)


def _visible(path: str) -> ColumnElement[bool]:
    in_grids = select(CampaignGrid.campaign_id).where(within(CampaignGrid.node_path, path))
    return or_(within(Campaign.node_path, path), Campaign.id.in_(in_grids))


def get_campaign(session: Session, campaign_id: int, actor: Principal) -> Campaign:
    """A campaign held by, or covering a grid of, the actor's subtree; otherwise 404."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not (
        actor.sees(campaign.node_path) or any(actor.sees(p) for p in campaign.grid_paths)
    ):
        raise NotFound("宣防战役不存在或不在您的管辖范围内")
    return campaign


def list_campaigns(session: Session, path: str, offset: int, limit: int) -> tuple[list[Campaign], int]:
    where = _visible(path)
    total = session.scalar(select(func.count()).select_from(Campaign).where(where)) or 0
    rows = session.scalars(
        select(Campaign).where(where).order_by(Campaign.starts_on.desc(), Campaign.id.desc())
        .offset(offset).limit(limit)
    ).all()  # fmt: skip
    return list(rows), int(total)


def to_out(session: Session, campaign: Campaign, nodes: dict[str, Node]) -> CampaignOut:
    """The campaign with its grids' codes (``nodes`` by path) and what its activities reached."""
    n, reached = session.execute(
        select(func.count(), func.coalesce(func.sum(Activity.reached), 0)).where(
            Activity.campaign_id == campaign.id
        )
    ).one()
    codes = [nodes[p].code for p in campaign.grid_paths if p in nodes]
    return CampaignOut(
        id=campaign.id, title=campaign.title, theme=campaign.theme, fraud_types=campaign.fraud_types,
        target_groups=campaign.target_groups, grid_codes=codes,
        starts_on=campaign.starts_on, ends_on=campaign.ends_on, owner=campaign.owner, reason=campaign.reason,
        activities=int(n), reached=int(reached),
    )  # fmt: skip

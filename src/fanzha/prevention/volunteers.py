"""Volunteer teams (志愿者队伍: 蓝马甲, 反诈奶奶团 …), their members, and the activities credited to each."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.audit.pii import PiiKind, masked
from fanzha.core.errors import Conflict, NotFound
from fanzha.core.principal import Principal
from fanzha.core.scope import within
from fanzha.prevention.grids import node_in_scope, nodes_by_paths
from fanzha.prevention.models import ActivityVolunteer, Volunteer, VolunteerTeam
from fanzha.prevention.schemas import TeamIn, TeamOut, VolunteerIn, VolunteerOut


def create_team(session: Session, data: TeamIn, actor: Principal) -> VolunteerTeam:
    node = node_in_scope(session, data.node_code, actor)
    if session.scalar(select(VolunteerTeam.id).where(VolunteerTeam.name == data.name)) is not None:
        raise Conflict(f"name：志愿者队伍“{data.name}”已登记，请换一个名称")
    team = VolunteerTeam(name=data.name, node_path=node.path, description=data.description)
    session.add(team)
    session.flush()
    audit.record(session, actor.actor, "prevention.team.create", "prevention_team", team.id, None,
                 {"name": data.name, "node_code": data.node_code})  # fmt: skip
    return team


def get_team(session: Session, team_id: int, actor: Principal) -> VolunteerTeam:
    team = session.get(VolunteerTeam, team_id)
    if team is None or not actor.sees(team.node_path):
        raise NotFound("志愿者队伍不存在或不在您的管辖范围内")
    return team


def add_member(session: Session, team_id: int, data: VolunteerIn, actor: Principal) -> Volunteer:
    team = get_team(session, team_id, actor)
    member = Volunteer(team_id=team.id, name=data.name, phone=data.phone, joined_on=data.joined_on)
    session.add(member)
    session.flush()
    audit.record(session, actor.actor, "prevention.member.add", "prevention_volunteer", member.id, None,
                 {"team_id": team.id})  # fmt: skip
    return member


def list_teams(session: Session, path: str) -> list[TeamOut]:
    """Teams of the subtree with their members (masked) and each member's credited activities."""
    teams = session.scalars(
        select(VolunteerTeam).where(within(VolunteerTeam.node_path, path)).order_by(VolunteerTeam.name)
    ).all()
    ids = [t.id for t in teams]
    members = session.scalars(
        select(Volunteer).where(Volunteer.team_id.in_(ids)).order_by(Volunteer.id)
    ).all()
    credits = dict(
        session.execute(
            select(ActivityVolunteer.volunteer_id, func.count())
            .where(ActivityVolunteer.volunteer_id.in_([m.id for m in members]))
            .group_by(ActivityVolunteer.volunteer_id)
        ).all()
    )
    nodes = nodes_by_paths(session, [t.node_path for t in teams])
    by_team: dict[int, list[VolunteerOut]] = {t.id: [] for t in teams}
    for m in members:
        shown = masked({"name": (PiiKind.NAME, m.name), "phone": (PiiKind.PHONE, m.phone)})
        by_team[m.team_id].append(
            VolunteerOut(
                id=m.id,
                name=shown["name"],
                phone=shown["phone"],
                joined_on=m.joined_on,
                activities=int(credits.get(m.id, 0)),
            )
        )
    return [
        TeamOut(
            id=t.id,
            name=t.name,
            node_code=nodes[t.node_path].code,
            description=t.description,
            members=by_team[t.id],
        )
        for t in teams
    ]

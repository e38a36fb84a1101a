"""Activities (lectures, sweeps, stalls, first lessons, livestreams, LED playlists, pushes, home visits).

A sweep or home visit names the households it reached, so a grid's swept share counts each
household once however often it is visited. Photos are kept on local disk, checked by size and
by their first bytes (not by the name or the type the browser claims).
"""

import hashlib
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from fanzha.audit import service as audit
from fanzha.core.config import get_settings
from fanzha.core.errors import NotFound, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.scope import within
from fanzha.jurisdiction.models import Node
from fanzha.prevention.campaigns import get_campaign
from fanzha.prevention.grids import grid, nodes_by_paths
from fanzha.prevention.models import (
    Activity,
    ActivityKind,
    ActivityVolunteer,
    HouseholdVisit,
    Photo,
    Target,
    Volunteer,
)
from fanzha.prevention.schemas import ActivityIn, ActivityOut
from fanzha.prevention.volunteers import get_team

# First bytes of the image types accepted, and the extension they are stored under.
_MAGIC = [(b"\xff\xd8\xff", "image/jpeg", "jpg"), (b"\x89PNG\r\n\x1a\n", "image/png", "png")]
VISIT_KINDS = {ActivityKind.SWEEP, ActivityKind.HOME_VISIT}


def _check_links(session: Session, data: ActivityIn, node: Node, actor: Principal) -> None:
    """Campaign, register entry, team and volunteers must all fit the activity's grid."""
    if (
        data.campaign_id is not None
        and node.path not in get_campaign(session, data.campaign_id, actor).grid_paths
    ):
        raise ValidationFailed.on(
            "grid_code", f"警格 {node.code} 不在所选宣防战役的范围内，请选择战役覆盖的警格"
        )
    if data.target_id is not None:
        target = session.get(Target, data.target_id)
        if target is None or target.node_path != node.path:
            raise ValidationFailed.on("target_id", "所选宣防对象不属于该警格，请重新选择")
    if data.volunteer_ids and data.team_id is None:
        raise ValidationFailed.on("team_id", "记录志愿者时请同时选择其所在队伍")
    if data.team_id is not None:
        team = get_team(session, data.team_id, actor)
        if not node.path.startswith(team.node_path):
            raise ValidationFailed.on("team_id", "该志愿者队伍不负责这个警格，请选择本辖区的队伍")
        members = set(session.scalars(select(Volunteer.id).where(Volunteer.team_id == team.id)))
        if not set(data.volunteer_ids) <= members:
            raise ValidationFailed.on("volunteer_ids", "有志愿者不属于所选队伍，请从队伍名单中选择")
    if data.households and data.kind not in VISIT_KINDS:
        raise ValidationFailed.on("households", "只有扫街扫楼和入户走访需要填写走访的住户")


def log_activity(session: Session, data: ActivityIn, actor: Principal) -> Activity:
    node = grid(session, data.grid_code, actor)
    _check_links(session, data, node, actor)
    activity = Activity(
        campaign_id=data.campaign_id, kind=data.kind.value, node_id=node.id, node_path=node.path,
        unit_name=data.unit_name, staff=data.staff, held_at=data.held_at, place=data.place,
        target_group=None if data.target_group is None else data.target_group.value, target_id=data.target_id,
        reached=data.reached, materials=data.materials, team_id=data.team_id, created_by=actor.actor,
    )  # fmt: skip
    session.add(activity)
    session.flush()
    session.add_all(
        HouseholdVisit(activity_id=activity.id, node_path=node.path, household=h, visited_at=data.held_at)
        for h in data.households
    )
    session.add_all(
        ActivityVolunteer(activity_id=activity.id, volunteer_id=v) for v in sorted(set(data.volunteer_ids))
    )
    session.flush()
    audit.record(session, actor.actor, "prevention.activity.log", "prevention_activity", activity.id, None,
                 {"kind": data.kind.value, "grid_code": node.code, "reached": data.reached,
                  "households": len(data.households)})  # fmt: skip
    return activity


def get_activity(session: Session, activity_id: int, actor: Principal) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None or not actor.sees(activity.node_path):
        raise NotFound("宣防活动不存在或不在您的管辖范围内")
    return activity


def list_activities(
    session: Session, path: str, campaign_id: int | None, since: datetime | None, offset: int, limit: int
) -> tuple[list[ActivityOut], int]:
    where = [within(Activity.node_path, path)]
    if campaign_id is not None:
        where.append(Activity.campaign_id == campaign_id)
    if since is not None:
        where.append(Activity.held_at >= since)
    total = session.scalar(select(func.count()).select_from(Activity).where(*where)) or 0
    rows = session.scalars(
        select(Activity)
        .where(*where)
        .order_by(Activity.held_at.desc(), Activity.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return _outs(session, list(rows)), int(total)


def _counts(session: Session, column: InstrumentedAttribute[int], key: InstrumentedAttribute[int],
            ids: list[int]) -> dict[int, int]:  # fmt: skip
    stmt = select(key, func.count(column)).where(key.in_(ids)).group_by(key)
    return {int(k): int(n) for k, n in session.execute(stmt)}


def _outs(session: Session, rows: list[Activity]) -> list[ActivityOut]:
    ids = [a.id for a in rows]
    visits = _counts(session, HouseholdVisit.id, HouseholdVisit.activity_id, ids)
    helpers = _counts(session, ActivityVolunteer.volunteer_id, ActivityVolunteer.activity_id, ids)
    photos = _counts(session, Photo.id, Photo.activity_id, ids)
    nodes = nodes_by_paths(session, [a.node_path for a in rows])
    return [
        ActivityOut(
            id=a.id,
            kind=a.kind,
            kind_label=ActivityKind(a.kind).label,
            campaign_id=a.campaign_id,
            grid_code=nodes[a.node_path].code,
            grid_name=nodes[a.node_path].name,
            unit_name=a.unit_name,
            staff=a.staff,
            held_at=a.held_at,
            place=a.place,
            target_group=a.target_group,
            reached=a.reached,
            households_visited=visits.get(a.id, 0),
            materials=a.materials,
            team_id=a.team_id,
            volunteers=helpers.get(a.id, 0),
            photos=photos.get(a.id, 0),
            created_by=a.created_by,
        )
        for a in rows
    ]


def activity_out(session: Session, activity: Activity) -> ActivityOut:
    return _outs(session, [activity])[0]


def _photo_dir() -> Path:
    return Path(get_settings().prevention_photo_dir)


def add_photo(session: Session, activity_id: int, data: bytes, actor: Principal) -> Photo:
    """Store a JPEG or PNG photo of an activity (at most ``prevention_photo_max_bytes``)."""
    activity = get_activity(session, activity_id, actor)
    limit = get_settings().prevention_photo_max_bytes
    if len(data) > limit:
        raise ValidationFailed.on("file", f"照片不能超过 {limit // 1_000_000} MB，请压缩后重新上传")
    kind = next(((ctype, ext) for magic, ctype, ext in _MAGIC if data.startswith(magic)), None)
    if kind is None:
        raise ValidationFailed.on("file", "只能上传 JPEG 或 PNG 照片，请换一张照片")
    digest = hashlib.sha256(data).hexdigest()
    folder = _photo_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{digest}.{kind[1]}"
    (folder / name).write_bytes(data)
    photo = Photo(
        activity_id=activity.id, file_name=name, content_type=kind[0], size=len(data), sha256=digest
    )
    session.add(photo)
    session.flush()
    audit.record(session, actor.actor, "prevention.photo.add", "prevention_activity", activity.id, None,
                 {"photo_id": photo.id, "sha256": digest, "size": len(data)})  # fmt: skip
    return photo


def photo_file(session: Session, activity_id: int, photo_id: int, actor: Principal) -> tuple[Path, str]:
    activity = get_activity(session, activity_id, actor)
    photo = session.get(Photo, photo_id)
    if photo is None or photo.activity_id != activity.id:
        raise NotFound("照片不存在")
    return _photo_dir() / photo.file_name, photo.content_type

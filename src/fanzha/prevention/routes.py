"""/api/v1/prevention: registers, aiming, campaigns and activities, volunteers, groups, alerts, pushes."""

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fanzha.accounts.deps import DbSession, requires
from fanzha.core.config import get_settings
from fanzha.core.pagination import Page, PageParams, page_params
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import as_utc, utcnow
from fanzha.prevention import activities, aiming, campaigns, coverage, groups, outbox, targets, volunteers
from fanzha.prevention.grids import node_in_scope, nodes_by_paths
from fanzha.prevention.models import Campaign, DeliveryStatus, TargetKind
from fanzha.prevention.schemas import (
    ActivityIn,
    ActivityOut,
    AimLine,
    AlertIn,
    AlertOut,
    CampaignEffect,
    CampaignFromAim,
    CampaignIn,
    CampaignOut,
    CoverageOut,
    DeliveryOut,
    GroupIn,
    GroupOut,
    ImportResult,
    PushIn,
    PushOut,
    TargetOut,
    TeamIn,
    TeamOut,
    VolunteerIn,
)

router = APIRouter(prefix="/prevention", tags=["prevention"])

Reader = Annotated[Principal, Depends(requires(Perm.PREVENTION_LOG))]
Writer = Annotated[Principal, Depends(requires(Perm.PREVENTION_WRITE))]
Paging = Annotated[PageParams, Depends(page_params)]
NodeCode = Annotated[str | None, Query(description="辖区节点，含下级；默认本人辖区")]


def scope_path(session: Session, actor: Principal, node_code: str | None) -> str:
    return actor.scope_path if not node_code else node_in_scope(session, node_code, actor).path


@router.post("/targets/import", summary="导入宣防对象（CSV/XLSX；任一行有错则整体不写入）")
async def import_targets(
    file: Annotated[UploadFile, File(description="宣防对象文件（CSV 或 XLSX）")],
    session: DbSession,
    actor: Writer,
) -> ImportResult:
    rows = targets.rows_from_file(await file.read(), file.filename or "")
    # Database work off the event loop: a wait for SQLite's write lock must not stall other requests.
    return await run_in_threadpool(targets.import_targets, session, rows, actor)


@router.get("/targets", summary="宣防对象（住户、重点人群与场所）")
def list_targets(
    session: DbSession,
    actor: Reader,
    paging: Paging,
    node_code: NodeCode = None,
    kind: TargetKind | None = None,
) -> Page[TargetOut]:
    items, total = targets.list_targets(
        session, scope_path(session, actor, node_code), kind, paging.offset, paging.page_size
    )
    return Page(items=items, total=total, page=paging.page, page_size=paging.page_size)


@router.get("/aim", summary="精准滴灌：哪些警格、针对哪类人群、防范哪类诈骗（附排序理由）")
def aim(
    session: DbSession,
    actor: Reader,
    node_code: NodeCode = None,
    days: Annotated[int, Query(ge=7, le=180, description="统计最近多少天")] = 30,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[AimLine]:
    return aiming.aim(session, scope_path(session, actor, node_code), utcnow(), days, limit)


def _campaign_outs(session: Session, rows: list[Campaign]) -> list[CampaignOut]:
    nodes = nodes_by_paths(session, [p for c in rows for p in c.grid_paths])
    return [campaigns.to_out(session, c, nodes) for c in rows]


@router.post("/campaigns", status_code=201, summary="创建宣防战役")
def create_campaign(data: CampaignIn, session: DbSession, actor: Writer) -> CampaignOut:
    return _campaign_outs(session, [campaigns.create_campaign(session, data, actor)])[0]


@router.post("/campaigns/from-aim", status_code=201, summary="一键把精准滴灌的一行变成宣防战役")
def campaign_from_aim(data: CampaignFromAim, session: DbSession, actor: Writer) -> CampaignOut:
    return _campaign_outs(session, [campaigns.campaign_from_aim(session, data, actor, utcnow())])[0]


@router.get("/campaigns", summary="宣防战役列表")
def list_campaigns(
    session: DbSession, actor: Reader, paging: Paging, node_code: NodeCode = None
) -> Page[CampaignOut]:
    rows, total = campaigns.list_campaigns(
        session, scope_path(session, actor, node_code), paging.offset, paging.page_size
    )
    return Page(
        items=_campaign_outs(session, rows), total=total, page=paging.page, page_size=paging.page_size
    )


@router.get("/campaigns/{campaign_id}", summary="宣防战役详情")
def get_campaign(campaign_id: int, session: DbSession, actor: Reader) -> CampaignOut:
    return _campaign_outs(session, [campaigns.get_campaign(session, campaign_id, actor)])[0]


@router.post("/activities", status_code=201, summary="登记宣防活动（网格员可在手机上登记扫街扫楼）")
def log_activity(data: ActivityIn, session: DbSession, actor: Reader) -> ActivityOut:
    return activities.activity_out(session, activities.log_activity(session, data, actor))


@router.get("/activities", summary="宣防活动列表")
def list_activities(
    session: DbSession,
    actor: Reader,
    paging: Paging,
    node_code: NodeCode = None,
    campaign_id: int | None = None,
    since: Annotated[datetime | None, Query(description="活动时间起（含）")] = None,
) -> Page[ActivityOut]:
    items, total = activities.list_activities(
        session, scope_path(session, actor, node_code), campaign_id, None if since is None else as_utc(since),
        paging.offset, paging.page_size,
    )  # fmt: skip
    return Page(items=items, total=total, page=paging.page, page_size=paging.page_size)


@router.post(
    "/activities/{activity_id}/photos", status_code=201, summary="上传活动照片（请求体即 JPEG/PNG 文件本身）"
)
async def add_photo(activity_id: int, request: Request, session: DbSession, actor: Reader) -> dict[str, int]:
    photo = await run_in_threadpool(activities.add_photo, session, activity_id, await request.body(), actor)
    return {"id": photo.id, "size": photo.size}


@router.get("/activities/{activity_id}/photos/{photo_id}", summary="查看活动照片")
def get_photo(activity_id: int, photo_id: int, session: DbSession, actor: Reader) -> FileResponse:
    path, content_type = activities.photo_file(session, activity_id, photo_id, actor)
    return FileResponse(path, media_type=content_type)


@router.post("/teams", status_code=201, summary="登记志愿者队伍")
def create_team(data: TeamIn, session: DbSession, actor: Writer) -> dict[str, int]:
    return {"id": volunteers.create_team(session, data, actor).id}


@router.post("/teams/{team_id}/members", status_code=201, summary="登记志愿者")
def add_member(team_id: int, data: VolunteerIn, session: DbSession, actor: Writer) -> dict[str, int]:
    return {"id": volunteers.add_member(session, team_id, data, actor).id}


@router.get("/teams", summary="志愿者队伍与成员（脱敏），含每人参与的活动数")
def list_teams(session: DbSession, actor: Reader, node_code: NodeCode = None) -> list[TeamOut]:
    return volunteers.list_teams(session, scope_path(session, actor, node_code))


@router.post("/groups", status_code=201, summary="登记反诈专群（群机器人 Webhook、短信号码或邮箱）")
def create_group(data: GroupIn, session: DbSession, actor: Writer) -> GroupOut:
    return groups.group_outs(session, [groups.create_group(session, data, actor)])[0]


@router.get("/groups", summary="反诈专群列表（群主信息脱敏，不显示机器人地址）")
def list_groups(
    session: DbSession, actor: Reader, paging: Paging, node_code: NodeCode = None
) -> Page[GroupOut]:
    items, total = groups.list_groups(
        session, scope_path(session, actor, node_code), paging.offset, paging.page_size
    )
    return Page(items=items, total=total, page=paging.page, page_size=paging.page_size)


@router.post("/alerts", status_code=201, summary="撰写预警提示（正文留空则由本地案例和中心模板生成）")
def create_alert(data: AlertIn, session: DbSession, actor: Writer) -> AlertOut:
    return groups.alert_out(groups.create_alert(session, data, actor, utcnow()))


@router.get("/alerts", summary="预警提示列表")
def list_alerts(
    session: DbSession, actor: Reader, paging: Paging, node_code: NodeCode = None
) -> Page[AlertOut]:
    items, total = groups.list_alerts(
        session, scope_path(session, actor, node_code), paging.offset, paging.page_size
    )
    return Page(items=items, total=total, page=paging.page, page_size=paging.page_size)


@router.post("/alerts/{alert_id}/publish", summary="发布到反诈频道（公众页面）")
def publish_alert(alert_id: int, session: DbSession, actor: Writer) -> AlertOut:
    return groups.alert_out(groups.publish_alert(session, alert_id, actor, utcnow()))


@router.post("/pushes", status_code=201, summary="推送到反诈专群（同一 request_key 重复请求只推送一次）")
def request_push(data: PushIn, session: DbSession, actor: Writer) -> PushOut:
    return outbox.push_out(session, outbox.request_push(session, data, actor, utcnow()))


@router.get("/pushes/{push_id}", summary="推送详情与每个群的送达状态")
def get_push(push_id: int, session: DbSession, actor: Reader) -> PushOut:
    return outbox.push_out(session, outbox.get_push(session, push_id, actor))


@router.post("/pushes/{push_id}/approve", summary="审批通过（推送群数超过阈值时需另一名民警审批）")
def approve_push(push_id: int, session: DbSession, actor: Writer) -> PushOut:
    return outbox.push_out(session, outbox.decide_push(session, push_id, True, actor, utcnow()))


@router.post("/pushes/{push_id}/reject", summary="驳回推送")
def reject_push(push_id: int, session: DbSession, actor: Writer) -> PushOut:
    return outbox.push_out(session, outbox.decide_push(session, push_id, False, actor, utcnow()))


@router.get("/deliveries", summary="推送记录（status=dead 为死信列表）")
def list_deliveries(
    session: DbSession, actor: Reader, paging: Paging, status: DeliveryStatus | None = None
) -> list[DeliveryOut]:
    return outbox.list_deliveries(session, actor.scope_path, status, paging.offset, paging.page_size)


@router.post("/deliveries/{delivery_id}/retry", summary="重发一条死信")
def retry_delivery(delivery_id: int, session: DbSession, actor: Writer) -> dict[str, str]:
    delivery = outbox.retry_delivery(session, delivery_id, actor, utcnow())
    return {"status": delivery.status}


Since = Annotated[datetime | None, Query(description="统计起（含），默认 30 天前")]
Until = Annotated[datetime | None, Query(description="统计止（不含），默认现在")]


@router.get("/coverage", summary="宣防覆盖：各警格入户率、重点场所、专群触达、活动数与无诈警格")
def get_coverage(
    session: DbSession, actor: Reader, node_code: NodeCode = None, since: Since = None, until: Until = None
) -> CoverageOut:
    end = as_utc(until) if until else utcnow()
    start = as_utc(since) if since else end - timedelta(days=30)
    path = scope_path(session, actor, node_code)
    rows = coverage.grid_coverage(session, path, (start, end))
    units = coverage.unit_activity(session, path, (start, end))
    return CoverageOut(
        since=start, until=end, fraud_free_months=get_settings().prevention_fraud_free_months, grids=rows,
        units=units, fraud_free_grids=sum(r.fraud_free for r in rows),
    )  # fmt: skip


@router.get("/effect", summary="战役前后发案对比（与未开展战役的警格比较；不能证明因果）")
def get_effect(
    session: DbSession,
    actor: Reader,
    anchor: Annotated[datetime, Query(description="对比的分界时刻（此刻正在进行的战役所覆盖的警格为一组）")],
    node_code: NodeCode = None,
    days: Annotated[int, Query(ge=7, le=365)] = 30,
) -> CampaignEffect:
    return coverage.campaign_effect(session, scope_path(session, actor, node_code), as_utc(anchor), days)

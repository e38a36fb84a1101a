"""Console pages for prevention: the officer's aiming list → campaign → push → delivery states, the
target registers, the dead-letter list, and the grid worker's phone form for sweeps and visits."""

import secrets
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response, UploadFile
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as UploadFileType

from fanzha.accounts.deps import DbSession, requires
from fanzha.core.errors import FanzhaError, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import to_local, utcnow
from fanzha.core.vocab import FraudType, VictimGroup
from fanzha.jurisdiction import service as tree
from fanzha.prevention import activities, aiming, campaigns, groups, outbox, targets
from fanzha.prevention.grids import nodes_by_paths
from fanzha.prevention.models import ActivityKind, Channel, DeliveryStatus, PushStatus, TargetKind
from fanzha.prevention.schemas import ActivityIn, AlertIn, CampaignFromAim, CampaignOut, PushIn
from fanzha.web.forms import blank_to_none, local_datetime, validated
from fanzha.web.render import page, redirect

router = APIRouter(prefix="/prevention", include_in_schema=False)
CHANNELS = {c.value: c.label for c in Channel}
Logger = Annotated[Principal, Depends(requires(Perm.PREVENTION_LOG))]
Writer = Annotated[Principal, Depends(requires(Perm.PREVENTION_WRITE))]
PageNo = Annotated[int, Query(alias="page", ge=1)]
PER_PAGE = 50
AIM_LINES = 30


def _campaign_out(session: Session, campaign_id: int, actor: Principal) -> CampaignOut:
    campaign = campaigns.get_campaign(session, campaign_id, actor)
    return campaigns.to_out(session, campaign, nodes_by_paths(session, campaign.grid_paths))


def _pages(total: int) -> int:
    return max(1, -(-total // PER_PAGE))


@router.get("")
def overview(request: Request, session: DbSession, actor: Logger) -> Response:
    """The aiming list with the reason of each line, and the latest campaigns."""
    lines = aiming.aim(session, actor.scope_path, utcnow(), 30, AIM_LINES)
    rows, total = campaigns.list_campaigns(session, actor.scope_path, 0, 10)
    nodes = nodes_by_paths(session, [p for c in rows for p in c.grid_paths])
    recent = [campaigns.to_out(session, c, nodes) for c in rows]
    ctx = {"lines": lines, "campaigns": recent, "campaign_total": total}
    return page(request, "prevention/overview.html", actor, ctx)


@router.post("/campaigns/from-aim")
def campaign_from_aim(
    session: DbSession,
    actor: Writer,
    grid_code: Annotated[str, Form()],
    fraud_type: Annotated[str, Form()],
    audience: Annotated[str, Form()],
) -> Response:
    """One action: the aiming line becomes a 30-day campaign for that grid, audience and type."""
    data = validated(CampaignFromAim, grid_code=grid_code, fraud_type=fraud_type, audience=audience)
    campaign = campaigns.campaign_from_aim(session, data, actor, utcnow())
    return redirect(f"/prevention/campaigns/{campaign.id}")


def _campaign_page(
    request: Request, session: Session, actor: Principal, campaign_id: int, error: str = "", status: int = 200
) -> Response:
    campaign = _campaign_out(session, campaign_id, actor)
    scope = campaigns.get_campaign(session, campaign_id, actor).node_path
    found, _ = groups.list_groups(session, scope, 0, 500)
    in_grids = [g for g in found if g.grid_code in campaign.grid_codes and actor.sees(scope)]
    done, _ = activities.list_activities(session, actor.scope_path, campaign_id, None, 0, PER_PAGE)
    ctx = {
        "c": campaign,
        "groups": in_grids,
        "activities": done,
        "error": error,
        "fraud_types": [FraudType(f) for f in campaign.fraud_types] or list(FraudType),
        "audiences": [VictimGroup(g) for g in campaign.target_groups],
        "request_key": f"console-{secrets.token_hex(12)}",
    }
    return page(request, "prevention/campaign.html", actor, ctx, status)


@router.get("/campaigns/{campaign_id}")
def campaign_detail(request: Request, session: DbSession, actor: Logger, campaign_id: int) -> Response:
    return _campaign_page(request, session, actor, campaign_id)


@router.post("/campaigns/{campaign_id}/push")
async def campaign_push(request: Request, session: DbSession, actor: Writer, campaign_id: int) -> Response:
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if k != "group_ids"}
    ids = [str(v) for v in form.getlist("group_ids")]
    return await run_in_threadpool(_campaign_push, request, session, actor, campaign_id, fields, ids)


def _campaign_push(
    request: Request,
    session: Session,
    actor: Principal,
    campaign_id: int,
    form: dict[str, str],
    ids: list[str],
) -> Response:
    """Compose the alert (body from local cases and the template when left empty), publish it to the
    public channel if asked, and queue it for the chosen groups — all or nothing; the form's key
    makes a double click one push."""
    campaign = campaigns.get_campaign(session, campaign_id, actor)
    earlier = outbox.push_by_key(session, form.get("request_key", ""), actor)
    if earlier is not None:
        return redirect(f"/prevention/pushes/{earlier.id}")
    try:
        with session.begin_nested():
            if not ids or not all(i.isdigit() for i in ids):
                raise ValidationFailed.on("group_ids", "请至少选择一个反诈专群")
            alert_in = validated(
                AlertIn,
                title=form.get("title", ""),
                fraud_type=form.get("fraud_type", ""),
                target_group=blank_to_none(form.get("target_group")),
                node_code=campaign.node_path.rstrip("/").rsplit("/", 1)[-1],
                body=form.get("body", "").strip(),
            )
            now = utcnow()
            alert = groups.create_alert(session, alert_in, actor, now)
            if form.get("publish") == "on":
                groups.publish_alert(session, alert.id, actor, now)
            push_in = validated(
                PushIn,
                alert_id=alert.id,
                group_ids=[int(i) for i in ids],
                request_key=form.get("request_key", ""),
            )
            push = outbox.request_push(session, push_in, actor, now)
    except FanzhaError as err:
        return _campaign_page(request, session, actor, campaign_id, err.message, err.status)
    return redirect(f"/prevention/pushes/{push.id}")


@router.get("/pushes/{push_id}")
def push_detail(request: Request, session: DbSession, actor: Logger, push_id: int) -> Response:
    """Each group's delivery state; the page refreshes itself while deliveries are still going out."""
    push = outbox.push_out(session, outbox.get_push(session, push_id, actor))
    waiting = push.status == PushStatus.QUEUED.value and any(
        d.status in (DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value) for d in push.deliveries
    )
    alert = groups.alert_out(groups.get_alert(session, push.alert_id, actor))
    ctx = {
        "push": push,
        "alert": alert,
        "waiting": waiting,
        "can_decide": actor.actor != push.requested_by,
        "channels": CHANNELS,
    }
    return page(request, "prevention/push.html", actor, ctx)


@router.post("/pushes/{push_id}/decide")
def push_decide(
    session: DbSession,
    actor: Writer,
    push_id: int,
    decision: Annotated[str, Form(pattern="^(approve|reject)$")],
) -> Response:
    outbox.decide_push(session, push_id, decision == "approve", actor, utcnow())
    return redirect(f"/prevention/pushes/{push_id}")


@router.get("/deliveries")
def deliveries(
    request: Request, session: DbSession, actor: Logger, status: str | None = None, page_no: PageNo = 1
) -> Response:
    """The outbox's rows in the actor's subtree; ``status=dead`` is the dead-letter list."""
    chosen = DeliveryStatus(status) if status in set(DeliveryStatus) else None
    rows = outbox.list_deliveries(session, actor.scope_path, chosen, (page_no - 1) * PER_PAGE, PER_PAGE + 1)
    ctx = {
        "rows": rows[:PER_PAGE],
        "status": chosen,
        "statuses": list(DeliveryStatus),
        "page_no": page_no,
        "more": len(rows) > PER_PAGE,
        "channels": CHANNELS,
        "query": urlencode({"status": chosen.value} if chosen else {}),
    }
    return page(request, "prevention/deliveries.html", actor, ctx)


@router.post("/deliveries/{delivery_id}/retry")
def delivery_retry(session: DbSession, actor: Writer, delivery_id: int) -> Response:
    outbox.retry_delivery(session, delivery_id, actor, utcnow())
    return redirect("/prevention/deliveries?status=dead")


def _targets_page(
    request: Request,
    session: Session,
    actor: Principal,
    kind: str | None,
    page_no: int,
    error: FanzhaError | None = None,
    imported: str = "",
) -> Response:
    chosen = TargetKind(kind) if kind in set(TargetKind) else None
    rows, total = targets.list_targets(session, actor.scope_path, chosen, (page_no - 1) * PER_PAGE, PER_PAGE)
    ctx = {
        "rows": rows,
        "kinds": list(TargetKind),
        "kind": chosen,
        "total": total,
        "page_no": page_no,
        "pages": _pages(total),
        "query": urlencode({"kind": chosen.value} if chosen else {}),
        "error": error,
        "imported": imported,
    }
    return page(request, "prevention/targets.html", actor, ctx, error.status if error else 200)


@router.get("/targets")
def target_register(
    request: Request,
    session: DbSession,
    actor: Logger,
    kind: str | None = None,
    page_no: PageNo = 1,
    imported: str = "",
) -> Response:
    return _targets_page(request, session, actor, blank_to_none(kind), page_no, imported=imported)


@router.post("/targets/import")
def target_import(request: Request, session: DbSession, actor: Writer, file: UploadFile) -> Response:
    """All or nothing: a bad row is named with its line and field and nothing is written."""
    try:
        rows = targets.rows_from_file(file.file.read(), file.filename or "")
        result = targets.import_targets(session, rows, actor)
    except FanzhaError as err:
        return _targets_page(request, session, actor, None, 1, err)
    return redirect(f"/prevention/targets?imported={result.created}+{result.updated}")


def _sweep_page(
    request: Request,
    session: Session,
    actor: Principal,
    form: dict[str, str],
    error: str = "",
    status: int = 200,
) -> Response:
    grids = tree.grids_within(session, actor.scope_path)
    mine, _ = activities.list_activities(session, actor.scope_path, None, None, 0, 10)
    unit = tree.unit_by_id(session, actor.unit_id) if actor.unit_id else None
    form = {
        "unit_name": unit.name if unit else "",
        "staff": "1",
        "kind": "sweep",
        "held_at": to_local(utcnow()).strftime("%Y-%m-%dT%H:%M"),
        **form,
    }
    ctx = {
        "form": form,
        "error": error,
        "grids": grids,
        "kinds": list(ActivityKind),
        "groups": list(VictimGroup),
        "recent": mine,
        "logged": request.query_params.get("logged", ""),
    }
    return page(request, "prevention/sweep.html", actor, ctx, status)


@router.get("/sweep")
def sweep_form(request: Request, session: DbSession, actor: Logger) -> Response:
    """The grid worker's phone form: what was done where, which households, how many people."""
    return _sweep_page(request, session, actor, {})


@router.post("/sweep")
async def sweep_log(request: Request, session: DbSession, actor: Logger) -> Response:
    form = await request.form()
    photo = form.get("photo")
    data = await photo.read() if isinstance(photo, UploadFileType) and photo.filename else b""
    fields = {k: str(v) for k, v in form.items() if k != "photo"}
    return await run_in_threadpool(_sweep_log, request, session, actor, fields, data)


def _sweep_log(
    request: Request, session: Session, actor: Principal, form: dict[str, str], photo: bytes
) -> Response:
    """The activity, its households and its photo land together or not at all."""
    try:
        with session.begin_nested():
            data = validated(
                ActivityIn,
                kind=form.get("kind", ""),
                grid_code=form.get("grid_code", ""),
                unit_name=form.get("unit_name", ""),
                staff=form.get("staff", ""),
                held_at=local_datetime("held_at", form.get("held_at", "")),
                place=form.get("place", ""),
                target_group=blank_to_none(form.get("target_group")),
                reached=form.get("reached", ""),
                households=form.get("households", "").splitlines(),
                materials=form.get("materials", ""),
            )
            activity = activities.log_activity(session, data, actor)
            if photo:
                activities.add_photo(session, activity.id, photo, actor)
    except FanzhaError as err:
        return _sweep_page(request, session, actor, form, err.message, err.status)
    return redirect(f"/prevention/sweep?logged={activity.id}")

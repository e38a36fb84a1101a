"""The public anti-fraud channel (反诈频道): published alerts by fraud type and group, an Atom feed,
and a QR code per alert for posters and LED screens — all served here, nothing from other origins."""

from datetime import datetime
from typing import Annotated
from xml.sax.saxutils import escape

import segno
from fastapi import APIRouter, Query, Request, Response

from fanzha.accounts.deps import DbSession, OptionalPrincipal
from fanzha.core.errors import NotFound
from fanzha.core.timeutil import utcnow
from fanzha.core.vocab import FraudType, VictimGroup
from fanzha.prevention import groups
from fanzha.prevention.schemas import AlertOut
from fanzha.web.render import page

router = APIRouter(include_in_schema=False)
FEED_SIZE = 50


def _alert(session: DbSession, alert_id: int) -> AlertOut:
    alert = groups.published_alert(session, alert_id)
    if alert is None:
        raise NotFound("该提醒不存在或尚未发布")
    return alert


def _qr_svg(url: str) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=4, title="扫码查看反诈提醒"))


@router.get("/channel")
def channel(
    request: Request,
    session: DbSession,
    principal: OptionalPrincipal,
    fraud_type: Annotated[FraudType | None, Query()] = None,
    group: Annotated[VictimGroup | None, Query()] = None,
) -> Response:
    alerts = groups.published_alerts(session, fraud_type, group, FEED_SIZE)
    return page(request, "prevention/channel.html", principal, {
        "alerts": alerts, "fraud_types": list(FraudType), "groups": list(VictimGroup),
        "fraud_type": fraud_type, "group": group,
    })  # fmt: skip


@router.get("/channel/alerts/{alert_id}")
def channel_alert(
    request: Request, session: DbSession, principal: OptionalPrincipal, alert_id: int
) -> Response:
    alert = _alert(session, alert_id)
    url = str(request.url_for("channel_alert", alert_id=alert_id))
    return page(request, "prevention/channel_alert.html", principal, {"alert": alert, "qr_svg": _qr_svg(url)})


@router.get("/channel/alerts/{alert_id}/qr.svg")
def channel_qr(request: Request, session: DbSession, alert_id: int) -> Response:
    _alert(session, alert_id)
    url = str(request.url_for("channel_alert", alert_id=alert_id))
    svg = segno.make(url, error="m").svg_inline(scale=8)
    return Response(svg, media_type="image/svg+xml")


def _entry(alert: AlertOut, base: str) -> str:
    link = f"{base}channel/alerts/{alert.id}"
    updated = (alert.published_at or alert.created_at).isoformat()
    return (
        f"<entry><id>{escape(link)}</id><title>{escape(alert.title)}</title><updated>{updated}</updated>"
        f'<link href="{escape(link)}"/>'
        f'<category term="{alert.fraud_type}" label="{escape(alert.fraud_type_label)}"/>'
        f'<content type="text">{escape(alert.body)}</content></entry>'
    )


@router.get("/channel/feed.atom")
def channel_feed(request: Request, session: DbSession) -> Response:
    alerts = groups.published_alerts(session, None, None, FEED_SIZE)
    base = str(request.base_url)
    updated: datetime = max((a.published_at or a.created_at for a in alerts), default=utcnow())
    body = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(base)}channel</id><title>反诈频道</title><updated>{updated.isoformat()}</updated>"
        f'<link rel="self" href="{escape(base)}channel/feed.atom"/>'
        + "".join(_entry(a, base) for a in alerts)
        + "</feed>"
    )
    return Response(body, media_type="application/atom+xml")

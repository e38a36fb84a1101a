"""Pushes and the outbox that delivers them.

A push request is idempotent twice over: the same ``request_key`` returns the same push, and an
alert reaches a group through at most one delivery row (unique per alert and group). The outbox
run claims due rows (committing the claim, so no database lock is held while sending), sends each
through its channel's adapter under a per-channel rate limit, and records the result: sent; or,
after a failure, retried with doubling delays until ``prevention_max_attempts`` and then put on the
dead-letter list, from which an officer can retry. A row blocked by the rate limit is put back
for when the limit allows it — it waits, it is not dropped. A claim not settled within
``CLAIM_LEASE`` (the process died mid-send) is due again.
"""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core.config import get_settings
from fanzha.core.errors import Conflict, Forbidden, NotFound
from fanzha.core.principal import Principal
from fanzha.core.ratelimit import TokenBucket
from fanzha.core.scope import within
from fanzha.prevention.channels import TIMEOUT_S, Message, SendFailed, send
from fanzha.prevention.grids import common_path
from fanzha.prevention.groups import get_alert, groups_in_scope
from fanzha.prevention.models import Alert, Channel, Delivery, DeliveryStatus, Push, PushStatus, SocialGroup
from fanzha.prevention.schemas import DeliveryOut, PushIn, PushOut

CLAIM_LEASE = timedelta(minutes=5)
BATCH = 500


def request_push(session: Session, data: PushIn, actor: Principal, now: datetime) -> Push:
    """Queue the alert for the groups, or hold it for approval above the threshold."""
    existing = push_by_key(session, data.request_key, actor)
    if existing is not None:
        return existing
    alert = get_alert(session, data.alert_id, actor)
    groups = groups_in_scope(session, data.group_ids, actor)
    needs_approval = len(groups) > get_settings().prevention_approval_groups
    push = Push(
        alert_id=alert.id, node_path=common_path([g.node_path for g in groups]), request_key=data.request_key,
        status=(PushStatus.PENDING_APPROVAL if needs_approval else PushStatus.QUEUED).value,
        group_ids=[g.id for g in groups], requested_by=actor.actor, requested_at=now,
    )  # fmt: skip
    session.add(push)
    session.flush()
    if not needs_approval:
        _enqueue(session, push, alert, groups, now)
    audit.record(session, actor.actor, "prevention.push.create", "prevention_push", push.id, None,
                 {"alert_id": alert.id, "groups": len(groups), "status": push.status})  # fmt: skip
    return push


def push_by_key(session: Session, request_key: str, actor: Principal) -> Push | None:
    """The push an earlier request with this key made (a retried request), if any."""
    existing = session.scalar(select(Push).where(Push.request_key == request_key))
    if existing is not None and not actor.sees(existing.node_path):
        raise NotFound("推送不存在或不在您的管辖范围内")
    return existing


def _enqueue(
    session: Session, push: Push, alert: Alert, groups: Sequence[SocialGroup], now: datetime
) -> None:
    done = set(session.scalars(select(Delivery.group_id).where(Delivery.alert_id == alert.id)))
    session.add_all(
        Delivery(
            push_id=push.id,
            alert_id=alert.id,
            group_id=g.id,
            node_path=g.node_path,
            channel=g.channel,
            next_attempt_at=now,
        )
        for g in groups
        if g.id not in done
    )
    session.flush()


def get_push(session: Session, push_id: int, actor: Principal) -> Push:
    push = session.get(Push, push_id)
    if push is None or not actor.sees(push.node_path):
        raise NotFound("推送不存在或不在您的管辖范围内")
    return push


def decide_push(session: Session, push_id: int, approve: bool, actor: Principal, now: datetime) -> Push:
    """A second officer approves (queues) or rejects a push held for approval."""
    push = get_push(session, push_id, actor)
    if push.status != PushStatus.PENDING_APPROVAL.value:
        raise Conflict(f"该推送当前为“{PushStatus(push.status).label}”，无需审批")
    if push.requested_by == actor.actor:
        raise Forbidden("推送需由申请人以外的另一名民警审批")
    push.status = (PushStatus.QUEUED if approve else PushStatus.REJECTED).value
    push.decided_by, push.decided_at = actor.actor, now
    if approve:
        alert = session.get(Alert, push.alert_id)
        assert alert is not None
        groups = session.scalars(select(SocialGroup).where(SocialGroup.id.in_(push.group_ids))).all()
        _enqueue(session, push, alert, groups, now)
    session.flush()
    action = "prevention.push.approve" if approve else "prevention.push.reject"
    audit.record(session, actor.actor, action, "prevention_push", push.id, {"status": "pending_approval"},
                 {"status": push.status})  # fmt: skip
    return push


def retry_delivery(session: Session, delivery_id: int, actor: Principal, now: datetime) -> Delivery:
    """Put a dead letter back in the outbox with fresh attempts."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or not actor.sees(delivery.node_path):
        raise NotFound("推送记录不存在或不在您的管辖范围内")
    if delivery.status != DeliveryStatus.DEAD.value:
        raise Conflict("只有发送失败（死信）的推送可以重发")
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.PENDING.value, 0, now
    session.flush()
    audit.record(session, actor.actor, "prevention.delivery.retry", "prevention_delivery", delivery.id,
                 {"status": "dead"}, {"status": "pending"})  # fmt: skip
    return delivery


@dataclass
class Limiter:
    """Per-channel token buckets (``Settings.prevention_rate_per_s``), on the outbox's clock."""

    buckets: dict[str, TokenBucket] = field(default_factory=dict)

    def wait_s(self, channel: str, now: datetime) -> float:
        bucket = self.buckets.get(channel)
        if bucket is None:
            rate = get_settings().prevention_rate_per_s.get(channel, 1.0)
            bucket = self.buckets[channel] = TokenBucket(rate=rate, burst=max(rate, 1.0))
        return bucket.take(channel, now.timestamp())


LIMITER = Limiter()


@dataclass
class RunResult:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    deferred: int = 0


def _claim(session: Session, now: datetime) -> list[Delivery]:
    """Mark due rows as being sent (for ``CLAIM_LEASE``) and commit; a row another runner took is skipped."""
    due = (
        or_(Delivery.status == DeliveryStatus.PENDING.value, Delivery.status == DeliveryStatus.SENDING.value),
        Delivery.next_attempt_at <= now,
    )
    ids = list(session.scalars(
        select(Delivery.id).where(*due).order_by(Delivery.next_attempt_at, Delivery.id).limit(BATCH)
    ))  # fmt: skip
    if not ids:
        return []
    taken = list(session.scalars(
        update(Delivery).where(Delivery.id.in_(ids), *due)
        .values(status=DeliveryStatus.SENDING.value, next_attempt_at=now + CLAIM_LEASE)
        .returning(Delivery.id)
    ))  # fmt: skip
    session.commit()
    stmt = select(Delivery).where(Delivery.id.in_(taken)).order_by(Delivery.id)
    return list(session.scalars(stmt.execution_options(populate_existing=True)))


def _settle(delivery: Delivery, error: str | None, now: datetime, result: RunResult) -> None:
    settings = get_settings()
    if error is None:
        delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT.value, now, ""
        delivery.attempts += 1
        result.sent += 1
        return
    delivery.attempts += 1
    delivery.last_error = error[:500]
    if delivery.attempts >= settings.prevention_max_attempts:
        delivery.status = DeliveryStatus.DEAD.value
        result.dead += 1
    else:
        delay = settings.prevention_retry_base_s * 2 ** (delivery.attempts - 1)
        delivery.status, delivery.next_attempt_at = (
            DeliveryStatus.PENDING.value,
            now + timedelta(seconds=delay),
        )
        result.failed += 1


@cache
def _client() -> httpx.Client:
    """The process's one HTTP client: its connections stay open from pass to pass (keep-alive), and
    its CA store is loaded once (building a client takes about 0.1 s, most of it loading that store)."""
    return httpx.Client(timeout=httpx.Timeout(TIMEOUT_S))


@dataclass(frozen=True)
class _Send:
    """What one send needs, read from the rows before the pool starts (ORM objects stay in this thread)."""

    channel: Channel
    address: str
    secret: str | None
    message: Message

    def attempt(self, http: httpx.Client) -> str | None:
        """None when the channel accepted the message, else why not."""
        try:
            send(http, self.channel, self.address, self.secret, self.message)
        except SendFailed as exc:
            return str(exc)
        return None


def _admitted(claimed: list[Delivery], now: datetime, limiter: Limiter, result: RunResult) -> list[Delivery]:
    """The claimed rows the rate limit lets through now; the others go back to wait for their turn."""
    admitted = []
    for delivery in claimed:
        wait = limiter.wait_s(delivery.channel, now)
        if wait > 0:
            delivery.status = DeliveryStatus.PENDING.value
            delivery.next_attempt_at = now + timedelta(seconds=wait)
            result.deferred += 1
        else:
            admitted.append(delivery)
    return admitted


def run_outbox(
    session: Session, now: datetime, client: httpx.Client | None = None, limiter: Limiter = LIMITER
) -> RunResult:
    """One pass over the due deliveries (the scheduled job and ``fanzha prevention push run``).

    The rows the rate limit admits are sent by ``prevention_outbox_workers`` threads over the
    process's keep-alive client; the results are recorded on the rows in this thread afterwards."""
    result = RunResult()
    claimed = _claim(session, now)
    if not claimed:
        return result
    groups = {g.id: g for g in session.scalars(select(SocialGroup).where(
        SocialGroup.id.in_({d.group_id for d in claimed})))}  # fmt: skip
    alerts = {
        a.id: a for a in session.scalars(select(Alert).where(Alert.id.in_({d.alert_id for d in claimed})))
    }
    session.commit()  # end the read: nothing is held while the adapters wait on the network
    admitted = _admitted(claimed, now, limiter, result)
    sends = []
    for d in admitted:
        group, alert = groups[d.group_id], alerts[d.alert_id]
        message = Message(f"fanzha-{d.alert_id}-{d.group_id}", alert.title, alert.body)
        sends.append(_Send(Channel(d.channel), group.address, group.secret, message))
    http = client or _client()
    workers = max(1, min(get_settings().prevention_outbox_workers, len(sends)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="outbox") as pool:
        errors = list(pool.map(lambda s: s.attempt(http), sends))
    for delivery, error in zip(admitted, errors, strict=True):
        _settle(delivery, error, now, result)
    session.flush()
    return result


def job(session: Session, now: datetime) -> RunResult:
    """The scheduled job's target."""
    return run_outbox(session, now)


def deliveries_of(session: Session, push: Push) -> list[DeliveryOut]:
    rows = session.execute(
        select(Delivery, SocialGroup.name).join(SocialGroup, SocialGroup.id == Delivery.group_id)
        .where(Delivery.push_id == push.id).order_by(Delivery.id)
    ).all()  # fmt: skip
    return [_delivery_out(d, name) for d, name in rows]


def _delivery_out(d: Delivery, group_name: str) -> DeliveryOut:
    return DeliveryOut(
        id=d.id, group_id=d.group_id, group_name=group_name, channel=d.channel, status=d.status,
        status_label=DeliveryStatus(d.status).label, attempts=d.attempts, last_error=d.last_error,
        sent_at=d.sent_at,
    )  # fmt: skip


def push_out(session: Session, push: Push) -> PushOut:
    return PushOut(
        id=push.id, alert_id=push.alert_id, status=push.status, status_label=PushStatus(push.status).label,
        groups=len(push.group_ids), requested_by=push.requested_by, decided_by=push.decided_by,
        deliveries=deliveries_of(session, push),
    )  # fmt: skip


def list_deliveries(
    session: Session, path: str, status: DeliveryStatus | None, offset: int, limit: int
) -> list[DeliveryOut]:
    stmt = select(Delivery, SocialGroup.name).join(SocialGroup, SocialGroup.id == Delivery.group_id)
    stmt = stmt.where(within(Delivery.node_path, path))
    if status is not None:
        stmt = stmt.where(Delivery.status == status.value)
    rows = session.execute(stmt.order_by(Delivery.id.desc()).offset(offset).limit(limit)).all()
    return [_delivery_out(d, name) for d, name in rows]

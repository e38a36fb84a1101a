"""The life of a request to a bank: maker-checker approval, the bank's answer, expiry.

Who sees a request: a bank liaison (``funds.bank``) only their own bank's; an officer only
requests of cases in their subtree. Everyone else gets 404, so existence does not leak.
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.audit import service as audit
from fanzha.cases import service as cases
from fanzha.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanzha.core.indexing import ForIndex
from fanzha.core.masking import mask_name
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import as_utc, utcnow
from fanzha.funds import repository
from fanzha.funds.models import FundRequest, PunishedPerson, RequestKind, RequestStatus
from fanzha.funds.schemas import AckIn, DecisionIn, FollowUpIn, HoldIn, RequestOut, RequestQuery
from fanzha.jurisdiction import service as tree
from fanzha.jurisdiction.models import UnitKind

STOP_PAYMENT_HOURS = 48
FREEZE_MONTHS = 6
# How long before the end a hold is flagged, once, so the officer can convert or renew it.
WARN_BEFORE = {
    RequestKind.STOP_PAYMENT: timedelta(hours=12),
    RequestKind.FREEZE: timedelta(days=15),
    RequestKind.RENEW: timedelta(days=15),
}
# Which hold a follow-up may act on, and what the hold becomes once the bank carries it out.
_FOLLOW_UPS: dict[RequestKind, tuple[frozenset[RequestKind], RequestStatus]] = {
    RequestKind.FREEZE: (frozenset({RequestKind.STOP_PAYMENT}), RequestStatus.CONVERTED),
    RequestKind.RENEW: (frozenset({RequestKind.FREEZE, RequestKind.RENEW}), RequestStatus.RENEWED),
    RequestKind.RELEASE: (frozenset(RequestKind), RequestStatus.RELEASED),
    RequestKind.RETURN: (frozenset(RequestKind), RequestStatus.RETURNED),
}


def add_months(value: datetime, months: int) -> datetime:
    """Same day and time ``months`` later (the month's last day when that day does not exist)."""
    month0 = value.month - 1 + months
    year, month = value.year + month0 // 12, month0 % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


def _is_bank(actor: Principal) -> bool:
    return actor.can(Perm.FUNDS_BANK) and actor.bank_code is not None


def _reads_requests(actor: Principal) -> bool:
    return _is_bank(actor) or actor.can(Perm.FUNDS_REQUEST) or actor.can(Perm.FUNDS_APPROVE)


def viewer_bank(actor: Principal) -> str | None:
    """The bank a liaison is limited to, None for an officer (limited to a subtree); else 403."""
    if not _reads_requests(actor):
        raise Forbidden()
    return actor.bank_code if _is_bank(actor) else None


def get_request(session: Session, request_id: int, actor: Principal) -> FundRequest:
    """A request the actor may see; any other 'does not exist' (404), so existence does not leak."""
    req = None
    if _reads_requests(actor):
        readable = repository.readable(viewer_bank(actor), actor.scope_path)
        req = session.scalars(readable.where(FundRequest.id == request_id)).first()
    if req is None:
        raise NotFound("止付冻结请求不存在或不在您的管辖范围内")
    return req


def list_requests(
    session: Session,
    actor: Principal,
    query: RequestQuery,
    offset: int,
    limit: int,
    now: datetime | None = None,
) -> tuple[list[RequestOut], int]:
    """A page of the requests the actor may see (403 for whoever is neither officer nor bank)."""
    readable = repository.readable(viewer_bank(actor), actor.scope_path)
    rows, total = repository.list_requests(session, readable, query, offset, limit)
    return [to_out(r, now) for r in rows], total


def punished_people(
    session: Session, actor: Principal, offset: int, limit: int
) -> tuple[Sequence[PunishedPerson], int]:
    """A page of the 断卡 list in the actor's subtree, newest listing first."""
    return repository.punished_within(session, actor.scope_path, offset, limit)


def _snapshot(req: FundRequest) -> dict[str, Any]:
    keys = (
        "kind",
        "status",
        "case_id",
        "bank_code",
        "account",
        "amount",
        "executed_amount",
        "balance_found",
        "effective_until",
        "parent_id",
    )
    return {k: getattr(req, k) for k in keys}


def requests_for_index(session: Session, after_id: int, limit: int) -> list[ForIndex]:
    """The next ``limit`` stop-payment and freeze requests after ``after_id`` (id order) for the
    series index, unscoped (the index is the system's): the account each names, and its case (a
    downstream account traced from the case's money joins the case's series through it)."""
    rows = session.scalars(
        select(FundRequest).where(FundRequest.id > after_id).order_by(FundRequest.id).limit(limit)
    )
    return [
        ForIndex(
            id=r.id,
            label=f"{RequestKind(r.kind).label} #{r.id}",
            node_path=r.node_path,
            occurred_at=r.requested_at,
            amount=r.amount,
            identifiers=(("bank_account", r.account),),
            case_id=r.case_id,
        )
        for r in rows
    ]


def _bank_codes(session: Session) -> set[str]:
    units = tree.units_within(session, "/")
    return {u.bank_code for u in units if u.kind == UnitKind.BANK_BRANCH and u.bank_code}


def bank_codes(session: Session) -> list[str]:
    """Banks with a liaison unit on the platform: the only ones a request can go to."""
    return sorted(_bank_codes(session))


def follow_up_kinds(req: FundRequest) -> list[RequestKind]:
    """The follow-ups a request allows now (none unless it is a hold in effect)."""
    if req.status != RequestStatus.IN_EFFECT:
        return []
    return [k for k, (allowed, _) in _FOLLOW_UPS.items() if RequestKind(req.kind) in allowed]


@dataclass(frozen=True)
class CaseMoney:
    """What a request form opened from a case starts with: the suspect accounts and the loss."""

    accounts: list[str]
    amount: Decimal


def case_money(session: Session, case_id: int, actor: Principal) -> CaseMoney:
    case = cases.get_case(session, case_id, actor)
    return CaseMoney(
        cases.suspect_accounts_for_work(session, case_id, actor, "funds.request_form"), case.loss_amount
    )


def request_hold(session: Session, data: HoldIn, actor: Principal) -> FundRequest:
    """An officer asks for a stop-payment (or a freeze) of an account for a case in their subtree."""
    actor.require(Perm.FUNDS_REQUEST)
    case = cases.get_case(session, data.case_id, actor)
    if data.bank_code not in _bank_codes(session):
        raise ValidationFailed.on("bank_code", f"银行 {data.bank_code} 未在平台登记驻点")
    req = FundRequest(
        kind=data.kind,
        case_id=case.id,
        node_id=case.node_id,
        node_path=case.node_path,
        bank_code=data.bank_code,
        account=data.account,
        account_name=data.account_name,
        amount=data.amount,
        reason=data.reason,
    )
    return _submit(session, req, actor)


def _submit(session: Session, req: FundRequest, actor: Principal) -> FundRequest:
    """Every new request waits for a second officer's approval, and is audited."""
    req.status = RequestStatus.REQUESTED.value
    req.requested_by = actor.actor
    req.requested_at = utcnow()
    session.add(req)
    session.flush()
    action = f"funds.request.{req.kind}"
    audit.record(session, actor.actor, action, "fund_request", req.id, None, _snapshot(req), req.node_path)
    return req


def follow_up(session: Session, hold_id: int, data: FollowUpIn, actor: Principal) -> FundRequest:
    """Convert, renew, release or return a hold in effect: a new request that needs approval again."""
    actor.require(Perm.FUNDS_REQUEST)
    hold = get_request(session, hold_id, actor)
    kind = RequestKind(data.kind)
    allowed, _ = _FOLLOW_UPS[kind]
    if hold.status != RequestStatus.IN_EFFECT or RequestKind(hold.kind) not in allowed:
        raise Conflict(
            f"该请求（{RequestKind(hold.kind).label}，{RequestStatus(hold.status).label}）不能{kind.label}"
        )
    pending = session.scalar(
        select(FundRequest.id).where(
            FundRequest.parent_id == hold.id,
            FundRequest.status.in_([RequestStatus.REQUESTED.value, RequestStatus.APPROVED.value]),
        )
    )
    if pending is not None:
        raise Conflict(f"该账户已有待处理的后续请求（编号 {pending}）")
    req = FundRequest(
        kind=kind.value,
        case_id=hold.case_id,
        node_id=hold.node_id,
        node_path=hold.node_path,
        parent_id=hold.id,
        bank_code=hold.bank_code,
        account=hold.account,
        account_name=hold.account_name,
        amount=hold.executed_amount or Decimal("0.00"),
        reason=data.reason,
    )
    return _submit(session, req, actor)


def _requester(session: Session, req: FundRequest) -> accounts.Actor:
    return accounts.describe_actors(session, [req.requested_by])[req.requested_by]


def approval_refusal(session: Session, req: FundRequest, actor: Principal) -> str | None:
    """Why ``actor`` may not approve ``req``, or None if they may.

    The checker is a second officer holding ``funds.approve`` in the requester's unit or in a
    unit above it in the tree, never a lower unit: a station cannot approve the centre's request.
    """
    if not actor.can(Perm.FUNDS_APPROVE):
        return "您没有审批止付冻结请求的权限"
    if req.requested_by == actor.actor:
        return "申请人不能审批自己提交的请求（需另一名民警审批）"
    requester = _requester(session, req)
    if not (requester.unit_path or req.node_path).startswith(actor.scope_path):
        unit = requester.unit_name or "申请人单位"
        return f"该请求由{unit}提出，只能由{unit}或其上级单位的另一名民警审批"
    return None


@dataclass(frozen=True)
class Waiting:
    """Who a request waits for: the requester's unit (or one above it) and the people who may approve."""

    unit: str
    approvers: list[str]


def waiting_for(session: Session, req: FundRequest) -> Waiting:
    requester = _requester(session, req)
    users = accounts.holders_at_or_above(session, Perm.FUNDS_APPROVE, requester.unit_path or req.node_path)
    names = [
        f"{u.display_name}（{u.unit.name}）" for u in users if f"user:{u.id}:{u.username}" != req.requested_by
    ]
    return Waiting(requester.unit_name or "申请人单位", names)


def awaiting_approval(session: Session, actor: Principal, limit: int = 200) -> list[FundRequest]:
    """Requests in the actor's subtree waiting for a decision that this actor may give."""
    if not actor.can(Perm.FUNDS_APPROVE):
        return []
    waiting = RequestQuery(status=RequestStatus.REQUESTED)
    rows, _ = repository.list_requests(
        session, repository.readable(None, actor.scope_path), waiting, 0, limit
    )
    return [r for r in rows if approval_refusal(session, r, actor) is None]


def decide(session: Session, request_id: int, data: DecisionIn, actor: Principal) -> FundRequest:
    """The checker (see ``approval_refusal``) approves or rejects."""
    actor.require(Perm.FUNDS_APPROVE)
    req = get_request(session, request_id, actor)
    refusal = approval_refusal(session, req, actor)
    if refusal is not None:
        raise Forbidden(refusal)
    if req.status != RequestStatus.REQUESTED:
        raise Conflict(f"该请求当前为“{RequestStatus(req.status).label}”，不能审批")
    before = _snapshot(req)
    req.status = (RequestStatus.APPROVED if data.approve else RequestStatus.REJECTED).value
    req.decided_by, req.decided_at, req.decision_note = actor.actor, utcnow(), data.note
    session.flush()
    action = "funds.approve" if data.approve else "funds.reject"
    audit.record(session, actor.actor, action, "fund_request", req.id, before, _snapshot(req), req.node_path)
    return req


def _end_of_hold(kind: RequestKind, start: datetime, parent: FundRequest | None) -> datetime:
    if kind == RequestKind.STOP_PAYMENT:
        return start + timedelta(hours=STOP_PAYMENT_HOURS)
    if kind == RequestKind.RENEW and parent is not None and parent.effective_until is not None:
        return add_months(as_utc(parent.effective_until), FREEZE_MONTHS)
    return add_months(start, FREEZE_MONTHS)


def acknowledge(
    session: Session, request_id: int, data: AckIn, actor: Principal, now: datetime | None = None
) -> FundRequest:
    """The bank records what it actually did; a hold starts counting down from here."""
    if not _is_bank(actor):
        raise Forbidden("只有该银行的驻点人员或银行系统可以回执")
    req = get_request(session, request_id, actor)
    if req.status != RequestStatus.APPROVED:
        raise Conflict(f"该请求当前为“{RequestStatus(req.status).label}”，不能回执")
    if data.executed_amount > req.amount:
        raise ValidationFailed.on("executed_amount", f"执行金额不能超过请求金额 {req.amount}")
    at = now or utcnow()
    kind = RequestKind(req.kind)
    parent = None if req.parent_id is None else session.get(FundRequest, req.parent_id)
    if parent is not None and parent.status != RequestStatus.IN_EFFECT:
        raise Conflict(f"原请求（编号 {parent.id}）已不在生效中：{RequestStatus(parent.status).label}")
    before = _snapshot(req)
    req.acknowledged_by, req.acknowledged_at = actor.actor, at
    req.executed_amount, req.balance_found = data.executed_amount, data.balance_found
    if kind.is_hold:
        req.status = RequestStatus.IN_EFFECT.value
        req.effective_until = _end_of_hold(kind, at, parent)
    else:
        req.status = RequestStatus.DONE.value
    changes: list[audit.PlacedChange] = [(req.id, before, _snapshot(req), req.node_path)]
    if parent is not None:
        parent_before = _snapshot(parent)
        parent.status, parent.ended_at = _FOLLOW_UPS[kind][1].value, at
        changes.append((parent.id, parent_before, _snapshot(parent), parent.node_path))
    session.flush()
    audit.record_placed(session, actor.actor, "funds.acknowledge", "fund_request", changes)
    return req


@dataclass(frozen=True)
class TickResult:
    warned: int
    expired: int


def tick(session: Session, now: datetime) -> TickResult:
    """Expire holds past their end and flag, once each, holds nearing it (idempotent, any process)."""
    expired = session.execute(
        update(FundRequest)
        .where(FundRequest.status == RequestStatus.IN_EFFECT.value, FundRequest.effective_until <= now)
        .values(status=RequestStatus.EXPIRED.value, ended_at=now)
        .returning(FundRequest.id, FundRequest.node_path)
    ).all()
    warned: list[tuple[int, str]] = []
    for kind, before in WARN_BEFORE.items():
        warned += session.execute(
            update(FundRequest)
            .where(
                FundRequest.kind == kind.value,
                FundRequest.status == RequestStatus.IN_EFFECT.value,
                FundRequest.warned_at.is_(None),
                FundRequest.effective_until <= now + before,
            )
            .values(warned_at=now)
            .returning(FundRequest.id, FundRequest.node_path)
        )
    actor = "system:0:scheduler"
    for action, rows in (("funds.expired", expired), ("funds.expiry_warning", warned)):
        audit.record_placed(
            session, actor, action, "fund_request", [(i, None, {"at": now}, p) for i, p in rows]
        )
    return TickResult(warned=len(warned), expired=len(expired))


def to_out(req: FundRequest, now: datetime | None = None) -> RequestOut:
    left = None
    if req.status == RequestStatus.IN_EFFECT and req.effective_until is not None:
        left = max(0, int((as_utc(req.effective_until) - (now or utcnow())).total_seconds()))
    return RequestOut(
        id=req.id,
        kind=req.kind,
        kind_label=RequestKind(req.kind).label,
        status=req.status,
        status_label=RequestStatus(req.status).label,
        case_id=req.case_id,
        node_path=req.node_path,
        parent_id=req.parent_id,
        bank_code=req.bank_code,
        account=req.account,
        account_name=mask_name(req.account_name),
        amount=req.amount,
        reason=req.reason,
        requested_by=req.requested_by,
        requested_at=req.requested_at,
        decided_by=req.decided_by,
        decided_at=req.decided_at,
        acknowledged_by=req.acknowledged_by,
        acknowledged_at=req.acknowledged_at,
        executed_amount=req.executed_amount,
        balance_found=req.balance_found,
        effective_until=req.effective_until,
        warned_at=req.warned_at,
        seconds_left=left,
    )


@dataclass(frozen=True)
class FromTrace:
    created: list[FundRequest]
    skipped: list[str]  # accounts whose bank is unknown to the statements


def requests_from_trace(
    session: Session, ranked: list[tuple[str, str | None, Decimal]], case_id: int, top: int, actor: Principal
) -> FromTrace:
    """Stop-payments for the top accounts of a trace (account, bank, amount still there), in one go."""
    created, skipped = [], []
    banks = _bank_codes(session)
    for account, bank, amount in ranked[:top]:
        if bank is None or bank not in banks:
            skipped.append(account)
            continue
        data = HoldIn(case_id=case_id, bank_code=bank, account=account, amount=amount, reason="资金查控结果")
        created.append(request_hold(session, data, actor))
    return FromTrace(created, skipped)

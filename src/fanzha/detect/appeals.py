"""Appeals against public verdicts ("这个结果不对") and their review by analysts.

A resident may attach the text they checked, with consent stated on the page; otherwise only
the verdict, the correction and the names of the rules that fired are kept. Analysts review the
queue grouped by rule; a reviewed appeal with its text is a labelled example for
``fanzha detect train`` (``training_rows``), and a reviewed number, link or account joins the
detector's blacklist or whitelist (``blacklist``/``whitelist``, named in the descriptor).
"""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core.errors import Conflict, NotFound
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import utcnow
from fanzha.core.vocab import FraudType
from fanzha.detect import elements
from fanzha.detect.models import Appeal
from fanzha.detect.reputation import normalize_identifier
from fanzha.detect.rules import RULES
from fanzha.detect.service import forget_detector

NO_RULE = "（未命中规则，仅模型判断）"
KNOWN_SIGNALS = frozenset(
    [r.label for r in RULES]
    + [elements.label(e.code) for e in elements.ELEMENTS]
    + [elements.label(code) for code in elements.PAIR_CODES]
)
AUDIT_LABELS = {"detect.appeal_review": "复核群众申诉"}
_KIND_IDENTIFIER = {"phone": "phone", "url": "url", "account": "bank_account"}


@dataclass(frozen=True)
class QueueGroup:
    signal: str
    appeals: list[Appeal]


@dataclass(frozen=True)
class Figures:
    """Appeals per ISO week (newest first), share upheld of those reviewed, median hours to review."""

    per_week: list[tuple[str, int]]
    reviewed: int
    upheld_share: float | None
    median_review_hours: float | None


def record(
    session: Session,
    kind: str,
    verdict: str,
    fraud_type: str | None,
    signals: Sequence[str],
    text: str | None,
) -> Appeal:
    """Keep the disagreement; the text only when the resident chose to attach it."""
    expected = "not_fraud" if verdict == "fraud" else "fraud"
    known = fraud_type if fraud_type in {t.value for t in FraudType} else None
    appeal = Appeal(
        input_kind=kind,
        verdict=verdict,
        fraud_type=known,
        expected=expected,
        text=text.strip() or None if text else None,
        signals=[s for s in dict.fromkeys(signals) if s in KNOWN_SIGNALS],
        status="pending",
        review_note="",
    )
    session.add(appeal)
    session.flush()
    return appeal


def queue(session: Session, principal: Principal, limit: int = 200) -> list[QueueGroup]:
    """Pending appeals, oldest first, grouped by the first rule that fired (largest group first)."""
    principal.require(Perm.DETECT_REVIEW)
    rows = session.scalars(
        select(Appeal).where(Appeal.status == "pending").order_by(Appeal.at, Appeal.id).limit(limit)
    ).all()
    groups: dict[str, list[Appeal]] = {}
    for a in rows:
        groups.setdefault(a.signals[0] if a.signals else NO_RULE, []).append(a)
    return [QueueGroup(k, v) for k, v in sorted(groups.items(), key=lambda kv: -len(kv[1]))]


def decide(session: Session, appeal_id: int, upheld: bool, note: str, principal: Principal) -> Appeal:
    """Uphold (the resident was right) or reject (the detector was right); audited, once."""
    principal.require(Perm.DETECT_REVIEW)
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound("申诉不存在")
    if appeal.status != "pending":
        raise Conflict("该申诉已复核，请刷新后查看结果")
    appeal.status = "upheld" if upheld else "rejected"
    appeal.reviewed_at = utcnow()
    appeal.reviewer = principal.actor
    appeal.review_note = note.strip()[:500]
    session.flush()
    after = {"status": appeal.status, "label": label_of(appeal), "note": appeal.review_note}
    audit.record(
        session, principal.actor, "detect.appeal_review", "appeal", appeal.id, {"status": "pending"}, after
    )
    forget_detector()  # this process takes a reviewed number at once, others within a minute
    return appeal


def label_of(appeal: Appeal) -> str:
    """The reviewed truth: the resident's correction if upheld, else the detector's verdict."""
    return appeal.expected if appeal.status == "upheld" else appeal.verdict


def _reviewed_with_text(session: Session) -> Sequence[Appeal]:
    query = select(Appeal).where(Appeal.status != "pending", Appeal.text.is_not(None))
    return session.scalars(query.order_by(Appeal.id)).all()


def training_rows(session: Session) -> list[dict[str, str]]:
    """Reviewed appeals with consented text, as ``fanzha detect train`` reads them."""
    rows = []
    for a in _reviewed_with_text(session):
        if a.input_kind != "text" or a.text is None:
            continue
        fraud = label_of(a) == "fraud"
        row = {"text": a.text, "label": "fraud" if fraud else "normal"}
        if fraud and a.fraud_type:
            row["fraud_type"] = a.fraud_type
        rows.append(row)
    return rows


def blacklist(session: Session) -> list[tuple[str, str, str]]:
    """Numbers, links and accounts reviewers confirmed as fraud, for the detector's blacklist."""
    return [
        (
            _KIND_IDENTIFIER[a.input_kind],
            normalize_identifier(_KIND_IDENTIFIER[a.input_kind], a.text),
            f"申诉复核 #{a.id}",
        )
        for a in _reviewed_with_text(session)
        if a.input_kind in _KIND_IDENTIFIER and a.text and label_of(a) == "fraud"
    ]


def whitelist(session: Session) -> list[tuple[str, str]]:
    """Numbers reviewers confirmed as not fraud, for the detector's whitelist."""
    return [
        (a.text, f"申诉复核 #{a.id} 确认正常")
        for a in _reviewed_with_text(session)
        if a.input_kind == "phone" and a.text and label_of(a) == "not_fraud"
    ]


def figures(session: Session, principal: Principal, weeks: int = 8, now: datetime | None = None) -> Figures:
    principal.require(Perm.DETECT_REVIEW)
    since = (now or utcnow()) - timedelta(weeks=weeks)
    rows = session.execute(
        select(Appeal.at, Appeal.status, Appeal.reviewed_at).where(Appeal.at >= since)
    ).all()
    per_week: dict[str, int] = {}
    for at, _, _ in rows:
        year, week, _ = at.isocalendar()
        key = f"{year}-W{week:02d}"
        per_week[key] = per_week.get(key, 0) + 1
    reviewed = [(status, done - at) for at, status, done in rows if done is not None]
    upheld = sum(1 for status, _ in reviewed if status == "upheld")
    hours = [d.total_seconds() / 3600 for _, d in reviewed]
    return Figures(
        sorted(per_week.items(), reverse=True),
        len(reviewed),
        upheld / len(reviewed) if reviewed else None,
        statistics.median(hours) if hours else None,
    )

"""Feedback (反馈) to issuers: outcomes in the order they were set, behind a numeric cursor.

``feedback_seq`` is handed out when a warning is closed (see ``service.next_feedback_seq``),
so a poller that asks for ``seq > cursor`` and keeps the last ``seq`` as its next cursor sees
every outcome once; a warning reopened and closed again comes back with its new outcome.
"""

import csv
import io
import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.core.errors import ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.scope import within
from fanzha.jurisdiction.models import Node
from fanzha.warnings.models import EarlyWarning, Outcome, Source
from fanzha.warnings.schemas import FeedbackItem, FeedbackPage
from fanzha.warnings.statemachine import State

W = EarlyWarning


def feedback(
    session: Session, principal: Principal, cursor: int = 0, limit: int = 1000, source: str | None = None
) -> FeedbackPage:
    """A machine client sees the outcomes of what it sent; people and the CLI name a source."""
    principal.require(Perm.WARNINGS_FEEDBACK)
    query = (
        select(W, Node.code)
        .join(Node, Node.id == W.node_id)
        .where(
            W.feedback_seq > cursor, W.state == State.CLOSED.value, within(W.node_path, principal.scope_path)
        )
        .order_by(W.feedback_seq)
        .limit(limit)
    )
    if principal.kind == "client":
        query = query.where(W.client_id == principal.id)
    if source is not None:
        if source not in set(Source):
            raise ValidationFailed.on("source", f"未知的预警来源：{source}")
        query = query.where(W.source == source)
    items = [_item(w, code) for w, code in session.execute(query)]
    return FeedbackPage(items=items, next_cursor=items[-1].seq if items else cursor)


def _item(w: EarlyWarning, node_code: str) -> FeedbackItem:
    assert w.feedback_seq is not None and w.outcome is not None and w.closed_at is not None
    return FeedbackItem(
        seq=w.feedback_seq,
        id=w.id,
        source=w.source,
        source_id=w.source_id,
        outcome=w.outcome,
        outcome_label=Outcome(w.outcome).label,
        closed_at=w.closed_at,
        first_contact_at=w.first_contact_at,
        visited_at=w.visited_at,
        node_code=node_code,
        case_id=w.case_id,
    )


def render(items: Sequence[FeedbackItem], fmt: str) -> str:
    """JSON lines or CSV (with a header) of feedback items."""
    if fmt == "jsonl":
        return "".join(json.dumps(i.model_dump(mode="json"), ensure_ascii=False) + "\n" for i in items)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(FeedbackItem.model_fields))
    writer.writeheader()
    for i in items:
        writer.writerow(i.model_dump(mode="json"))
    return out.getvalue()

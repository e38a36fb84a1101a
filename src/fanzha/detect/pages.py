"""The analysts' appeal review queue: pending appeals grouped by the rule that fired, a decision
per appeal, and the figures (appeals per week, share upheld, time to review)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response

from fanzha.accounts.deps import DbSession, requires
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.vocab import FraudType
from fanzha.detect import appeals
from fanzha.web.render import page, redirect

router = APIRouter(include_in_schema=False)
Reviewer = Annotated[Principal, Depends(requires(Perm.DETECT_REVIEW))]
KIND_LABELS = {"text": "短信或聊天", "phone": "电话号码", "url": "网址", "account": "收款账号"}


@router.get("/appeals")
def queue_page(request: Request, session: DbSession, actor: Reviewer) -> Response:
    ctx = {
        "groups": appeals.queue(session, actor),
        "figures": appeals.figures(session, actor),
        "kinds": KIND_LABELS,
        "types": FraudType.labels(),
    }
    return page(request, "detect/appeals.html", actor, ctx)


@router.post("/appeals/{appeal_id}/decision")
def decide(
    appeal_id: int,
    session: DbSession,
    actor: Reviewer,
    upheld: Annotated[bool, Form()],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    appeals.decide(session, appeal_id, upheld, note, actor)
    return redirect("/appeals")

"""断卡 pages: the punishment list (listing a person for five years) and the mule-account scores.

The list shows only people listed in the officer's subtree, with ID numbers and names masked as
the API returns them; listing goes through ``fanzha.funds.punishment`` (scope check, audit). The
score page ranks the store's accounts and says why each is there, so an officer can argue with a
score before acting on it; it links each account to a stop-payment request.
"""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from sqlalchemy.orm import Session

from fanzha.accounts.deps import DbSession, requires
from fanzha.cases import service as cases
from fanzha.core.errors import FanzhaError
from fanzha.core.masking import mask_id_number, mask_name
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import to_local, utcnow
from fanzha.funds import punishment, scoring, service
from fanzha.funds.graph import index_for
from fanzha.funds.schemas import PunishedIn
from fanzha.funds.store import TransactionStore
from fanzha.web.forms import blank_to_none, validated
from fanzha.web.render import page, redirect

router = APIRouter(prefix="/funds", include_in_schema=False)
Requester = Annotated[Principal, Depends(requires(Perm.FUNDS_REQUEST))]
PAGE_SIZE = 50
TOP_CHOICES = (20, 50, 100, 200)


def _listing(
    request: Request,
    session: Session,
    actor: Principal,
    page_no: int = 1,
    notice: str | None = None,
    form: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> Response:
    rows, total = service.punished_people(session, actor, (page_no - 1) * PAGE_SIZE, PAGE_SIZE)
    today = to_local(utcnow()).date()
    people = [
        {
            "id_number": mask_id_number(p.id_number),
            "name": mask_name(p.name),
            "reason": p.reason,
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
            "active": p.starts_on <= today < p.ends_on,
        }
        for p in rows
    ]
    ctx = {
        "people": people,
        "total": total,
        "page_no": page_no,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "query": "",
        "notice": notice,
        "error": error,
        "years": punishment.LISTING_YEARS,
        "form": form or {"starts_on": today.isoformat()},
    }
    return page(request, "funds/punishment.html", actor, ctx, status_code=status)


@router.get("/punishment")
def punishment_list(
    request: Request,
    session: DbSession,
    actor: Requester,
    notice: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    return _listing(request, session, actor, page_no, notice)


@router.post("/punishment")
def punishment_add(
    request: Request,
    session: DbSession,
    actor: Requester,
    id_number: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    node_code: Annotated[str, Form()] = "",
    starts_on: Annotated[str, Form()] = "",
    case_id: Annotated[str, Form()] = "",
) -> Response:
    """List a person from the starts_on day for five years; a refusal re-renders the form with why
    (an empty field too: the fields default to "" so that the schema, not FastAPI, names it)."""
    form = {"id_number": id_number, "name": name, "reason": reason, "node_code": node_code}
    form |= {"starts_on": starts_on, "case_id": case_id}
    try:
        with session.begin_nested():
            data = validated(
                PunishedIn,
                id_number=id_number.strip(),
                name=name.strip(),
                reason=reason.strip(),
                node_code=node_code.strip(),
                case_id=blank_to_none(case_id),
                starts_on=blank_to_none(starts_on),
            )
            person = punishment.list_person(session, data, actor)
    except FanzhaError as err:
        return _listing(request, session, actor, 1, None, form, err.message, err.status)
    notice = f"已列入惩戒名单：{mask_id_number(person.id_number)}，至 {person.ends_on:%Y-%m-%d}"
    return redirect("/funds/punishment?" + urlencode({"notice": notice}))


@router.get("/mule-scores")
def mule_scores(
    request: Request,
    session: DbSession,
    actor: Requester,
    account: Annotated[str | None, Query()] = None,
    top: int = 50,
) -> Response:
    """The highest-scoring accounts of the store (or one account), each with its explanation."""
    named = [v for k, v, _ in cases.reputation_identifiers(session) if k == "bank_account"]
    store = TransactionStore()
    wanted = (blank_to_none(account) or "").replace(" ", "")
    top = top if top in TOP_CHOICES else 50
    if wanted:
        scores = scoring.score_accounts(index_for(store), [wanted], named)
    else:
        scores = scoring.top_scores(store, named, top)
    ctx: dict[str, Any] = {
        "scores": scores,
        "account": wanted,
        "top": top,
        "top_choices": TOP_CHOICES,
        "features": scoring.FEATURES,
    }
    return page(request, "funds/mules.html", actor, ctx)

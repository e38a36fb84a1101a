"""Public pages: /verify (is this call, SMS or visit really the police?) and the number lookup;
and the administrators' register of official numbers. Thin adapters over the services."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response

from fanzha.accounts.deps import DbSession, OptionalPrincipal, requires
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.verification import register, service
from fanzha.verification.routes import Limits, client_address
from fanzha.verification.schemas import NumberIn
from fanzha.web.forms import validated
from fanzha.web.render import page, redirect

router = APIRouter(include_in_schema=False)
Admin = Annotated[Principal, Depends(requires(Perm.ADMIN_SETTINGS))]


def _verify_page(request: Request, principal: Principal | None, **ctx: object) -> Response:
    base: dict[str, object] = {"answer": None, "number_answer": None, "code": "", "number": ""}
    return page(request, "public/verify.html", principal, {**base, **ctx})


@router.get("/verify")
def verify_form(request: Request, principal: OptionalPrincipal) -> Response:
    return _verify_page(request, principal)


@router.post("/verify")
def verify(
    request: Request,
    session: DbSession,
    principal: OptionalPrincipal,
    limits: Limits,
    code: Annotated[str, Form(max_length=20)],
) -> Response:
    answer = service.verify(session, code, client_address(request), limits)
    return _verify_page(request, principal, answer=answer)


@router.post("/verify/number")
def lookup_number(
    request: Request,
    session: DbSession,
    principal: OptionalPrincipal,
    number: Annotated[str, Form(max_length=40)],
) -> Response:
    answer = register.lookup(session, number)
    return _verify_page(request, principal, number_answer=answer, number=number)


@router.get("/admin/official-numbers")
def numbers_page(request: Request, session: DbSession, actor: Admin) -> Response:
    ctx = {"numbers": register.list_numbers(session, actor), "kinds": register.KIND_LABELS}
    return page(request, "admin/official_numbers.html", actor, ctx)


@router.post("/admin/official-numbers")
def add_number(
    session: DbSession,
    actor: Admin,
    number: Annotated[str, Form()],
    owner: Annotated[str, Form()],
    node_code: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "phone",
    note: Annotated[str, Form()] = "",
) -> Response:
    data = validated(NumberIn, number=number, owner=owner, node_code=node_code, kind=kind, note=note)
    register.add_number(session, data, actor)
    return redirect("/admin/official-numbers")


@router.post("/admin/official-numbers/{number_id}/delete")
def remove_number(number_id: int, session: DbSession, actor: Admin) -> Response:
    register.remove_number(session, number_id, actor)
    return redirect("/admin/official-numbers")

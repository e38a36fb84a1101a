"""Verification API: a code check and a number lookup for operator apps (public), and the
register of official numbers for administrators."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from fanzha.accounts.deps import DbSession, requires
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.verification import register, service
from fanzha.verification.schemas import AnswerOut, NumberAnswerOut, NumberIn, NumberOut, VerifyIn

router = APIRouter(tags=["verification"])
Admin = Annotated[Principal, Depends(requires(Perm.ADMIN_SETTINGS))]


def limits() -> service.Limits:
    """The process's guessing limits (a dependency, so each test can start with full buckets)."""
    return service.LIMITS


Limits = Annotated[service.Limits, Depends(limits)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/verify", response_model=AnswerOut, summary="核验劝阻联系：输入 6 位核验码（无需登录）")
def verify(data: VerifyIn, request: Request, session: DbSession, limits: Limits) -> AnswerOut:
    answer = service.verify(session, data.code, client_address(request), limits)
    return AnswerOut(found=answer.found, message=answer.message, advice=answer.advice)


@router.get(
    "/official-numbers/lookup", response_model=NumberAnswerOut, summary="查询号码是否为官方号码（无需登录）"
)
def lookup_number(
    session: DbSession, number: Annotated[str, Query(min_length=1, max_length=40)]
) -> NumberAnswerOut:
    answer = register.lookup(session, number)
    return NumberAnswerOut(official=answer.official, number=answer.number, message=answer.message)


@router.get("/official-numbers", response_model=list[NumberOut], summary="官方号码登记表（本辖区）")
def list_numbers(session: DbSession, actor: Admin) -> list[NumberOut]:
    return [NumberOut.model_validate(n, from_attributes=True) for n in register.list_numbers(session, actor)]


@router.post("/official-numbers", response_model=NumberOut, status_code=201, summary="登记官方号码")
def add_number(data: NumberIn, session: DbSession, actor: Admin) -> NumberOut:
    return NumberOut.model_validate(register.add_number(session, data, actor), from_attributes=True)


@router.delete("/official-numbers/{number_id}", status_code=204, summary="删除官方号码")
def remove_number(number_id: int, session: DbSession, actor: Admin) -> None:
    register.remove_number(session, number_id, actor)

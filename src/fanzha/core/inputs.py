"""Limits every input shares, checked once for all routes: text holds no NUL character
(PostgreSQL cannot store one), integers fit the database's integer columns and dates fall in
years that make sense.

Pydantic bodies get them from ``Input`` (a base for request schemas); path, query and form
values from ``guard_request``, an application-wide dependency that reads each route's
declared parameters.
"""

from datetime import date
from types import UnionType
from typing import Any, Union, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.params import Form
from fastapi.routing import APIRoute
from pydantic import BaseModel, field_validator

from fanzha.core.errors import FieldError, invalid

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # PostgreSQL INTEGER, the type of every id column
NUL_MESSAGE = "不能包含空字符（\\x00），请删除后重新提交"
RANGE_MESSAGE = f"数值超出范围（{INT_MIN} 至 {INT_MAX}）"
YEARS = range(1900, 2101)  # a date outside is a typo; year 1 also overflowed on time zone shifts
DATE_MESSAGE = f"日期超出合理范围（{YEARS.start}–{YEARS.stop - 1} 年），请检查年份"


def input_problem(value: object) -> str | None:
    """What makes one input value unstorable (looking inside lists and dicts), or None."""
    if isinstance(value, str):
        return NUL_MESSAGE if "\x00" in value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if INT_MIN <= value <= INT_MAX else RANGE_MESSAGE
    if isinstance(value, date):
        return None if value.year in YEARS else DATE_MESSAGE
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple | set | frozenset):
        return next((p for p in map(input_problem, value) if p), None)
    return None


class Input(BaseModel):
    """Base of every request schema: each field passes ``input_problem``."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        problem = input_problem(value)
        if problem:
            raise ValueError(problem)
        return value


def _kind(annotation: Any) -> type | None:
    """int or date when a parameter is one of those (optional or not), else None."""
    types = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    for kind in (int, date):
        if any(isinstance(t, type) and issubclass(t, kind) and t is not bool for t in types):
            return kind
    return None


def _fields(dependant: Dependant) -> list[Any]:
    own = [*dependant.path_params, *dependant.query_params, *dependant.body_params]
    return own + [f for sub in dependant.dependencies for f in _fields(sub)]


_ROUTE_PARAMS: dict[str, tuple[dict[str, type], bool]] = {}


def _route_params(route: APIRoute) -> tuple[dict[str, type], bool]:
    """A route's integer and date path/query/form parameters by name, and whether it takes a form."""
    known = _ROUTE_PARAMS.get(route.unique_id)
    if known is None:
        fields = _fields(route.dependant)
        kinds = {f.alias: kind for f in fields if (kind := _kind(f.field_info.annotation))}
        known = kinds, any(isinstance(f.field_info, Form) for f in fields)
        _ROUTE_PARAMS[route.unique_id] = known
    return known


def _value_problem(value: str, kind: type | None) -> str | None:
    if "\x00" in value:
        return NUL_MESSAGE
    text = value.strip()
    if kind is int and text.lstrip("+-").isdigit():
        return input_problem(int(text))
    if kind is date and text[:4].isdigit() and int(text[:4]) not in YEARS:
        return DATE_MESSAGE
    return None


async def guard_request(request: Request) -> None:
    """Rejects, per field, path/query/form values with a NUL, an out-of-range integer or year
    before any handler runs (on PostgreSQL either made the query fail with a 500)."""
    route = request.scope.get("route")
    kinds, takes_form = _route_params(route) if isinstance(route, APIRoute) else ({}, False)
    values: list[tuple[str, Any]] = [*request.path_params.items(), *request.query_params.multi_items()]
    if takes_form:
        values += (await request.form()).multi_items()
    errors = []
    for name, value in values:
        problem = _value_problem(value, kinds.get(name)) if isinstance(value, str) else None
        if problem:
            errors.append(FieldError(name, problem))
    if errors:
        raise invalid(errors)

"""Every request body passes the shared input limits: a schema that skips ``Input`` lets a NUL
or a 2^40 id reach PostgreSQL, which answers 500 (the fuzz run found one in prevention)."""

import typing

from fastapi import FastAPI
from pydantic import BaseModel

from fanzha.core.inputs import Input
from tests.served import served_routes


def _models(annotation: object) -> list[type[BaseModel]]:
    """Pydantic models inside a parameter's annotation (through Annotated, Optional, list)."""
    if isinstance(annotation, type):
        return [annotation] if issubclass(annotation, BaseModel) else []
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def test_every_request_body_schema_derives_from_input(app: FastAPI) -> None:
    bodies = [
        (method, path, model)
        for method, path, endpoint in served_routes(app)
        for name, hint in typing.get_type_hints(endpoint, include_extras=True).items()
        if name != "return"
        for model in _models(hint)
    ]
    assert bodies, "no request body found: the walk over the routes is broken"
    assert sorted({(m, p, model.__name__) for m, p, model in bodies if not issubclass(model, Input)}) == []

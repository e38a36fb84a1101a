"""A station's user cannot read or change another station's records through any endpoint."""

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from fanzha.app import create_app
from tests.factories import World
from tests.scope_registry import EXEMPT, ROUTES
from tests.served import served_routes


def _api_routes_with_params(app: FastAPI) -> set[str]:
    found = {
        f"{m} {path}" for m, path, _ in served_routes(app) if path.startswith("/api/v1/") and "{" in path
    }
    assert found, "no API route with a record id was found: the route walk is broken"
    return found


def test_every_record_route_is_registered() -> None:
    missing = _api_routes_with_params(create_app()) - set(ROUTES) - set(EXEMPT)
    assert not missing, f"register these in tests/scope_registry.py: {sorted(missing)}"


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_foreign_record_is_refused(route: str, login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    foreign = ROUTES[route]
    method, template = route.split(" ", 1)
    url = template.format(**foreign.make(session, world))
    client = login(foreign.actor)
    if foreign.form is None:
        r = client.request(method, url, json=foreign.body or None)
    else:
        r = client.request(method, url, data=foreign.form, headers={"Accept": "text/html"})
    assert r.status_code in (403, 404), f"{route} answered {r.status_code}: {r.text[:200]}"

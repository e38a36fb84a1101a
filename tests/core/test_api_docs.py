"""The API docs work on an air-gapped network and tell a client how to sign in."""

import re
from typing import Any

from fastapi.testclient import TestClient

from fanzha.apidocs import SIGNED_IN


def test_docs_page_loads_its_assets_from_this_server(client: TestClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert {"/static/vendor/swagger-ui-bundle.js", "/static/vendor/swagger-ui.css"} <= set(assets)
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), asset
        assert client.get(asset).status_code == 200, asset


def test_spec_declares_who_may_call_each_operation(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["apiKey"] == {**schemes["apiKey"], "type": "http", "scheme": "bearer"}
    assert schemes["session"]["in"] == "cookie" and schemes["csrf"]["in"] == "header"
    assert spec["paths"]["/api/v1/warnings"]["get"]["security"] == SIGNED_IN
    # The single POST reads its credential without the bearer scheme's dependency (group commit).
    assert spec["paths"]["/api/v1/warnings"]["post"]["security"] == SIGNED_IN
    assert "security" not in spec["paths"]["/api/v1/verify"]["post"]  # residents need no account


def test_warning_intake_schema_explains_its_fields_with_an_example(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    warning = spec["components"]["schemas"]["WarningIn"]
    undocumented = [name for name, field in warning["properties"].items() if not field.get("description")]
    assert undocumented == []
    assert warning["examples"][0]["victim_address"]


def test_redoc_leads_to_the_local_docs_page(client: TestClient) -> None:
    """ReDoc is not shipped (see fanzha.apidocs); its usual address opens the page that is."""
    r = client.get("/redoc", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/api/v1/docs"
    assert client.get("/redoc").status_code == 200


def _refs(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[1]} if "$ref" in node else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def request_schemas(spec: dict[str, Any]) -> set[str]:
    """Every component schema a request body uses, directly or nested."""
    schemas = spec["components"]["schemas"]
    bodies = [
        op["requestBody"] for path in spec["paths"].values() for op in path.values() if "requestBody" in op
    ]
    todo, seen = _refs(bodies), set()
    while todo:
        name = todo.pop()
        seen.add(name)
        todo |= _refs(schemas[name]) - seen
    return seen


# The request bodies of the main workflows (warnings, cases, stop-payments, keys and users, the
# resident's verification): present in the spec, and CaseIn and HoldIn with a usable example.
MAIN_REQUESTS = {
    "WarningIn", "Evidence", "ActionIn", "CloseIn", "RouteIn", "ReopenIn",
    "CaseIn", "SuspectIdentifier", "CaseStatusIn",
    "HoldIn", "DecisionIn", "AckIn", "FollowUpIn",
    "ApiKeyIn", "UserIn", "UserPatch", "LoginIn", "UnitIn", "VerifyIn",
}  # fmt: skip


def test_every_field_of_every_request_body_is_described(client: TestClient) -> None:
    """Every field a client may send, in every capability's request bodies (prevention, exams,
    operations, clues, funds tracing, jurisdiction nodes, uploads...), says what it is in Chinese."""
    spec = client.get("/api/v1/openapi.json").json()
    schemas = spec["components"]["schemas"]
    requests = request_schemas(spec)
    assert requests >= MAIN_REQUESTS
    undocumented = [
        f"{name}.{field}"
        for name in sorted(requests)
        for field, about in schemas[name].get("properties", {}).items()
        if not re.search(r"[\u4e00-\u9fff]", about.get("description", ""))
    ]
    assert undocumented == []
    for name in ("CaseIn", "HoldIn"):  # an example a client can send as it is
        assert set(schemas[name]["examples"][0]) <= set(schemas[name]["properties"])

"""The API docs work on an air-gapped network and tell a client how to sign in."""

import re

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
    assert "security" not in spec["paths"]["/api/v1/verify"]["post"]  # residents need no account


def test_warning_intake_schema_explains_its_fields_with_an_example(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    warning = spec["components"]["schemas"]["WarningIn"]
    undocumented = [name for name, field in warning["properties"].items() if not field.get("description")]
    assert undocumented == []
    assert warning["examples"][0]["victim_address"]

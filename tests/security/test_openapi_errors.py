"""The OpenAPI document lists the error answers every API route can give, in the one error shape."""

from fastapi.testclient import TestClient


def test_every_api_operation_documents_its_error_answers(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    operations = [
        (path, op)
        for path, item in spec["paths"].items()
        if path.startswith("/api/v1/")
        for op in item.values()
    ]
    assert len(operations) > 50
    for path, op in operations:
        assert {"401", "403", "404", "409", "422", "429"} <= set(op["responses"]), path
    answer = spec["paths"]["/api/v1/cases/{case_id}"]["get"]["responses"]["429"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert set(spec["components"]["schemas"]["ErrorOut"]["properties"]) == {"error"}

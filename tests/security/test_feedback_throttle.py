"""The public "这个结果不对" feedback is limited per address, like /report: a script cannot fill
the officers' review list."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import World
from tests.web.test_console import HTML

FORM = {"kind": "text", "verdict": "fraud", "fraud_type": "impersonate_authority"}


def test_a_flood_of_feedback_gets_a_chinese_429(app: FastAPI, world: World) -> None:
    flood = TestClient(app, client=("203.0.113.44", 50000))
    answers = [flood.post("/check/feedback", data=FORM, headers=HTML).status_code for _ in range(20)]
    assert answers == [200] * 20
    r = flood.post("/check/feedback", data=FORM, headers=HTML)
    assert r.status_code == 429
    assert "反馈过于频繁" in r.text and int(r.headers["retry-after"]) > 0
    neighbour = TestClient(app, client=("203.0.113.45", 50000))
    assert neighbour.post("/check/feedback", data=FORM, headers=HTML).status_code == 200

"""The official-number register: a station's number resolves publicly, the national list answers
too, anything else is "not official", and the detector's whitelist reads the same register."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fanzha.detect.detector import Detector
from fanzha.detect.entities import extract
from fanzha.detect.service import detector_for
from fanzha.verification import register
from fanzha.verification.schemas import NumberIn
from tests.factories import World

STATION = NumberIn(number="0799-8666 0110", owner="甲派出所", node_code="369901001", note="值班室")


def test_a_stations_official_number_resolves_on_the_public_lookup(
    login, client: TestClient, world: World
) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin_a")
    made = admin.post("/api/v1/official-numbers", json=STATION.model_dump())
    assert made.status_code == 201 and made.json()["number"] == "079986660110"
    answer = client.get("/api/v1/official-numbers/lookup", params={"number": "0799-86660110"}).json()
    assert answer == {
        "official": True,
        "number": "079986660110",
        "message": "079986660110 是甲派出所的官方来电号码",
    }
    page = client.post("/verify/number", data={"number": "079986660110"})
    assert "是甲派出所的官方来电号码" in page.text


def test_national_numbers_answer_and_unknown_numbers_are_not_official(client: TestClient) -> None:
    assert client.get("/api/v1/official-numbers/lookup", params={"number": "96110"}).json()["official"]
    unknown = client.get("/api/v1/official-numbers/lookup", params={"number": "+852 6123 4567"}).json()
    assert unknown["official"] is False and "96110 核实" in unknown["message"]
    bad = client.get("/api/v1/official-numbers/lookup", params={"number": "abc"})
    assert bad.status_code == 422 and "3 到 20 位数字" in bad.json()["error"]["message"]


def test_registering_needs_an_administrator_in_scope_and_no_duplicates(login, world: World) -> None:  # type: ignore[no-untyped-def]
    assert login("police_a").post("/api/v1/official-numbers", json=STATION.model_dump()).status_code == 403
    admin = login("admin_a")
    station_b = {**STATION.model_dump(), "node_code": "369901002"}
    assert admin.post("/api/v1/official-numbers", json=station_b).status_code == 404
    assert admin.post("/api/v1/official-numbers", json=STATION.model_dump()).status_code == 201
    again = admin.post("/api/v1/official-numbers", json=STATION.model_dump())
    assert again.status_code == 409 and "已登记" in again.json()["error"]["message"]


def test_the_detector_whitelist_reads_the_register(app: FastAPI, session: Session, world: World) -> None:
    """The app hands the register to the detector (``Capability.whitelist``); detection imports none."""
    register.add_number(session, STATION, world.principals["admin_a"])
    detector = detector_for(session)
    text = "我是甲派出所民警，请回拨 0799-86660110 核实"
    phone = next(e for e in extract(text) if e.value == "079986660110")
    assert detector.reputation.vouches_for(phone) and not Detector.default().reputation.vouches_for(phone)
    reasons = [r.text for r in detector.classify([text])[0].reasons]
    assert "官方号码或网址：甲派出所" in reasons

"""Campaigns from aiming, activities logged in the field, volunteer teams, photos — all scoped."""

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from fanzha.core.config import get_settings
from fanzha.core.timeutil import utcnow
from tests.factories import World
from tests.prevention.factories import GRID_A1, GRID_A2, GRID_B1, PNG, activity_in, cases_at

ELDERLY = {"fraud_type": "impersonate_authority", "victim_group": "elderly", "victim_age": 72}


@pytest.fixture
def photo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(get_settings(), "prevention_photo_dir", str(tmp_path))
    return tmp_path


def _activity_json(**overrides: object) -> dict[str, object]:
    return activity_in(**overrides).model_dump(mode="json")


def test_one_action_turns_an_aiming_line_into_a_campaign(login, session: Session, world: World) -> None:
    # The API aims as of the real clock: the cases are in its last days.
    cases_at(session, world.principals["police_a"], GRID_A1, [1, 2, 3], now=utcnow(), **ELDERLY)
    client = login("prevention_a")
    line = client.get("/api/v1/prevention/aim").json()[0]
    body = {"grid_code": line["grid_code"], "fraud_type": line["fraud_type"], "audience": line["audience"]}
    r = client.post("/api/v1/prevention/campaigns/from-aim", json=body)
    assert r.status_code == 201, r.text
    campaign = r.json()
    assert campaign["title"] == "阳光社区老年人防范冒充公检法及政府机关专项宣传"
    assert campaign["reason"] == line["reason"]
    assert (campaign["grid_codes"], campaign["target_groups"]) == ([GRID_A1], ["elderly"])
    assert login("police_a").get(f"/api/v1/prevention/campaigns/{campaign['id']}").status_code == 200
    assert login("police_b").get(f"/api/v1/prevention/campaigns/{campaign['id']}").status_code == 404
    r = client.post("/api/v1/prevention/campaigns/from-aim", json={**body, "fraud_type": "romance"})
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "audience"


def test_grid_worker_logs_a_sweep_and_the_campaign_counts_it(login, session: Session, world: World) -> None:
    officer = login("prevention_a")
    campaign = officer.post(
        "/api/v1/prevention/campaigns",
        json={
            "title": "阳光扫楼",
            "grid_codes": [GRID_A1],
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-30",
        },
    ).json()
    worker = login("grid_a1")
    r = worker.post("/api/v1/prevention/activities", json=_activity_json(campaign_id=campaign["id"]))
    assert r.status_code == 201, r.text
    assert (r.json()["households_visited"], r.json()["kind_label"]) == (3, "扫街扫楼")
    r = worker.post("/api/v1/prevention/activities", json=_activity_json(grid_code=GRID_A2))
    assert r.status_code == 422 and "不在您的管辖范围内" in r.json()["error"]["message"]
    r = officer.post(
        "/api/v1/prevention/activities", json=_activity_json(grid_code=GRID_A2, campaign_id=campaign["id"])
    )
    assert r.status_code == 422 and "不在所选宣防战役的范围内" in r.json()["error"]["message"]
    r = officer.post("/api/v1/prevention/activities", json=_activity_json(kind="lecture"))
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "households"
    shown = officer.get(f"/api/v1/prevention/campaigns/{campaign['id']}").json()
    assert (shown["activities"], shown["reached"]) == (1, 40)
    assert login("police_b").get("/api/v1/prevention/activities").json()["total"] == 0


def test_volunteers_are_registered_masked_and_credited(login, session: Session, world: World) -> None:
    officer = login("prevention_a")
    team = officer.post(
        "/api/v1/prevention/teams", json={"name": "阳光反诈奶奶团", "node_code": "369901001"}
    ).json()
    member = officer.post(
        f"/api/v1/prevention/teams/{team['id']}/members",
        json={"name": "周桂兰", "phone": "13900002222", "joined_on": "2026-10-01"},
    ).json()
    body = _activity_json(kind="lecture", households=[], team_id=team["id"], volunteer_ids=[member["id"]])
    assert officer.post("/api/v1/prevention/activities", json=body).status_code == 201
    teams = officer.get("/api/v1/prevention/teams").json()
    assert teams[0]["members"][0] | {"id": 0} == {
        "id": 0, "name": "周**", "phone": "139****2222", "joined_on": "2026-10-01", "activities": 1
    }  # fmt: skip
    again = officer.post(
        "/api/v1/prevention/teams", json={"name": "阳光反诈奶奶团", "node_code": "369901001"}
    )
    assert again.status_code == 409
    assert login("police_b").get("/api/v1/prevention/teams").json() == []
    wrong = _activity_json(
        kind="lecture", households=[], team_id=team["id"], volunteer_ids=[member["id"] + 99]
    )
    assert officer.post("/api/v1/prevention/activities", json=wrong).status_code == 422


def test_photos_are_checked_stored_and_scoped(login, session: Session, world: World, photo_dir: Path) -> None:
    worker = login("grid_a1")
    activity = worker.post("/api/v1/prevention/activities", json=_activity_json()).json()
    url = f"/api/v1/prevention/activities/{activity['id']}/photos"
    r = worker.post(url, content=PNG, headers={"content-type": "image/png"})
    assert r.status_code == 201, r.text
    photo = r.json()
    assert worker.get(f"{url}/{photo['id']}").content == PNG
    assert len(list(photo_dir.iterdir())) == 1
    r = worker.post(url, content=b"<html>not a photo</html>", headers={"content-type": "image/png"})
    assert r.status_code == 422 and "JPEG 或 PNG" in r.json()["error"]["message"]
    get_settings().prevention_photo_max_bytes = 32
    try:
        assert worker.post(url, content=PNG).status_code == 422
    finally:
        get_settings().prevention_photo_max_bytes = 5_000_000
    assert login("police_b").get(f"{url}/{photo['id']}").status_code == 404
    assert worker.get("/api/v1/prevention/activities").json()["items"][0]["photos"] == 1


def test_station_b_campaign_is_invisible_to_station_a(login, session: Session, world: World) -> None:
    r = login("prevention").post(
        "/api/v1/prevention/campaigns",
        json={
            "title": "全市",
            "grid_codes": [GRID_A1, GRID_B1],
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-30",
        },
    )
    assert r.status_code == 201
    assert login("prevention_a").get("/api/v1/prevention/campaigns").json()["total"] == 1  # covers its grid
    r = login("prevention_a").post(
        "/api/v1/prevention/campaigns",
        json={"title": "越界", "grid_codes": [GRID_B1], "starts_on": "2026-11-01", "ends_on": "2026-11-30"},
    )
    assert r.status_code == 422
    bad = {"title": "倒序", "grid_codes": [GRID_A1], "starts_on": "2026-11-30", "ends_on": "2026-11-01"}
    assert login("prevention_a").post("/api/v1/prevention/campaigns", json=bad).status_code == 422

"""The prevention console: an aiming line becomes a campaign in one action, the campaign's alert goes
to its grid's groups and the push page shows each delivery; registers import whole or not at all; a
grid worker logs a sweep with its households and photo; everything stays in the station's scope."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.core.config import get_settings
from fanzha.core.timeutil import utcnow
from fanzha.prevention.models import Activity, Alert, HouseholdVisit, Photo, Push
from fanzha.prevention.outbox import Limiter, run_outbox
from tests.factories import World
from tests.prevention.factories import GRID_A1, GRID_B1, PNG, cases_at, target_row
from tests.prevention.servers import webhook
from tests.prevention.test_targets_aiming import _csv


def _csrf(client: Any) -> str:
    return str(client.headers["X-CSRF-Token"])


def _count(session: Session, table: Any) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def _group(client: Any, address: str, grid: str = GRID_A1) -> int:
    body = {
        "grid_code": grid,
        "name": "阳光业主群",
        "kind": "owners",
        "platform": "wecom",
        "members": 300,
        "channel": "wecom",
        "address": address,
    }
    r = client.post("/api/v1/prevention/groups", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


@pytest.fixture
def photo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(get_settings(), "prevention_photo_dir", str(tmp_path))
    return tmp_path


def test_aiming_line_to_campaign_to_push_and_delivery(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    cases_at(
        session,
        world.principals["police_a"],
        GRID_A1,
        [1, 3, 5, 40],
        now=now,
        victim_group="elderly",
        fraud_type="impersonate_authority",
    )
    officer = login("prevention_a")
    overview = officer.get("/prevention")
    assert overview.status_code == 200
    assert "阳光社区：老年人冒充公检法及政府机关案件近30天 3 起，环比 +200%（上期 1 起）" in overview.text
    form = {
        "csrf_token": _csrf(officer),
        "grid_code": GRID_A1,
        "fraud_type": "impersonate_authority",
        "audience": "elderly",
    }
    r = officer.post("/prevention/campaigns/from-aim", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    campaign_url = r.headers["location"]
    shown = officer.get(campaign_url)
    assert "阳光社区老年人防范冒充公检法及政府机关专项宣传" in shown.text and "环比 +200%" in shown.text
    assert login("police_b").get(campaign_url).status_code == 404
    with webhook() as hook:
        group = _group(officer, hook.url + "/cgi-bin/webhook/send?key=k1")
        push_form = {
            "csrf_token": _csrf(officer),
            "request_key": "console-test-key-1",
            "title": "警惕冒充公检法",
            "fraud_type": "impersonate_authority",
            "target_group": "elderly",
            "body": "",
            "publish": "on",
            "group_ids": [str(group)],
        }
        r = officer.post(f"{campaign_url}/push", data=push_form, follow_redirects=False)
        assert r.status_code == 303, r.text
        push_url = r.headers["location"]
        again = officer.post(f"{campaign_url}/push", data=push_form, follow_redirects=False)
        assert again.headers["location"] == push_url and _count(session, Alert) == 1
        assert "待发送" in officer.get(push_url).text
        run_outbox(session, now + timedelta(minutes=1), limiter=Limiter())
        delivered = officer.get(push_url).text
    assert "已送达" in delivered and "已发布到反诈频道" in delivered
    assert len(hook.accepted) == 1 and "冒充公检法" in hook.accepted[0]["markdown"]["content"]


def test_push_form_writes_nothing_when_a_group_is_out_of_scope(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    cases_at(
        session,
        world.principals["police_a"],
        GRID_A1,
        [1, 2],
        now=utcnow(),
        victim_group="student",
        fraud_type="rebate_task",
    )
    officer = login("prevention_a")
    form = {
        "csrf_token": _csrf(officer),
        "grid_code": GRID_A1,
        "fraud_type": "rebate_task",
        "audience": "student",
    }
    campaign_url = officer.post("/prevention/campaigns/from-aim", data=form, follow_redirects=False).headers[
        "location"
    ]
    foreign = _group(login("prevention"), "http://127.0.0.1:9/x", GRID_B1)
    push_form = {
        "csrf_token": _csrf(officer),
        "request_key": "console-test-key-2",
        "title": "别刷单",
        "fraud_type": "rebate_task",
        "group_ids": [str(foreign)],
    }
    r = officer.post(f"{campaign_url}/push", data=push_form)
    assert r.status_code == 404 and "不存在或不在您的管辖范围内" in r.text
    assert _count(session, Alert) == 0 and _count(session, Push) == 0


def test_target_register_imports_whole_or_names_the_bad_row(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    officer = login("prevention_a")
    bad = _csv([target_row(), target_row(name="第二校", people="很多")])
    files = {"file": ("targets.csv", bad)}
    r = officer.post("/prevention/targets/import", data={"csrf_token": _csrf(officer)}, files=files)
    assert r.status_code == 422 and "第3行.people" in r.text
    assert "阳光小学" not in officer.get("/prevention/targets").text
    files = {"file": ("targets.csv", _csv([target_row()]))}
    r = officer.post("/prevention/targets/import", data={"csrf_token": _csrf(officer)}, files=files)
    assert r.status_code == 200 and "导入完成" in r.text
    listed = officer.get("/prevention/targets?kind=school").text
    assert "阳光小学" in listed and "138****1111" in listed and "13800001111" not in listed
    assert "阳光小学" not in login("police_b").get("/prevention/targets").text


def test_grid_worker_logs_a_sweep_with_households_and_photo(  # type: ignore[no-untyped-def]
    login, session: Session, world: World, photo_dir: Path
) -> None:
    worker = login("grid_a1")
    form_page = worker.get("/prevention/sweep")
    assert form_page.status_code == 200 and GRID_A1 in form_page.text and GRID_B1 not in form_page.text
    form = {
        "csrf_token": _csrf(worker),
        "kind": "sweep",
        "grid_code": GRID_A1,
        "held_at": "2026-11-28T09:30",
        "place": "阳光小区 3 栋",
        "households": "3栋101\n3栋102\n3栋101\n",
        "reached": "12",
        "staff": "2",
        "target_group": "elderly",
        "unit_name": "阳光社区警格",
        "materials": "折页 20 份",
    }
    bad = worker.post("/prevention/sweep", data={**form, "reached": "十二"}, files={"photo": ("a.png", PNG)})
    assert bad.status_code == 422 and "reached" in bad.text
    assert _count(session, Activity) == 0 and _count(session, Photo) == 0
    r = worker.post("/prevention/sweep", data=form, files={"photo": ("a.png", PNG)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert "阳光小区 3 栋 · 触达 12 人 · 入户 2 · 照片 1" in worker.get(r.headers["location"]).text
    assert _count(session, HouseholdVisit) == 2 and len(list(photo_dir.iterdir())) == 1
    outside = worker.post("/prevention/sweep", data={**form, "grid_code": GRID_B1})
    assert outside.status_code == 422 and "不在您的管辖范围内" in outside.text

"""Coverage, fraud-free grids, the before/after comparison and the bulletin figures, on a built history
whose right answers are worked out by hand in the comments."""

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fanzha.bulletins import service as bulletins
from fanzha.prevention import activities, campaigns, coverage, groups, outbox, targets
from fanzha.prevention.models import Delivery, DeliveryStatus
from fanzha.prevention.schemas import AlertIn, CampaignIn, GroupIn, PushIn
from tests.factories import World
from tests.prevention.factories import GRID_A1, GRID_A2, GRID_B1, NOW, activity_in, cases_at, target_row

WINDOW = (NOW - timedelta(days=30), NOW)


def _group(session: Session, actor: Any, name: str, members: int) -> int:
    data = GroupIn.model_validate({
        "grid_code": GRID_A1, "name": name, "kind": "owners", "platform": "wechat", "members": members,
        "channel": "wecom", "address": "http://127.0.0.1:9/x",
    })  # fmt: skip
    return groups.create_group(session, data, actor).id


def _history(session: Session, world: World) -> None:
    officer = world.principals["prevention_a"]
    targets.import_targets(session, [
        target_row(kind="households", name="住户", people="100"),
        target_row(kind="school", name="阳光小学"),
        target_row(kind="market", name="阳光菜场"),
        target_row(grid_code=GRID_A2, kind="households", name="住户", people="50"),
    ], officer)  # fmt: skip
    listed, _ = targets.list_targets(session, "/", None, 0, 10)
    school = next(t.id for t in listed if t.name == "阳光小学")
    market = next(t.id for t in listed if t.name == "阳光菜场")
    # Two sweeps in the window: households a,b,c then b,c,d → 4 distinct of 100.
    activities.log_activity(
        session, activity_in(households=["a", "b", "c"], reached=30, target_id=school), officer
    )
    later = activity_in(households=["b", "c", "d"], reached=20, held_at=NOW - timedelta(days=5))
    activities.log_activity(session, later, officer)
    # A lecture at the market before the window: counts nowhere in this window.
    lecture = activity_in(kind="lecture", households=[], reached=99, target_id=market, unit_name="甲派出所",
                          held_at=NOW - timedelta(days=40))  # fmt: skip
    activities.log_activity(session, lecture, officer)
    reached, quiet = _group(session, officer, "阳光业主群", 300), _group(session, officer, "阳光家长群", 200)
    alert_in = AlertIn(title="t", fraud_type="rebate_task", node_code=GRID_A1, body="b")
    alert = groups.create_alert(session, alert_in, officer, NOW)
    push_in = PushIn(alert_id=alert.id, group_ids=[reached], request_key="coverage-1")
    push = outbox.request_push(session, push_in,
                               officer, NOW)  # fmt: skip
    for d in session.query(Delivery).filter(Delivery.push_id == push.id):
        d.status, d.sent_at = DeliveryStatus.SENT.value, NOW - timedelta(days=1)
    assert quiet
    # A case in 绿洲 (A2) 20 days ago: A2 is not fraud-free; 阳光 (A1), 翠苑, 和平 are.
    cases_at(session, world.principals["police_a"], GRID_A2, [20])


def test_coverage_equals_hand_computed_values(session: Session, world: World) -> None:
    _history(session, world)
    rows = {r.grid_code: r for r in coverage.grid_coverage(session, "/369900/369901/369901001/", WINDOW)}
    a1 = rows[GRID_A1]
    assert (a1.households, a1.households_swept, a1.swept_share) == (100, 4, 0.04)
    assert (a1.key_places, a1.key_places_covered) == (2, 1)  # school yes, market only before the window
    assert (a1.groups, a1.group_members, a1.groups_reached, a1.members_reached) == (2, 500, 1, 300)
    assert (a1.activities, a1.people_reached) == (2, 50)
    assert a1.activities_per_month == round(2 / (30 / 30.44), 2)
    assert a1.fraud_free is True
    a2 = rows[GRID_A2]
    assert (a2.households, a2.households_swept, a2.swept_share, a2.fraud_free) == (50, 0, 0.0, False)
    units = coverage.unit_activity(session, "/", WINDOW)
    assert [(u.unit_name, u.activities, u.people_reached) for u in units] == [("阳光社区警格", 2, 50)]
    free = [g.code for g in coverage.fraud_free_grids(session, "/", NOW)]
    assert free == [GRID_A1, GRID_B1, "369902001001"]


def test_fraud_free_months_are_configurable(session: Session, world: World, monkeypatch: Any) -> None:
    from fanzha.core.config import get_settings

    cases_at(session, world.principals["police_a"], GRID_A1, [50])
    assert GRID_A1 not in [g.code for g in coverage.fraud_free_grids(session, "/", NOW)]  # 3 months
    monkeypatch.setattr(get_settings(), "prevention_fraud_free_months", 1)
    assert GRID_A1 in [g.code for g in coverage.fraud_free_grids(session, "/", NOW)]


def test_before_after_comparison_against_grids_without_campaign(session: Session, world: World) -> None:
    police = world.principals["police_a"]
    data = CampaignIn(
        title="阳光", grid_codes=[GRID_A1], starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30)
    )
    campaigns.create_campaign(session, data, police)
    anchor = NOW - timedelta(days=10)
    cases_at(session, police, GRID_A1, [12, 13, 14, 15], now=NOW)  # 4 before the anchor
    cases_at(session, police, GRID_A1, [1], now=NOW)  # 1 after
    cases_at(session, police, GRID_A2, [12], now=NOW)  # others: 1 before, 2 after
    cases_at(session, police, GRID_A2, [2, 3], now=NOW)
    effect = coverage.campaign_effect(session, "/", anchor, 10)
    # 阳光 has 150 residents: 4 → 266.667 and 1 → 66.667 per 10,000 (change −200).
    # The other three grids have 150 + 300 + 400 = 850: 1 → 11.765, 2 → 23.529 (change +11.765).
    assert (effect.campaign_grids, effect.other_grids) == (1, 3)
    assert (effect.campaign_before_per_10k, effect.campaign_after_per_10k) == (266.667, 66.667)
    assert (effect.other_before_per_10k, effect.other_after_per_10k) == (11.765, 23.529)
    assert effect.difference_per_10k == round((66.667 - 266.667) - (23.529 - 11.765), 3)
    assert "不能证明" in effect.note


def test_prevention_figures_join_the_bulletin(session: Session, world: World) -> None:
    _history(session, world)
    b = bulletins.bulletin_for(session, world.principals["prevention_a"], "369901001", "2026-11", NOW)
    values = {m.key: m.value for m in b.headline}
    # November: both sweeps (18th, 15th; 30 + 20 reached), 4 households; the lecture was in October.
    assert (values["prevention_activities"], values["prevention_reached"], values["households_swept"]) == (
        2,
        50,
        4,
    )
    assert values["fraud_free_grids"] == 1  # 阳光 only; 绿洲 had a case on 31 October


def test_coverage_api_is_scoped(login, session: Session, world: World) -> None:
    _history(session, world)
    mine = login("prevention_a").get("/api/v1/prevention/coverage", params={"until": NOW.isoformat()}).json()
    assert [g["grid_code"] for g in mine["grids"]] == [GRID_A1, GRID_A2]
    assert mine["fraud_free_grids"] == 1
    theirs = login("police_b").get("/api/v1/prevention/coverage", params={"until": NOW.isoformat()}).json()
    assert [(g["grid_code"], g["activities"]) for g in theirs["grids"]] == [(GRID_B1, 0)]


def test_dashboard_shows_this_months_prevention(client: TestClient, session: Session, world: World) -> None:
    from fanzha.core.timeutil import utcnow
    from tests.web.test_console import HTML, browser_login

    officer = world.principals["prevention_a"]
    activities.log_activity(
        session, activity_in(held_at=utcnow() - timedelta(minutes=5), reached=37), officer
    )
    browser_login(client, "commander")
    panel = client.get("/dashboard/panel", headers=HTML).text
    assert 'id="prevention-panel"' in panel
    assert "<span>覆盖人次</span><b>37</b>" in panel
    assert "<span>扫楼入户（户）</span><b>3</b>" in panel
    assert "<span>无诈警格（个）</span><b>4</b>" in panel

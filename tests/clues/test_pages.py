"""Console pages of clues: the queue's filters and scope, a clue's page (masked value, audited
reveal, timeline by display name, workflow forms that refuse in Chinese and keep what was typed,
reroute by a picked node), the series list and graph page, and the case page's 所属串并案 panel."""

from datetime import timedelta

from sqlalchemy.orm import Session

from fanzha.audit.service import history_of
from fanzha.clues import workflow
from fanzha.clues.schemas import ClueIn
from fanzha.clues.tick import tick
from fanzha.core.timeutil import utcnow
from tests.clues.factories import case_with
from tests.factories import World

HTML = {"Accept": "text/html"}


def _clue(
    session: Session,
    world: World,
    node: str = "369901001001",
    level: str = "1",
    value: str = "13912345678",
    hours_ago: int = 0,
) -> int:
    data = ClueIn(kind="phone", value=value, level=level, node_code=node)  # type: ignore[arg-type]
    at = utcnow() - timedelta(hours=hours_ago)
    return workflow.create_clue(session, data, world.principals["commander"], now=at).id


def _queue_ids(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('<a href="/clues/')[1:]]


def test_queue_filters_by_stage_level_overdue_and_unit_within_the_subtree(
    login, session: Session, world: World
) -> None:  # type: ignore[no-untyped-def]
    urgent = _clue(session, world, level="1", hours_ago=30)  # 24 h to verify: overdue
    slow = _clue(session, world, level="3", value="13900001111")
    other_station = _clue(session, world, node="369901002001", value="13900002222", hours_ago=30)
    tick(session, utcnow())  # overdue ones escalate
    commander = login("commander")
    assert _queue_ids(commander.get("/clues").text) == [str(urgent), str(other_station), str(slow)]
    assert _queue_ids(commander.get("/clues?level=3").text) == [str(slow)]
    assert _queue_ids(commander.get("/clues?overdue=true").text) == [str(urgent), str(other_station)]
    assert _queue_ids(commander.get("/clues?node_code=369901002").text) == [str(other_station)]
    assert _queue_ids(commander.get("/clues?state=verifying").text) == []
    page = commander.get("/clues").text
    assert "data-deadline" in page and "已升级" in page and "139****5678" in page
    police_a = login("police_a")
    assert _queue_ids(police_a.get("/clues").text) == [str(urgent), str(slow)]
    assert police_a.get(f"/clues/{other_station}").status_code == 404
    assert police_a.get("/clues?node_code=369901002").status_code == 404


def test_clue_page_masks_reveals_with_audit_and_walks_the_workflow_in_chinese(
    login, session: Session, world: World
) -> None:  # type: ignore[no-untyped-def]
    clue_id = _clue(session, world)
    police = login("police_a")
    page = police.get(f"/clues/{clue_id}").text
    assert "139****5678" in page and "13912345678" not in page and "研判完成" in page
    analyst = login("analyst")
    assert "13912345678" in analyst.get(f"/clues/{clue_id}?reveal=true").text
    assert "pii.reveal" in [e.action for e in history_of(session, "clue", str(clue_id))]

    refused = police.post(f"/clues/{clue_id}/judge", data={"note": "  "}, headers=HTML)
    assert refused.status_code == 422 and "说明：请填写研判意见" in refused.text
    assert (
        police.post(
            f"/clues/{clue_id}/judge", data={"note": "近一周活跃"}, follow_redirects=False
        ).status_code
        == 303
    )
    refused = police.post(f"/clues/{clue_id}/result", data={"note": "某小区3栋"}, headers=HTML)
    assert refused.status_code == 422 and "结果：请选择核查结果" in refused.text
    assert ">某小区3栋</textarea>" in refused.text  # what was typed comes back
    done = police.post(
        f"/clues/{clue_id}/result", data={"result": "den", "note": "某小区3栋"}, follow_redirects=False
    )
    assert done.status_code == 303
    page = police.get(f"/clues/{clue_id}").text
    assert "已核查" in page and "确认窝点" in page
    for step in ("登记", "研判", "核查结果"):
        assert f"<strong>{step}</strong>" in page
    assert "police_a（甲派出所）" in page  # actors by display name and unit, not user:… ids
    assert "重新核查" in page and "研判完成" not in page


def test_reroute_by_a_node_picked_by_name(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    clue_id = _clue(session, world)
    admin = login("commander")
    choices = admin.get("/clues/route-targets?q=绿洲").text
    assert 'value="369901001002"' in choices and "绿洲社区" in choices
    refused = admin.post(f"/clues/{clue_id}/route", data={"note": "转辖区"}, headers=HTML)
    assert refused.status_code == 422 and "辖区：请搜索并选择改派到的辖区" in refused.text
    assert 'value="转辖区"' in refused.text
    assert (
        admin.post(
            f"/clues/{clue_id}/route", data={"node_code": "369901001002"}, follow_redirects=False
        ).status_code
        == 303
    )
    assert "改派至 绿洲社区" in admin.get(f"/clues/{clue_id}").text


def test_series_pages_and_the_case_panel_name_the_shared_identifiers(
    login, session: Session, world: World
) -> None:  # type: ignore[no-untyped-def]
    first = case_with(session, world, ("bank_account", "6222 0000 1111"))
    second = case_with(session, world, ("bank_account", "6222-0000-1111"), ("phone", "13900005555"))
    third = case_with(session, world, ("phone", "139 0000 5555"))
    alone = case_with(session, world, ("qq", "99887766"))
    analyst = login("analyst")
    panel = analyst.get(f"/series/by-case/{third}").text
    assert "3 起案件" in panel and "电话号码：139****5555" in panel
    series_id = panel.split('href="/series/')[1].split('"')[0]
    assert "尚未与其他案件或线索重合" in analyst.get(f"/series/by-case/{alone}").text
    assert f'hx-get="/series/by-case/{first}"' in analyst.get(f"/cases/{first}").text

    listed = analyst.get("/series").text
    assert f'href="/series/{series_id}"' in listed and "银行账户：6222 **** **** 1111" in listed
    page = analyst.get(f"/series/{series_id}").text
    assert "3 起案件" in page and 'id="series-graph"' in page and "data-chart=" in page
    # The phone is the only link between the third case and the others: a bridging identifier.
    bridges = page.split('id="shared"')[1].split("</ul>")[0]
    assert "桥接</span> 电话号码：139****5555" in bridges
    assert f"/operations/packages/new?series_id={series_id}" in page
    assert login("police_b").get(f"/series/{series_id}").status_code == 404
    assert login("police_b").get(f"/series/by-case/{second}").status_code == 404

"""Target registers import whole or not at all; aiming ranks rising grids and says why."""

import io
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.core.timeutil import utcnow
from fanzha.prevention import aiming
from fanzha.prevention.models import Target
from tests.factories import World
from tests.prevention.factories import GRID_A1, GRID_A2, GRID_B1, NOW, cases_at, target_row
from tests.warnings.factories import add_gazetteer, make_warning

HEADER = ["grid_code", "kind", "name", "people", "contact_name", "contact_phone", "address"]


def _csv(rows: list[dict[str, str]]) -> bytes:
    lines = [",".join(HEADER)] + [",".join(str(r.get(h, "")) for h in HEADER) for r in rows]
    return "\n".join(lines).encode("utf-8-sig")


def _upload(client: TestClient, data: bytes, name: str = "targets.csv"):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/prevention/targets/import", files={"file": (name, data)})


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Target)) or 0


def test_import_creates_then_updates_and_masks_contacts(login, session: Session, world: World) -> None:
    client = login("prevention_a")
    rows = [
        target_row(),
        target_row(kind="households", name="住户", people="420", contact_name="", contact_phone=""),
    ]
    r = _upload(client, _csv(rows))
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 2, "updated": 0}
    r = _upload(client, _csv([target_row(people="700")]))
    assert r.json() == {"created": 0, "updated": 1}
    listed = client.get("/api/v1/prevention/targets", params={"kind": "school"}).json()
    assert listed["total"] == 1
    school = listed["items"][0]
    assert (school["people"], school["grid_name"], school["kind_label"]) == (700, "阳光社区", "学校")
    assert school["contact_phone"] == "138****1111"
    assert "李校长" not in school["contact_name"]


def test_xlsx_import(login, session: Session, world: World) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append([GRID_A2, "senior_university", "绿洲老年大学", 210, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    r = _upload(login("prevention_a"), buffer.getvalue(), "targets.xlsx")
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 1


def test_bad_rows_name_row_and_field_and_write_nothing(login, session: Session, world: World) -> None:
    rows = [
        target_row(),
        target_row(name="光明中学", people="很多"),
        target_row(name="菜场", kind="bazaar"),
        target_row(grid_code=GRID_B1, name="翠苑小学"),
    ]
    r = _upload(login("prevention_a"), _csv(rows))
    assert r.status_code == 422
    fields = {f["field"]: f["message"] for f in r.json()["error"]["fields"]}
    assert fields["第3行.people"] == "必须是整数"
    assert "第4行.kind" in fields
    assert "不在您的管辖范围内" in fields["第5行.grid_code"]
    assert "未写入任何数据" in r.json()["error"]["message"]
    assert _count(session) == 0


def test_missing_column_and_non_grid_are_refused(login, session: Session, world: World) -> None:
    client = login("prevention")
    r = _upload(client, b"grid_code,kind,name\n369901001001,school,x\n")
    assert r.status_code == 422 and "people" in r.json()["error"]["message"]
    r = _upload(client, _csv([target_row(grid_code="369901001000")]))
    assert r.status_code == 422
    r = _upload(client, _csv([target_row(grid_code="369901001"), target_row()]))
    assert r.status_code == 422
    assert "请填写警格" in r.json()["error"]["fields"][0]["message"]
    assert _count(session) == 0


def test_aiming_ranks_rising_elderly_grid_above_steady_one_with_reason(
    session: Session, world: World
) -> None:
    police = world.principals["police_a"]
    elderly = {"fraud_type": "impersonate_authority", "victim_group": "elderly", "victim_age": 71}
    cases_at(session, police, GRID_A1, [2, 5, 9, 20], **elderly)  # 4 now
    cases_at(session, police, GRID_A1, [40], **elderly)  # 1 the 30 days before
    cases_at(session, police, GRID_A2, [3, 6, 10, 21], **elderly)  # 4 now
    cases_at(session, police, GRID_A2, [35, 41, 45, 50], **elderly)  # 4 before: no rise
    lines = aiming.aim(session, "/", NOW)
    assert [(x.grid_code, x.audience, x.fraud_type.value) for x in lines] == [
        (GRID_A1, "elderly", "impersonate_authority")
    ]
    top = lines[0]
    assert (top.rank, top.cases, top.cases_before, top.change_pct, top.score) == (1, 4, 1, 300.0, 3.0)
    assert top.reason.startswith(
        "阳光社区：老年人冒充公检法及政府机关案件近30天 4 起，环比 +300%（上期 1 起）"
    )
    assert "每万人 266.67 起" in top.reason


def test_aiming_orders_by_rise_and_uses_age_band_without_group(session: Session, world: World) -> None:
    police = world.principals["police_a"]
    cases_at(session, police, GRID_A1, [1, 2], fraud_type="rebate_task", victim_group=None, victim_age=19)
    cases_at(session, police, GRID_A2, [1, 2, 3, 4, 5], fraud_type="fake_loan", victim_group="student")
    lines = aiming.aim(session, "/", NOW)
    assert [(x.grid_code, x.audience, x.score) for x in lines] == [
        (GRID_A2, "student", 5.0),
        (GRID_A1, "age:18_23", 2.0),
    ]
    assert "18—23岁刷单返利案件近30天 2 起，环比新出现（上期 0 起）" in lines[1].reason


def test_aiming_counts_warnings_of_the_same_grid_and_the_year_before(session: Session, world: World) -> None:
    add_gazetteer(session, world)
    for _ in range(3):  # 阳光路 12 号: 阳光社区; young mothers, rebate tasks (the item's defaults)
        make_warning(session, world)
    make_warning(session, world, victim_address="测试市东区阳光路150号")  # 绿洲社区: another grid
    now = utcnow() + timedelta(minutes=1)
    police = world.principals["police_a"]
    cases_at(session, police, GRID_A1, [1, 2], now=now, victim_group="young_mother")
    # "other" with an age counts in the age band; a year earlier, in the same 30 days, one such case
    cases_at(session, police, GRID_A1, [3, 4, 370], now=now, victim_group="other", victim_age=70)
    lines = aiming.aim(session, "/", now)
    assert [(x.audience, x.cases, x.cases_before, x.cases_last_year, x.warnings, x.score) for x in lines] == [
        ("young_mother", 2, 0, 0, 3, 2.3),
        ("age:60_plus", 2, 0, 1, 0, 2.0),
    ]
    assert "同期同类预警 3 条" in lines[0].reason
    assert (
        "60岁及以上刷单返利案件近30天 2 起" in lines[1].reason
        and "同比 +100%（上期 1 起）" in lines[1].reason
    )


def test_aiming_is_scoped_to_the_callers_subtree(login, session: Session, world: World) -> None:
    police_b = world.principals["police_b"]
    cases_at(session, police_b, GRID_B1, [1, 2, 3], fraud_type="fake_loan", victim_group="student")
    assert login("prevention").get("/api/v1/prevention/aim").json()[0]["grid_code"] == GRID_B1
    assert login("prevention_a").get("/api/v1/prevention/aim").json() == []
    r = login("prevention_a").get("/api/v1/prevention/aim", params={"node_code": "369901002"})
    assert r.status_code == 422

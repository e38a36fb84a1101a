"""The officers' exam pages: create an exam from the form, read its results, manage the bank."""

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.exams import bank, service
from fanzha.exams.files import write_csv
from fanzha.exams.models import Question
from tests.exams.factories import exam_in, stock_bank
from tests.exams.test_results import _exam_with_sittings
from tests.factories import World


def _csrf(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"csrf_token": client.headers["X-CSRF-Token"]}


def test_officer_creates_an_exam_from_the_form(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    stock_bank(session, world.principals["prevention"])
    officer = login("prevention")
    form = {
        **_csrf(officer),
        "title": "东区高校反诈考试",
        "node_code": "369901",
        "audience": "schools",
        "schools": "东区大学, 1200, 369901001\n东区职院，300",
        "count_single": "2",
        "count_multiple": "1",
        "opens_at": "2026-11-20T08:00",
        "closes_at": "2026-11-30T20:00",
        "time_limit_min": "15",
        "pass_mark": "60",
        "attempts_allowed": "2",
        "identify_by": "student_no",
    }
    r = officer.post("/exams/new", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    shown = officer.get(r.headers["location"])
    assert (
        "东区高校反诈考试" in shown.text
        and "3 题" in shown.text
        and re.search(r'id="exam-code">[A-Z0-9]{6}<', shown.text)
    )
    assert "东区职院" in shown.text and "1200" in shown.text
    bad = officer.post("/exams/new", data={**form, "count_single": "99"})
    assert bad.status_code == 422 and "少于要抽的 99 道" in bad.text
    assert "东区高校反诈考试" in officer.get("/exams").text


def test_results_page_breaks_a_school_down_by_class(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    exam = _exam_with_sittings(session, world)
    page = login("prevention").get(f"/exams/{exam.id}?school=东区大学")
    assert page.status_code == 200
    assert "计科2班" in page.text and "甲派出所" in page.text and "最常答错的题目" in page.text
    assert login("police_b").get(f"/exams/{exam.id}").status_code == 404


def test_bank_page_imports_and_refuses_bad_files_whole(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    officer = login("prevention")
    row = ["", "单选题", "刷单返利", "学生", "易", "草稿", "题干", "甲", "乙", "", "", "", "", "A", "解析"]
    good = write_csv(bank.FILE_COLUMNS, [row])
    r = officer.post("/exams/bank/import", data=_csrf(officer), files={"file": ("q.csv", good, "text/csv")})
    assert r.status_code == 200 and "新增 1 题" in r.text
    bad = write_csv(bank.FILE_COLUMNS, [row, [*row[:13], "Z", "解析"]])
    refused = officer.post(
        "/exams/bank/import", data=_csrf(officer), files={"file": ("q.csv", bad, "text/csv")}
    )
    assert refused.status_code == 422 and "第3行" in refused.text
    assert len(bank.list_questions(session)) == 1
    question = bank.list_questions(session)[0]
    officer.post(f"/exams/bank/{question.id}/status", data={**_csrf(officer), "status": "approved"})
    assert bank.list_questions(session)[0].status == "approved"
    assert login("police_a").get("/exams/bank").status_code == 403


def test_candidate_list_is_masked_scoped_paginated_and_exported(
    login, session: Session, world: World
) -> None:  # type: ignore[no-untyped-def]
    exam = _exam_with_sittings(session, world)  # students 1–3 at 东区大学 (station A), 4 at 东区职院
    page = login("prevention").get(f"/exams/{exam.id}/candidates")
    assert page.status_code == 200 and page.text.count("<tr><td>东区") == 4
    assert page.text.count("<td>*</td>") == 4 and "计科2班" in page.text  # student numbers 1–4, masked
    one_school = login("prevention").get(f"/exams/{exam.id}/candidates", params={"school": "东区职院"})
    assert one_school.text.count("<tr><td>东区") == 1 and "不合格" in one_school.text
    exported = login("prevention").get(f"/exams/{exam.id}/candidates.csv").content.decode("utf-8-sig")
    assert exported.splitlines()[0].startswith("学校,班级,考生（脱敏）") and len(exported.splitlines()) == 5
    assert ",100,合格," in exported and ",*," in exported
    assert login("police_b").get(f"/exams/{exam.id}/candidates").status_code == 404


def test_question_edit_form_adds_a_version_the_running_exam_never_sees(
    login, session: Session, world: World
) -> None:  # type: ignore[no-untyped-def]
    stock_bank(session, world.principals["prevention"])
    exam = service.create_exam(session, exam_in(), world.principals["prevention"])
    question = session.scalars(select(Question).where(Question.code == "S0")).one()
    drawn = question.current_version_id
    officer = login("prevention")
    form = officer.get(f"/exams/bank/{question.id}/edit")
    assert form.status_code == 200 and "当前 v1" in form.text and "先做一单小的试试" in form.text
    fields = {
        **_csrf(officer),
        "kind": "single",
        "fraud_type": "rebate_task",
        "target_group": "students",
        "difficulty": "2",
        "stem": "有人招刷单兼职，先垫付再返佣，怎么办？",
        "options": "先做一单试试\n拒绝并举报\n借钱多做几单",
        "answer": "E",
        "explanation": "刷单就是诈骗。",
    }
    bad = officer.post(f"/exams/bank/{question.id}/edit", data=fields)
    assert bad.status_code == 422 and "answer" in bad.text
    r = officer.post(
        f"/exams/bank/{question.id}/edit", data={**fields, "answer": "B"}, follow_redirects=False
    )
    assert r.status_code == 303
    session.refresh(question)
    assert question.version == 2 and question.current_version_id != drawn
    assert any(drawn in pool for pool in exam.pool)
    assert all(question.current_version_id not in pool for pool in exam.pool)
    assert "有人招刷单兼职" in officer.get("/exams/bank").text


def test_exam_targets_schools_of_preventions_register_by_id(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    from fanzha.prevention import targets
    from tests.prevention.factories import GRID_A1, GRID_B1, target_row

    rows = [target_row(), target_row(grid_code=GRID_B1, name="翠苑小学", people="300")]
    targets.import_targets(session, rows, world.principals["prevention"])
    ids = {t.name: t.id for t in targets.schools(session, "/")}
    stock_bank(session, world.principals["prevention"])
    officer = login("prevention_a")
    shown = officer.get("/exams/new")
    assert "阳光小学（阳光社区 · 640 人）" in shown.text and "翠苑小学" not in shown.text
    form = {
        **_csrf(officer),
        "title": "阳光小学反诈考试",
        "node_code": "369901001",
        "audience": "schools",
        "school_target": str(ids["阳光小学"]),
        "schools": "",
        "count_single": "2",
        "opens_at": "2026-11-20T08:00",
        "closes_at": "2026-11-30T20:00",
        "time_limit_min": "15",
        "pass_mark": "60",
        "attempts_allowed": "1",
        "identify_by": "student_no",
    }
    r = officer.post("/exams/new", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    exam = service.get_exam(
        session, int(r.headers["location"].rsplit("/", 1)[1]), world.principals["prevention_a"]
    )
    assert exam.schools == [
        {"name": "阳光小学", "enrolment": 640, "node_code": GRID_A1, "target_id": ids["阳光小学"]}
    ]
    foreign = officer.post("/exams/new", data={**form, "school_target": str(ids["翠苑小学"])})
    assert foreign.status_code == 422 and "不是本辖区登记的学校" in foreign.text

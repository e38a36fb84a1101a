"""Results: coverage against enrolment, pass rates, averages per school, class and node; the most
often wrong questions and fraud types; what prevention's aiming reads (weak topics)."""

import io
from datetime import datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fanzha.exams import repository as repo
from fanzha.exams import results, service
from fanzha.exams.models import Exam
from tests.exams.factories import NOW, exam_in, join_in, stock_bank
from tests.exams.test_exams import shown_for
from tests.factories import World


def _sit(session: Session, exam: Exam, student_no: str, right: int, at: datetime = NOW, **who: str) -> None:
    """A candidate who answers the first ``right`` questions (by position) right and the rest wrong,
    joining at ``at`` and submitting three minutes later."""
    joined = service.join(session, join_in(exam.code, student_no=student_no, **who), at)
    for item, version, _ in repo.items_with_versions(session, joined.attempt.id):
        wrong = [o for o in range(len(version.options)) if o not in version.answer][:1]
        key = version.answer if item.position <= right else wrong
        service.save_answer(
            session, joined.attempt.id, joined.token, item.position, shown_for(item.order, key), at
        )
    service.submit(session, joined.attempt.id, joined.token, at + timedelta(minutes=3))


def _exam_with_sittings(session: Session, world: World) -> Exam:
    stock_bank(session, world.principals["prevention"])
    exam = service.create_exam(session, exam_in(), world.principals["prevention"])
    _sit(session, exam, "1", 6)  # 100, passes
    _sit(session, exam, "2", 4)  # 66, passes
    _sit(session, exam, "3", 3, class_name="计科2班")  # 50, fails
    _sit(session, exam, "4", 0, school="东区职院")  # 0, fails
    return exam


def test_per_school_and_class_coverage_pass_rate_and_average(session: Session, world: World) -> None:
    exam = _exam_with_sittings(session, world)
    r = results.exam_results(session, exam, school="东区大学")
    assert (r.total.participants, r.total.passed, r.total.enrolment) == (4, 2, 150)
    assert r.total.average == (100 + 66 + 50 + 0) / 4
    by_school = {t.key: t for t in r.schools}
    assert (by_school["东区大学"].participants, by_school["东区大学"].coverage) == (3, 0.03)
    assert by_school["东区职院"].pass_rate == 0.0
    assert [(c.key, c.participants, c.passed) for c in r.classes] == [("计科1班", 2, 2), ("计科2班", 1, 0)]
    names = results.node_names(session, exam.node_path)
    labelled = results.exam_results(session, exam, node_names=names)
    assert {t.label: t.participants for t in labelled.nodes} == {"甲派出所": 3, "东区": 1}


def test_most_often_wrong_questions_and_fraud_types(session: Session, world: World) -> None:
    exam = _exam_with_sittings(session, world)
    r = results.exam_results(session, exam)
    answers = sum(q.answers for q in r.fraud_types)
    assert answers == 4 * 6 and sum(q.wrong for q in r.fraud_types) == 0 + 2 + 3 + 6
    rates = [q.wrong_rate for q in r.questions]
    assert rates == sorted(rates, reverse=True) and r.questions[0].wrong_rate > 0


def test_weak_topics_per_node_in_the_window(session: Session, world: World) -> None:
    exam = _exam_with_sittings(session, world)
    window = (NOW, NOW + timedelta(days=1))
    topics = service.weak_topics(session, world.node("369901").path, window, min_answers=1)
    assert {t.node_path for t in topics} == {world.node("369901001").path, exam.node_path}
    assert sum(t.answers for t in topics) == 24 and sum(t.wrong for t in topics) == 11
    assert "答错率" in topics[0].reason and topics[0].wrong_rate >= topics[-1].wrong_rate
    assert service.weak_topics(session, world.node("369902").path, window, min_answers=1) == []
    assert service.weak_topics(session, world.node("369901").path, (NOW - timedelta(days=2), NOW), 1) == []


def test_results_api_and_exports(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    exam = _exam_with_sittings(session, world)
    officer = login("prevention")
    body = officer.get(f"/api/v1/exams/{exam.id}/results?school=东区大学").json()
    assert body["total"]["participants"] == 4 and len(body["classes"]) == 2
    csv = officer.get(f"/api/v1/exams/{exam.id}/results.csv")
    assert csv.status_code == 200 and "东区职院" in csv.content.decode("utf-8-sig")
    xlsx = officer.get(f"/api/v1/exams/{exam.id}/results.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["参考与合格", "易错题", "诈骗类型"]


def test_with_two_attempts_a_candidate_counts_once(session: Session, world: World) -> None:
    stock_bank(session, world.principals["prevention"])
    exam = service.create_exam(session, exam_in(attempts_allowed=2), world.principals["prevention"])
    _sit(session, exam, "1", 0)
    _sit(session, exam, "1", 6)
    _sit(session, exam, "2", 6)
    total = results.exam_results(session, exam).total
    assert (total.participants, total.passed, total.submissions, total.average) == (2, 2, 3, 200 / 3)

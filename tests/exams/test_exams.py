"""Exams: frozen question pools, draws, save-as-you-go, exact server-side scoring, time limits."""

import random
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from fanzha.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanzha.exams import bank, service
from fanzha.exams import repository as repo
from fanzha.exams.models import Exam, Question, QuestionStatus
from fanzha.exams.schemas import BlueprintItem
from tests.exams.factories import NOW, exam_in, join_in, question, stock_bank
from tests.factories import World


@pytest.fixture
def exam(session: Session, world: World) -> Exam:
    stock_bank(session, world.principals["prevention"])
    return service.create_exam(session, exam_in(), world.principals["prevention"])


def shown_for(order: list[int], wanted: list[int]) -> list[int]:
    """The positions on screen of the original options ``wanted``."""
    return [i for i, original in enumerate(order) if original in wanted]


def answer_all(session: Session, joined: service.Joined, right: bool = True) -> None:
    for item, version, _ in repo.items_with_versions(session, joined.attempt.id):
        key = (
            version.answer
            if right
            else [o for o in range(len(version.options)) if o not in version.answer][:1]
        )
        service.save_answer(
            session, joined.attempt.id, joined.token, item.position, shown_for(item.order, key), NOW
        )


def test_blueprint_needs_enough_approved_questions(session: Session, world: World) -> None:
    stock_bank(session, world.principals["prevention"], per_kind=1)
    with pytest.raises(ValidationFailed) as err:
        service.create_exam(session, exam_in(), world.principals["prevention"])
    assert err.value.fields[0].field == "blueprint.0.count" and "只有 1 道" in err.value.message


def test_draw_follows_the_blueprint_with_shuffled_options(session: Session, exam: Exam) -> None:
    joined = service.join(session, join_in(exam.code), NOW, random.Random(7))
    rows = repo.items_with_versions(session, joined.attempt.id)
    kinds = sorted(kind for _, _, kind in rows)
    assert kinds == ["multiple", "multiple", "scenario", "single", "single", "true_false"]
    assert len({item.question_id for item, _, _ in rows}) == 6
    assert joined.attempt.deadline_at == NOW + timedelta(minutes=20)
    orders = [item.order for item, _, kind in rows if kind != "true_false"]
    assert all(sorted(o) == list(range(4)) for o in orders) and any(o != [0, 1, 2, 3] for o in orders)


def test_full_marks_pass_and_issue_a_certificate(session: Session, exam: Exam) -> None:
    joined = service.join(session, join_in(exam.code), NOW)
    answer_all(session, joined)
    sub = service.submit(session, joined.attempt.id, joined.token, NOW + timedelta(minutes=5))
    assert (sub.correct_count, sub.total, sub.score, sub.passed) == (6, 6, 100, True)
    assert sub.certificate_code and len(sub.certificate_code) == 19


def test_unanswered_and_wrong_fail_without_certificate(session: Session, exam: Exam) -> None:
    joined = service.join(session, join_in(exam.code), NOW)
    answer_all(session, joined, right=False)
    sub = service.submit(session, joined.attempt.id, joined.token, NOW)
    assert (sub.correct_count, sub.score, sub.passed, sub.certificate_code) == (0, 0, False, None)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picked=st.lists(st.sets(st.integers(0, 3)), min_size=4, max_size=4))
def test_multiple_and_scenario_score_only_the_exact_set(
    session: Session, world: World, picked: list[set[int]]
) -> None:
    """Choices for the multiple-choice and scenario items: right only when the set equals the key."""
    with session.begin_nested() as nested:
        stock_bank(session, world.principals["prevention"])
        blueprint = [BlueprintItem(kind="multiple", count=3), BlueprintItem(kind="scenario", count=1)]
        exam = service.create_exam(session, exam_in(blueprint=blueprint), world.principals["prevention"])
        joined = service.join(session, join_in(exam.code), NOW)
        expected = 0
        for (item, version, _), chosen in zip(
            repo.items_with_versions(session, joined.attempt.id), picked, strict=True
        ):
            service.save_answer(
                session,
                joined.attempt.id,
                joined.token,
                item.position,
                shown_for(item.order, sorted(chosen)),
                NOW,
            )
            expected += chosen == set(version.answer)
        sub = service.submit(session, joined.attempt.id, joined.token, NOW)
        assert sub.correct_count == expected and sub.score == expected * 100 // 4
        nested.rollback()


def test_a_batch_of_answers_is_one_update_and_all_or_nothing(session: Session, exam: Exam) -> None:
    joined = service.join(session, join_in(exam.code), NOW)
    items = {item.position: item for item, _, _ in repo.items_with_versions(session, joined.attempt.id)}
    service.save_answer(session, joined.attempt.id, joined.token, 3, [1], NOW)
    updates: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE"):
            updates.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        service.save_answers(session, joined.attempt.id, joined.token, {1: [0], 2: [1, 0], 3: []}, NOW)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(updates) == 1
    session.expire_all()
    chosen = {i.position: i.chosen for i, _, _ in repo.items_with_versions(session, joined.attempt.id)}
    assert chosen[1] == [items[1].order[0]]
    assert chosen[2] == sorted([items[2].order[0], items[2].order[1]])
    assert chosen[3] is None  # cleared
    with pytest.raises(NotFound, match="第 99 题"):
        service.save_answers(session, joined.attempt.id, joined.token, {4: [0], 99: [0]}, NOW)
    with pytest.raises(ValidationFailed, match="选项超出范围"):
        service.save_answers(session, joined.attempt.id, joined.token, {4: [0], 5: [5]}, NOW)
    with pytest.raises(Forbidden):
        service.save_answers(session, joined.attempt.id, "x" * 30, {4: [0]}, NOW)
    session.expire_all()
    assert [i.chosen for i, _, _ in repo.items_with_versions(session, joined.attempt.id)][3:] == [None] * 3


def test_a_second_submission_is_refused(session: Session, exam: Exam) -> None:
    joined = service.join(session, join_in(exam.code), NOW)
    service.submit(session, joined.attempt.id, joined.token, NOW)
    with pytest.raises(Conflict, match="已交卷"):
        service.submit(session, joined.attempt.id, joined.token, NOW)
    with pytest.raises(Conflict, match="已交卷"):
        service.save_answer(session, joined.attempt.id, joined.token, 1, [0], NOW)


def test_attempts_are_limited_and_the_same_candidate_is_recognised(session: Session, exam: Exam) -> None:
    joined = service.join(session, join_in(exam.code), NOW)
    service.submit(session, joined.attempt.id, joined.token, NOW)
    with pytest.raises(Conflict, match="用完本场考试的 1 次"):
        service.join(session, join_in(exam.code.lower(), class_name=" 计科1班 "), NOW)
    other = service.join(session, join_in(exam.code, student_no="2026002"), NOW)
    assert other.attempt.candidate_id != joined.attempt.candidate_id


def test_after_the_time_limit_saves_and_submission_are_refused(session: Session, exam: Exam) -> None:
    joined = service.join(session, join_in(exam.code), NOW)
    deadline = joined.attempt.deadline_at
    with pytest.raises(Conflict, match="超过答题时限"):
        service.save_answer(session, joined.attempt.id, joined.token, 1, [0], deadline + timedelta(seconds=1))
    with pytest.raises(Conflict, match="超过答题时限"):
        service.submit(
            session, joined.attempt.id, joined.token, deadline + timedelta(seconds=service.GRACE_S + 1)
        )
    assert repo.submission_for(session, joined.attempt.id) is None


def test_rejoining_resumes_with_answers_and_retires_the_old_secret(session: Session, exam: Exam) -> None:
    first = service.join(session, join_in(exam.code), NOW)
    service.save_answer(session, first.attempt.id, first.token, 1, [0], NOW)
    again = service.join(session, join_in(exam.code), NOW + timedelta(minutes=1))
    assert again.attempt.id == first.attempt.id
    item = repo.items_with_versions(session, again.attempt.id)[0][0]
    assert item.position == 1 and item.chosen == [item.order[0]]
    with pytest.raises(Forbidden):
        service.save_answer(session, first.attempt.id, first.token, 1, [1], NOW)


def test_join_checks_code_window_school_and_identity(session: Session, exam: Exam) -> None:
    with pytest.raises(Conflict, match="尚未开始"):
        service.join(session, join_in(exam.code), exam.opens_at - timedelta(minutes=1))
    with pytest.raises(Conflict, match="已于"):
        service.join(session, join_in(exam.code), exam.closes_at)
    with pytest.raises(ValidationFailed, match="school"):
        service.join(session, join_in(exam.code, school="别的大学"), NOW)
    with pytest.raises(ValidationFailed, match="student_no"):
        service.join(session, join_in(exam.code, student_no=None, name="张三"), NOW)


def test_editing_a_question_after_the_start_does_not_change_the_exam(
    session: Session, world: World, exam: Exam
) -> None:
    actor = world.principals["prevention"]
    joined = service.join(session, join_in(exam.code), NOW)
    before = {
        item.position: (version.stem, list(version.answer))
        for item, version, _ in repo.items_with_versions(session, joined.attempt.id)
    }
    answer_all(session, joined)
    for q in session.scalars(select(Question)).all():
        bank.edit_question(
            session, q.id, question(code=q.code, kind="single", stem="改过的题干", answer="D"), actor
        )
        bank.set_status(session, q.id, QuestionStatus.RETIRED, actor)
    sub = service.submit(session, joined.attempt.id, joined.token, NOW)
    assert sub.correct_count == 6
    after = {
        item.position: (version.stem, list(version.answer))
        for item, version, _ in repo.items_with_versions(session, joined.attempt.id)
    }
    assert after == before
    late = service.join(session, join_in(exam.code, student_no="2026009"), NOW)
    stems = {version.stem for _, version, _ in repo.items_with_versions(session, late.attempt.id)}
    assert "改过的题干" not in stems and len(stems) >= 3

"""The running tallies (exams.tally) equal the aggregation of the submissions and answers by hand:
per class (a candidate counted once however often they submit), per question, and per node,
fraud type and hour, which weak topics read exactly at any window's ends."""

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.exams import service, tally
from fanzha.exams.models import AttemptItem, ClassTally, Exam, QuestionTally, Submission, TopicTally
from tests.exams.factories import NOW, exam_in, stock_bank
from tests.exams.test_results import _sit
from tests.factories import World

Tallies = tuple[dict[Any, tuple[Any, ...]], dict[Any, tuple[Any, ...]], dict[Any, tuple[Any, ...]]]


def by_hand(session: Session, exam_id: int) -> Tallies:
    """The three tallies computed in Python from the submissions and their answers."""
    subs = session.scalars(select(Submission).where(Submission.exam_id == exam_id)).all()
    rows = session.execute(
        select(AttemptItem.attempt_id, AttemptItem.question_id, AttemptItem.fraud_type, AttemptItem.correct)
    ).all()
    items = defaultdict(list)
    for attempt_id, question_id, fraud_type, correct in rows:
        items[attempt_id].append((question_id, fraud_type, correct))
    who: dict[Any, set[int]] = defaultdict(set)
    passed: dict[Any, set[int]] = defaultdict(set)
    sums: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    questions: dict[Any, list[Any]] = {}
    topics: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    for s in subs:
        key = (s.school, s.class_name)
        who[key].add(s.candidate_id)
        if s.passed:
            passed[key].add(s.candidate_id)
        sums[key][0] += s.score
        sums[key][1] += 1
        hour = int(s.submitted_at.timestamp()) // 3600
        for question_id, fraud_type, correct in items[s.attempt_id]:
            q = questions.setdefault(question_id, [fraud_type, 0, 0])
            q[1] += 1
            q[2] += not correct
            t = topics[(s.node_path, hour, fraud_type)]
            t[0] += 1
            t[1] += not correct
    classes = {k: (len(who[k]), len(passed[k]), *sums[k]) for k in who}
    return (
        classes,
        {k: tuple(v) for k, v in questions.items()},
        {k: tuple(v) for k, v in topics.items()},
    )


def tallied(session: Session, exam_id: int) -> Tallies:
    c, q, t = ClassTally, QuestionTally, TopicTally
    classes = session.execute(
        select(c.school, c.class_name, c.participants, c.passed, c.score_sum, c.submissions).where(
            c.exam_id == exam_id
        )
    )
    questions = session.execute(
        select(q.question_id, q.fraud_type, q.answers, q.wrong).where(q.exam_id == exam_id)
    )
    topics = session.execute(
        select(t.node_path, t.hour, t.fraud_type, t.answers, t.wrong).where(t.exam_id == exam_id)
    )
    return (
        {(r[0], r[1]): tuple(r[2:]) for r in classes},
        {r[0]: tuple(r[1:]) for r in questions},
        {(r[0], r[1], r[2]): tuple(r[3:]) for r in topics},
    )


def _history(session: Session, world: World) -> Exam:
    """Two attempts allowed; submissions spread over four hours, two schools, three classes."""
    stock_bank(session, world.principals["prevention"])
    exam = service.create_exam(session, exam_in(attempts_allowed=2), world.principals["prevention"])
    minutes = timedelta(minutes=1)
    _sit(session, exam, "1", 0, NOW)  # submitted 02:03, fails
    _sit(session, exam, "2", 6, NOW + 50 * minutes)  # 02:53, passes
    _sit(session, exam, "1", 6, NOW + 70 * minutes)  # 03:13, passes on the second attempt
    _sit(session, exam, "3", 2, NOW + 70 * minutes, class_name="计科2班")  # 03:13, fails
    _sit(session, exam, "2", 5, NOW + 180 * minutes)  # 05:03, passes again: still one passed
    _sit(session, exam, "4", 4, NOW + 220 * minutes, school="东区职院")  # 05:43
    return exam


def test_tallies_equal_the_submissions_aggregated_by_hand(session: Session, world: World) -> None:
    exam = _history(session, world)
    classes, questions, topics = tallied(session, exam.id)
    assert (classes, questions, topics) == by_hand(session, exam.id)
    assert classes[("东区大学", "计科1班")][:2] == (2, 2)  # four submissions, two candidates, both passed
    assert len({hour for _, hour, _ in topics}) == 3


def test_rebuild_gives_the_tallies_the_submissions_wrote(session: Session, world: World) -> None:
    exam = _history(session, world)
    written = tallied(session, exam.id)
    tally.rebuild(session, exam.id)
    assert tallied(session, exam.id) == written


def _weak_by_hand(session: Session, path: str, start: datetime, end: datetime) -> dict[Any, tuple[int, int]]:
    found: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    stmt = select(
        Submission.node_path, Submission.submitted_at, AttemptItem.fraud_type, AttemptItem.correct
    ).join(AttemptItem, AttemptItem.attempt_id == Submission.attempt_id)
    for node_path, at, fraud_type, correct in session.execute(stmt):
        if node_path.startswith(path) and start <= at < end:
            found[(node_path, fraud_type)][0] += 1
            found[(node_path, fraud_type)][1] += not correct
    return {k: (n, w) for k, (n, w) in found.items()}


def test_weak_topics_are_exact_at_windows_ending_inside_an_hour(session: Session, world: World) -> None:
    _history(session, world)
    path = world.node("369901").path
    minutes = timedelta(minutes=1)
    windows = [
        (NOW + 2 * minutes, NOW + 190 * minutes),  # partial hour, two whole hours, partial hour
        (NOW + 2 * minutes, NOW + 4 * minutes),  # inside one hour
        (NOW + 223 * minutes, NOW + 224 * minutes),  # starts exactly at a submission
        (NOW + 53 * minutes, NOW + 53 * minutes + timedelta(microseconds=1)),
        (NOW - timedelta(days=1), NOW + timedelta(days=1)),
        (NOW + 60 * minutes, NOW + 180 * minutes),  # whole hours only, the end excluded
    ]
    for start, end in windows:
        got = {
            (t.node_path, t.fraud_type): (t.answers, t.wrong)
            for t in service.weak_topics(session, path, (start, end), 1)
        }
        assert got == _weak_by_hand(session, path, start, end), (start, end)
    assert service.weak_topics(session, world.node("369901001").path, windows[4], 1)

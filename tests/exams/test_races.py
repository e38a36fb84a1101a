"""Races between real connections on committed data: one submission per attempt, one attempt per start.

These tests commit (several connections must see the rows), so they build their own exam
under a city code no other test uses and delete everything they made afterwards.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fanzha.core import db
from fanzha.core.errors import Conflict
from fanzha.core.principal import system_principal
from fanzha.exams import repository as repo
from fanzha.exams import service
from fanzha.exams.models import (
    Attempt,
    AttemptItem,
    Candidate,
    ClassTally,
    Exam,
    Question,
    QuestionTally,
    QuestionVersion,
    Submission,
    TopicTally,
)
from fanzha.jurisdiction import service as jurisdiction
from fanzha.jurisdiction.models import Node
from tests.exams.factories import NOW, exam_in, join_in, stock_bank
from tests.exams.test_exams import shown_for
from tests.exams.test_tally import by_hand, tallied
from tests.race import audit_mark, drop_audit_after, race

CITY = "779800"
SYSTEM = system_principal(name="exam-race-test")


@dataclass
class Committed:
    engine: Engine
    exam_code: str
    exam_id: int


@pytest.fixture
def committed(database_url: str) -> Iterator[Committed]:
    engine = db.make_engine(database_url)
    mark = audit_mark(engine)
    with Session(engine, expire_on_commit=False) as s:
        jurisdiction.import_nodes(
            s,
            [
                {"code": CITY, "name": "考试并发市", "level": 1, "parent_code": None},
                {"code": "779801", "name": "考试并发区", "level": 2, "parent_code": CITY},
            ],
            "t",
        )
        stock_bank(s, SYSTEM, prefix="RACE-")
        exam = service.create_exam(s, exam_in(node_code="779801", schools=[{"name": "东区大学"}]), SYSTEM)
        s.commit()
        code, exam_id = exam.code, exam.id
    try:
        yield Committed(engine, code, exam_id)
    finally:
        with Session(engine) as s:
            attempts = select(Attempt.id).where(Attempt.exam_id == exam_id)
            for tally_model in (ClassTally, QuestionTally, TopicTally):
                s.execute(delete(tally_model).where(tally_model.exam_id == exam_id))
            s.execute(delete(Submission).where(Submission.exam_id == exam_id))
            s.execute(delete(AttemptItem).where(AttemptItem.attempt_id.in_(attempts)))
            s.execute(delete(Attempt).where(Attempt.exam_id == exam_id))
            s.execute(delete(Candidate).where(Candidate.exam_id == exam_id))
            s.execute(delete(Exam).where(Exam.id == exam_id))
            questions = select(Question.id).where(Question.code.like("RACE-%"))
            s.execute(delete(QuestionVersion).where(QuestionVersion.question_id.in_(questions)))
            s.execute(delete(Question).where(Question.code.like("RACE-%")))
            for code in ("779801", CITY):
                s.execute(delete(Node).where(Node.code == code))
            s.commit()
        drop_audit_after(engine, mark)
        engine.dispose()


def _count(engine: Engine, model: type[Submission] | type[Attempt], attempt_or_candidate: Any) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(attempt_or_candidate)) or 0


@pytest.mark.parametrize("racers", [2, 8])
def test_racing_submissions_of_one_attempt_store_exactly_one(committed: Committed, racers: int) -> None:
    with Session(committed.engine, expire_on_commit=False) as s:
        joined = service.join(s, join_in(committed.exam_code, student_no=f"R{racers}"), NOW)
        s.commit()
    results = race(
        racers, lambda s, _: service.submit(s, joined.attempt.id, joined.token, NOW).id, committed.engine
    )
    assert sum(isinstance(r, int) for r in results) == 1
    assert all(isinstance(r, Conflict) and "已交卷" in r.message for r in results if not isinstance(r, int))
    assert _count(committed.engine, Submission, Submission.attempt_id == joined.attempt.id) == 1


def test_racing_joins_of_one_candidate_start_one_attempt(committed: Committed) -> None:
    results = race(
        4,
        lambda s, _: service.join(s, join_in(committed.exam_code, student_no="J1"), NOW).attempt.id,
        committed.engine,
    )
    started = {r for r in results if isinstance(r, int)}
    assert len(started) == 1
    with Session(committed.engine) as s:
        candidates = s.scalars(select(Candidate.id).where(Candidate.identity.like("%|j1"))).all()
    assert len(candidates) == 1
    assert _count(committed.engine, Attempt, Attempt.candidate_id == candidates[0]) == 1


def test_racing_submissions_of_one_class_keep_the_tallies_exact(committed: Committed) -> None:
    sittings = []
    with Session(committed.engine, expire_on_commit=False) as s:
        for n in range(8):
            joined = service.join(s, join_in(committed.exam_code, student_no=f"T{n}"), NOW)
            for item, version, _ in repo.items_with_versions(s, joined.attempt.id)[:n]:
                shown = shown_for(item.order, version.answer)
                service.save_answer(s, joined.attempt.id, joined.token, item.position, shown, NOW)
            sittings.append((joined.attempt.id, joined.token))
        s.commit()
    results = race(8, lambda s, i: service.submit(s, *sittings[i], NOW).passed, committed.engine)
    assert sorted(results) == [False] * 4 + [True] * 4  # 0..7 of 6 right, pass mark 60 %
    with Session(committed.engine) as s:
        classes, questions, topics = tallied(s, committed.exam_id)
        assert (classes, questions, topics) == by_hand(s, committed.exam_id)
    assert classes[("东区大学", "计科1班")] == (8, 4, sum(min(n, 6) * 100 // 6 for n in range(8)), 8)

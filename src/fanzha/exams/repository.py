"""Queries on the exam tables."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, case, func, select, update
from sqlalchemy.orm import Session

from fanzha.core.scope import within
from fanzha.exams.models import (
    Attempt,
    AttemptItem,
    Candidate,
    Exam,
    Question,
    QuestionStatus,
    QuestionVersion,
    Submission,
)


@dataclass(frozen=True)
class PoolQuestion:
    id: int
    version_id: int
    kind: str
    fraud_type: str
    difficulty: int


def approved_questions(session: Session, target_group: str | None) -> list[PoolQuestion]:
    """Approved questions in a stable order (by code); a group's exam also takes 'general' ones."""
    stmt = select(
        Question.id, Question.current_version_id, Question.kind, Question.fraud_type, Question.difficulty
    ).where(Question.status == QuestionStatus.APPROVED.value)
    if target_group:
        stmt = stmt.where(Question.target_group.in_([target_group, "general"]))
    rows = session.execute(stmt.order_by(Question.code))
    return [PoolQuestion(i, v, k, f, d) for i, v, k, f, d in rows if v is not None]


def exams_within(session: Session, path: str) -> Sequence[Exam]:
    return session.scalars(
        select(Exam).where(within(Exam.node_path, path)).order_by(Exam.opens_at.desc())
    ).all()


def exam_by_code(session: Session, code: str) -> Exam | None:
    return session.scalar(select(Exam).where(Exam.code == code))


def candidate_by_identity(session: Session, exam_id: int, identity: str) -> Candidate | None:
    return session.scalar(
        select(Candidate).where(Candidate.exam_id == exam_id, Candidate.identity == identity)
    )


def open_attempt(session: Session, candidate_id: int, now: datetime) -> Attempt | None:
    """The candidate's attempt still running (not submitted, deadline not passed), if any."""
    stmt = (
        select(Attempt)
        .outerjoin(Submission, Submission.attempt_id == Attempt.id)
        .where(Attempt.candidate_id == candidate_id, Attempt.deadline_at > now, Submission.id.is_(None))
        .order_by(Attempt.attempt_no.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def attempt_count(session: Session, candidate_id: int) -> int:
    return (
        session.scalar(select(func.count()).select_from(Attempt).where(Attempt.candidate_id == candidate_id))
        or 0
    )


def version_facts(session: Session, version_ids: Sequence[int]) -> dict[int, tuple[int, str, str, int]]:
    """version id → (question id, kind, fraud type, number of options)."""
    stmt = (
        select(QuestionVersion.id, Question.id, Question.kind, Question.fraud_type, QuestionVersion.options)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(QuestionVersion.id.in_(version_ids))
    )
    return {vid: (qid, kind, ft, len(opts)) for vid, qid, kind, ft, opts in session.execute(stmt)}


@dataclass(frozen=True)
class ToSubmit:
    """What marking an attempt needs from the attempt, its exam and its candidate: plain columns,
    not the exam's row (its pool and blueprint are large JSON that marking does not read)."""

    attempt_id: int
    token_hash: str
    deadline_at: datetime
    submitted: bool
    exam_id: int
    pass_mark: int
    attempts_allowed: int
    candidate_id: int
    school: str
    class_name: str
    node_path: str


def attempt_to_submit(session: Session, attempt_id: int) -> ToSubmit | None:
    """The attempt with what marking needs of its exam and candidate, in one query."""
    stmt = (
        select(
            Attempt.id,
            Attempt.token_hash,
            Attempt.deadline_at,
            Submission.id.is_not(None),
            Exam.id,
            Exam.pass_mark,
            Exam.attempts_allowed,
            Candidate.id,
            Candidate.school,
            Candidate.class_name,
            Candidate.node_path,
        )
        .join(Exam, Exam.id == Attempt.exam_id)
        .join(Candidate, Candidate.id == Attempt.candidate_id)
        .outerjoin(Submission, Submission.attempt_id == Attempt.id)
        .where(Attempt.id == attempt_id)
    )
    row = session.execute(stmt).first()
    if row is None:
        return None
    attempt, token_hash, deadline, submitted, exam, pass_mark, allowed, candidate, school, cls, path = row
    return ToSubmit(
        attempt, token_hash, deadline, bool(submitted), exam, pass_mark, allowed, candidate, school, cls, path
    )


def submission_for(session: Session, attempt_id: int) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.attempt_id == attempt_id))


@dataclass(frozen=True)
class AnswerSlots:
    """What saving a batch of answers needs, in one query: whose attempt, whether it is still
    open, and the shown-to-own option order of each item asked for (by position)."""

    token_hash: str
    deadline_at: datetime
    submitted: bool
    orders: dict[int, list[int]]


def answer_slots(session: Session, attempt_id: int, positions: Sequence[int]) -> AnswerSlots | None:
    """One row per item asked for (one row with no item when none matches); None if no attempt."""
    stmt = (
        select(
            Attempt.token_hash,
            Attempt.deadline_at,
            Submission.id.is_not(None),
            AttemptItem.position,
            AttemptItem.order,
        )
        .outerjoin(Submission, Submission.attempt_id == Attempt.id)
        .outerjoin(
            AttemptItem, and_(AttemptItem.attempt_id == Attempt.id, AttemptItem.position.in_(positions))
        )
        .where(Attempt.id == attempt_id)
    )
    rows = session.execute(stmt).all()
    if not rows:
        return None
    orders = {position: list(order) for *_, position, order in rows if position is not None}
    return AnswerSlots(rows[0][0], rows[0][1], bool(rows[0][2]), orders)


def store_answers(session: Session, attempt_id: int, chosen: dict[int, list[int] | None]) -> None:
    """Write a batch of answers (position → own option indexes, None for none) with one UPDATE."""
    value = case(
        {p: bindparam(None, c, type_=AttemptItem.chosen.type) for p, c in chosen.items()},
        value=AttemptItem.position,
    )
    session.execute(
        update(AttemptItem)
        .where(AttemptItem.attempt_id == attempt_id, AttemptItem.position.in_(list(chosen)))
        .values(chosen=value)
        .execution_options(synchronize_session=False)
    )


def store_marks(session: Session, attempt_id: int, right: list[int]) -> None:
    """Mark every item of an attempt right (its id in ``right``) or wrong, with one UPDATE."""
    session.execute(
        update(AttemptItem)
        .where(AttemptItem.attempt_id == attempt_id)
        .values(correct=AttemptItem.id.in_(right))
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class AnswerKey:
    item_id: int
    question_id: int
    fraud_type: str
    chosen: list[int] | None
    key: list[int]  # of the drawn version


def answers_and_keys(session: Session, attempt_id: int) -> list[AnswerKey]:
    """Each item's answer and the answer key of the version it drew, by position."""
    stmt = (
        select(
            AttemptItem.id,
            AttemptItem.question_id,
            AttemptItem.fraud_type,
            AttemptItem.chosen,
            QuestionVersion.answer,
        )
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(AttemptItem.attempt_id == attempt_id)
        .order_by(AttemptItem.position)
    )
    return [AnswerKey(i, q, ft, c, list(k)) for i, q, ft, c, k in session.execute(stmt)]


def candidate_history(session: Session, candidate_id: int) -> tuple[int, bool]:
    """(submissions so far, whether one passed) of a candidate, whose row is locked until the
    transaction ends: two attempts of one candidate submitting at once are counted in turn."""
    session.execute(select(Candidate.id).where(Candidate.id == candidate_id).with_for_update())
    n, passed = session.execute(
        select(func.count(), func.max(case((Submission.passed.is_(True), 1), else_=0))).where(
            Submission.candidate_id == candidate_id
        )
    ).one()
    return int(n), bool(passed)


def items_with_versions(
    session: Session, attempt_id: int
) -> Sequence[tuple[AttemptItem, QuestionVersion, str]]:
    """Each item of an attempt with the version it drew and the question's kind, by position."""
    stmt = (
        select(AttemptItem, QuestionVersion, Question.kind)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .join(Question, Question.id == AttemptItem.question_id)
        .where(AttemptItem.attempt_id == attempt_id)
        .order_by(AttemptItem.position)
    )
    return [(i, v, k) for i, v, k in session.execute(stmt)]


def answer_keys(session: Session, version_ids: Sequence[int]) -> dict[int, list[int]]:
    stmt = select(QuestionVersion.id, QuestionVersion.answer).where(QuestionVersion.id.in_(version_ids))
    return {vid: list(answer) for vid, answer in session.execute(stmt)}

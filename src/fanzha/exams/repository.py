"""Queries on the exam tables."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
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


def submission_for(session: Session, attempt_id: int) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.attempt_id == attempt_id))


def item_at(session: Session, attempt_id: int, position: int) -> AttemptItem | None:
    return session.scalar(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == position)
    )


def answers_and_keys(session: Session, attempt_id: int) -> list[tuple[int, list[int] | None, list[int]]]:
    """(item id, chosen, answer key of the drawn version) per item."""
    stmt = (
        select(AttemptItem.id, AttemptItem.chosen, QuestionVersion.answer)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(AttemptItem.attempt_id == attempt_id)
        .order_by(AttemptItem.position)
    )
    return [(i, c, list(k)) for i, c, k in session.execute(stmt)]


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

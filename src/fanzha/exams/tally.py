"""Running tallies of submitted exams, added to in the submission's own transaction.

The results page and prevention's weak topics read these small tables instead of aggregating
every answer (two million for 200,000 submissions): per exam, school and class (participants,
passed, score sum, submissions); per exam and question (answers, wrong); per node, hour of
submission, fraud type and exam (answers, wrong). Each submission adds to its rows with one
upsert per table, rows in key order, so racing submissions wait on each other's rows instead of
deadlocking, and the sums stay exact. ``rebuild`` recomputes an exam's tallies from the
submissions (after a bulk insert: the demo, the benchmark).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Table, case, cast, delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fanzha.core.scope import within
from fanzha.core.timeutil import as_utc
from fanzha.exams.models import AttemptItem, ClassTally, QuestionTally, Submission, TopicTally

HOUR_S = 3600
HOUR = timedelta(hours=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def hour_of(moment: datetime) -> int:
    """Hours since 1970-01-01 UTC: the topic tally's time bucket (the hour ``moment`` falls in)."""
    return (as_utc(moment) - EPOCH) // HOUR


def _hour_sql(session: Session, column: Any) -> ColumnElement[int]:
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", column) / HOUR_S), Integer)
    return cast(cast(func.strftime("%s", column), Integer) // HOUR_S, Integer)


@dataclass(frozen=True)
class Answer:
    question_id: int
    fraud_type: str
    correct: bool


@cache
def _upsert_statement(table: Table, dialect: str, adds: tuple[str, ...]) -> tuple[Any, list[str]]:
    """The upsert of ``table``'s rows and its key columns: built once per process, and executed
    with the rows as parameters so that SQLAlchemy compiles it once too."""
    keys = [c.name for c in table.primary_key.columns]
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    upsert = stmt.on_conflict_do_update(
        index_elements=keys, set_={c: table.c[c] + getattr(stmt.excluded, c) for c in adds}
    )
    return upsert, keys


def _upsert(session: Session, model: type[Any], rows: list[dict[str, Any]], adds: list[str]) -> None:
    """Insert ``rows`` (sorted by primary key), or add their ``adds`` columns to the rows there."""
    if not rows:
        return
    table = model.__table__
    assert isinstance(table, Table)
    stmt, keys = _upsert_statement(table, session.get_bind().dialect.name, tuple(adds))
    rows.sort(key=lambda r: tuple(r[k] for k in keys))
    session.execute(stmt, rows)


def record(
    session: Session, submission: Submission, first: bool, first_pass: bool, answers: Iterable[Answer]
) -> None:
    """Add one submission: ``first`` if it is the candidate's first, ``first_pass`` if it is their
    first passing one (with one attempt allowed: always first, first pass when passed)."""
    exam_id, hour = submission.exam_id, hour_of(submission.submitted_at)
    per_question: dict[int, list[Any]] = {}
    per_type: dict[str, list[int]] = {}
    for a in answers:
        per_question[a.question_id] = [a.fraud_type, 1, int(not a.correct)]
        n = per_type.setdefault(a.fraud_type, [0, 0])
        n[0] += 1
        n[1] += int(not a.correct)
    row = {
        "exam_id": exam_id,
        "school": submission.school,
        "class_name": submission.class_name,
        "node_path": submission.node_path,
        "participants": int(first),
        "passed": int(first_pass),
        "score_sum": submission.score,
        "submissions": 1,
    }
    _upsert(session, ClassTally, [row], ["participants", "passed", "score_sum", "submissions"])
    questions = [
        {"exam_id": exam_id, "question_id": q, "fraud_type": ft, "answers": n, "wrong": w}
        for q, (ft, n, w) in per_question.items()
    ]
    _upsert(session, QuestionTally, questions, ["answers", "wrong"])
    topics = [
        {
            "node_path": submission.node_path,
            "hour": hour,
            "fraud_type": ft,
            "exam_id": exam_id,
            "answers": n,
            "wrong": w,
        }
        for ft, (n, w) in per_type.items()
    ]
    _upsert(session, TopicTally, topics, ["answers", "wrong"])


def _wrong() -> ColumnElement[int]:
    return cast(func.sum(case((AttemptItem.correct.is_(False), 1), else_=0)), Integer)


def rebuild(session: Session, exam_id: int) -> None:
    """Recompute one exam's tallies from its submissions and their answers."""
    for model in (ClassTally, QuestionTally, TopicTally):
        session.execute(delete(model).where(model.exam_id == exam_id))
    S, A = Submission, AttemptItem
    passed = func.count(func.distinct(case((S.passed.is_(True), S.candidate_id))))
    classes = (
        select(
            S.exam_id,
            S.school,
            S.class_name,
            func.min(S.node_path),
            func.count(func.distinct(S.candidate_id)),
            passed,
            func.sum(S.score),
            func.count(),
        )
        .where(S.exam_id == exam_id)
        .group_by(S.exam_id, S.school, S.class_name)
    )
    columns = ["exam_id", "school", "class_name", "node_path", "participants", "passed", "score_sum"]
    session.execute(insert(ClassTally).from_select([*columns, "submissions"], classes))
    answered = A.__table__.join(S.__table__, S.attempt_id == A.attempt_id)
    questions = (
        select(A.exam_id, A.question_id, func.min(A.fraud_type), func.count(), _wrong())
        .select_from(answered)
        .where(A.exam_id == exam_id)
        .group_by(A.exam_id, A.question_id)
    )
    names = ["exam_id", "question_id", "fraud_type", "answers", "wrong"]
    session.execute(insert(QuestionTally).from_select(names, questions))
    hour = _hour_sql(session, S.submitted_at)
    topics = (
        select(S.node_path, hour, A.fraud_type, A.exam_id, func.count(), _wrong())
        .select_from(answered)
        .where(A.exam_id == exam_id)
        .group_by(S.node_path, hour, A.fraud_type, A.exam_id)
    )
    names = ["node_path", "hour", "fraud_type", "exam_id", "answers", "wrong"]
    session.execute(insert(TopicTally).from_select(names, topics))


Counts = dict[tuple[str, str], tuple[int, int]]


def _add(into: Counts, rows: Iterable[Any]) -> None:
    for path, fraud_type, n, w in rows:
        before = into.get((path, fraud_type), (0, 0))
        into[(path, fraud_type)] = (before[0] + int(n), before[1] + int(w))


def _answers_between(session: Session, path: str, start: datetime, end: datetime) -> Iterable[Any]:
    """(node path, fraud type, answers, wrong) from the answers themselves, for a part of an hour."""
    S, A = Submission, AttemptItem
    return session.execute(
        select(S.node_path, A.fraud_type, func.count(), _wrong())
        .join(A, A.attempt_id == S.attempt_id)
        .where(within(S.node_path, path), S.submitted_at >= start, S.submitted_at < end)
        .group_by(S.node_path, A.fraud_type)
    )


def topic_counts(session: Session, path: str, window: tuple[datetime, datetime]) -> Counts:
    """(node path, fraud type) → (answers, wrong) for the submissions in ``window`` in ``path``'s
    subtree: whole hours from the tally, the partial hours at either end from the answers."""
    start, end = as_utc(window[0]), as_utc(window[1])
    first, last = -((EPOCH - start) // HOUR), hour_of(end)  # first whole hour, hour of the end
    found: Counts = {}
    if first >= last:
        _add(found, _answers_between(session, path, start, end))
        return found
    T = TopicTally
    tallied = (
        select(T.node_path, T.fraud_type, func.sum(T.answers), func.sum(T.wrong))
        .where(within(T.node_path, path), T.hour >= first, T.hour < last)
        .group_by(T.node_path, T.fraud_type)
    )
    _add(found, session.execute(tallied))
    _add(found, _answers_between(session, path, start, EPOCH + first * HOUR))
    _add(found, _answers_between(session, path, EPOCH + last * HOUR, end))
    return found

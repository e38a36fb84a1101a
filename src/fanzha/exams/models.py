"""Exam tables: the versioned question bank, exams, candidates, attempts, answers, submissions.

A question's wording lives in versions: editing a question adds a version, and an attempt's
items point at the version they drew, so a running or finished exam never changes under it.
"One submission per attempt" is a unique key on ``exam_submissions.attempt_id``: two racing
submits both try to insert and the database lets exactly one through.
"""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fanzha.core.db import Base, node_path_type
from fanzha.core.labels import LabelledEnum
from fanzha.core.timeutil import utcnow
from fanzha.jurisdiction.models import Node


class QuestionKind(LabelledEnum):
    SINGLE = "single", "单选题"
    MULTIPLE = "multiple", "多选题"
    TRUE_FALSE = "true_false", "判断题"
    SCENARIO = "scenario", "情景题"


class TargetGroup(LabelledEnum):
    STUDENTS = "students", "学生"
    ELDERLY = "elderly", "老年人"
    GENERAL = "general", "普通群众"
    STAFF = "staff", "银行/运营商员工"


class QuestionStatus(LabelledEnum):
    DRAFT = "draft", "草稿"
    APPROVED = "approved", "已审核"
    RETIRED = "retired", "已停用"


class Audience(LabelledEnum):
    SCHOOLS = "schools", "指定学校"
    SUBTREE = "subtree", "辖区（含下级）"
    PUBLIC = "public", "面向社会公开"


DIFFICULTY_LABELS = {1: "易", 2: "中", 3: "难"}

AUDIT_LABELS = {
    "exam_question.create": "新增题目",
    "exam_question.edit": "修改题目（新版本）",
    "exam_question.status": "变更题目状态",
    "exam_question.import": "导入题目",
    "exam.create": "创建考试",
    "exam.close": "结束考试",
}


class Question(Base):
    """A question's identity and classification; its wording is in ``QuestionVersion``."""

    __tablename__ = "exam_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    fraud_type: Mapped[str] = mapped_column(String(40), index=True)
    target_group: Mapped[str] = mapped_column(String(20))
    difficulty: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=QuestionStatus.DRAFT.value, index=True)
    current_version_id: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuestionVersion(Base):
    """The wording of a question as it was at one edit; never updated once written."""

    __tablename__ = "exam_question_versions"
    __table_args__ = (UniqueConstraint("question_id", "version", name="uq_exam_question_versions_qv"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("exam_questions.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON)
    answer: Mapped[list[int]] = mapped_column(JSON)  # indexes into options, ascending
    explanation: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class Exam(Base):
    __tablename__ = "exams"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    node_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction_nodes.id"))
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    audience: Mapped[str] = mapped_column(String(20))
    # [{"name": "某某大学", "enrolment": 12000, "node_code": "…"}] until prevention's register of schools.
    schools: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    target_group: Mapped[str | None] = mapped_column(String(20))
    # [{"kind": …|None, "fraud_type": …|None, "difficulty": 1-3|None, "count": n}]
    blueprint: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    # Per blueprint item, the question versions it draws from, frozen when the exam is created:
    # later edits and retirements in the bank do not reach a running exam.
    pool: Mapped[list[list[int]]] = mapped_column(JSON)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    time_limit_s: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[int] = mapped_column(Integer)  # percent
    attempts_allowed: Mapped[int] = mapped_column(Integer, default=1)
    identify_by: Mapped[str] = mapped_column(String(20), default="student_no")
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))

    node: Mapped[Node] = relationship(lazy="joined")


class Candidate(Base):
    """Someone who joined an exam without an account: school, class and student number (or name)."""

    __tablename__ = "exam_candidates"
    __table_args__ = (UniqueConstraint("exam_id", "identity", name="uq_exam_candidates_identity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id"))
    identity: Mapped[str] = mapped_column(String(300))
    school: Mapped[str] = mapped_column(String(100))
    class_name: Mapped[str] = mapped_column(String(60))
    student_no: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(60))
    node_path: Mapped[str] = mapped_column(node_path_type())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attempt(Base):
    """One sitting; ``token_hash`` is the hash of the secret held in the candidate's cookie."""

    __tablename__ = "exam_attempts"
    __table_args__ = (UniqueConstraint("candidate_id", "attempt_no", name="uq_exam_attempts_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("exam_candidates.id"))
    attempt_no: Mapped[int] = mapped_column(Integer)
    token_hash: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    deadline_at: Mapped[datetime]


class AttemptItem(Base):
    """A drawn question in an attempt: the version, the shuffled option order and the answer so far."""

    __tablename__ = "exam_attempt_items"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position", name="uq_exam_attempt_items_pos"),
        Index("ix_exam_attempt_items_wrong", "exam_id", "correct", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempts.id"))
    exam_id: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(ForeignKey("exam_question_versions.id"))
    fraud_type: Mapped[str] = mapped_column(String(40))
    order: Mapped[list[int]] = mapped_column(JSON)  # shown option i is original option order[i]
    chosen: Mapped[list[int] | None] = mapped_column(JSON)  # original option indexes
    correct: Mapped[bool | None] = mapped_column(Boolean)


class Submission(Base):
    """The scored end of an attempt: at most one per attempt (unique key), written once."""

    __tablename__ = "exam_submissions"
    __table_args__ = (
        Index("ix_exam_submissions_results", "exam_id", "school", "class_name", "passed", "score"),
        Index("ix_exam_submissions_path", "node_path", "submitted_at"),
        Index("ix_exam_submissions_time", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempts.id"), unique=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id"))
    candidate_id: Mapped[int] = mapped_column(Integer, index=True)
    school: Mapped[str] = mapped_column(String(100))
    class_name: Mapped[str] = mapped_column(String(60))
    node_path: Mapped[str] = mapped_column(node_path_type())
    submitted_at: Mapped[datetime]
    correct_count: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)  # percent, rounded down
    passed: Mapped[bool] = mapped_column(Boolean)
    certificate_code: Mapped[str | None] = mapped_column(String(32), unique=True)


# --- running tallies (exams.tally): added to by each submission in its own transaction --------


class ClassTally(Base):
    """Per exam, school and class: what the results page shows, summed over its rows. A candidate
    counts once in ``participants`` (first submission) and once in ``passed`` (first pass)."""

    __tablename__ = "exam_class_tallies"

    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id"), primary_key=True)
    school: Mapped[str] = mapped_column(String(100), primary_key=True)
    class_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    node_path: Mapped[str] = mapped_column(node_path_type())
    participants: Mapped[int] = mapped_column(Integer)
    passed: Mapped[int] = mapped_column(Integer)
    score_sum: Mapped[int] = mapped_column(Integer)
    submissions: Mapped[int] = mapped_column(Integer)


class QuestionTally(Base):
    """Per exam and question: answers in submitted attempts and how many were wrong."""

    __tablename__ = "exam_question_tallies"

    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fraud_type: Mapped[str] = mapped_column(String(40))
    answers: Mapped[int] = mapped_column(Integer)
    wrong: Mapped[int] = mapped_column(Integer)


class TopicTally(Base):
    """Per node of the candidates' schools, hour of submission (hours since 1970-01-01 UTC),
    fraud type and exam: answers and wrong answers, which prevention's aiming reads."""

    __tablename__ = "exam_topic_tallies"

    node_path: Mapped[str] = mapped_column(node_path_type(), primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    fraud_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id"), primary_key=True)
    answers: Mapped[int] = mapped_column(Integer)
    wrong: Mapped[int] = mapped_column(Integer)

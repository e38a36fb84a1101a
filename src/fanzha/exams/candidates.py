"""The per-candidate list of an exam for officers: who sat it, how often, their best score —
limited to the candidates whose school sits in the officer's subtree, identities masked."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, case, func, select
from sqlalchemy.orm import Session

from fanzha.audit.pii import PiiKind, masked
from fanzha.core.principal import Principal
from fanzha.core.scope import within
from fanzha.core.timeutil import format_local
from fanzha.exams.files import write_csv
from fanzha.exams.models import Candidate, Exam, Submission

COLUMNS = ["学校", "班级", "考生（脱敏）", "交卷次数", "最高分", "是否合格", "最近交卷时间"]


@dataclass(frozen=True)
class CandidateRow:
    school: str
    class_name: str
    who: str
    submissions: int
    best_score: int | None
    passed: bool
    last_submitted: datetime | None


def candidate_rows(
    session: Session, exam: Exam, actor: Principal, school: str | None, offset: int, limit: int | None
) -> tuple[list[CandidateRow], int]:
    """One row per candidate of ``exam`` in the actor's subtree (of ``school`` if given), by school,
    class and join order; the student number or name is masked."""
    where = [Candidate.exam_id == exam.id, within(Candidate.node_path, actor.scope_path)]
    if school:
        where.append(Candidate.school == school)
    total = session.scalar(select(func.count()).select_from(Candidate).where(*where)) or 0
    passed = func.max(case((Submission.passed.is_(True), 1), else_=0)).cast(Integer)
    stmt = (
        select(
            Candidate,
            func.count(Submission.id),
            func.max(Submission.score),
            passed,
            func.max(Submission.submitted_at),
        )
        .outerjoin(Submission, Submission.candidate_id == Candidate.id)
        .where(*where)
        .group_by(Candidate.id)
        .order_by(Candidate.school, Candidate.class_name, Candidate.id)
        .offset(offset)
        .limit(limit)
    )
    rows = []
    for c, n, best, ok, last in session.execute(stmt):
        shown = masked({"no": (PiiKind.ID_NUMBER, c.student_no), "name": (PiiKind.NAME, c.name)})
        rows.append(
            CandidateRow(
                c.school,
                c.class_name,
                shown["no"] or shown["name"] or "",
                int(n),
                None if best is None else int(best),
                bool(ok),
                last,
            )
        )
    return rows, int(total)


def export_csv(rows: list[CandidateRow]) -> bytes:
    table = [
        [
            r.school,
            r.class_name,
            r.who,
            r.submissions,
            "" if r.best_score is None else r.best_score,
            "合格" if r.passed else "不合格",
            format_local(r.last_submitted),
        ]
        for r in rows
    ]
    return write_csv(COLUMNS, table)

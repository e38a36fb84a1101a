"""Exam figures for bulletins: participants, those who passed, and the enrolment they cover.

Definitions: docs/bulletins.md ("Exams"). A candidate counts in the period of their submission,
at the node of their school (the exam's node where the school names none), once however often
they submitted; the enrolment is the schools' of every exam open during the period, counted at
the same nodes, so participants ÷ enrolment is the period's coverage.
"""

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fanzha.core.query import Measures, Split
from fanzha.exams.models import Exam, Submission
from fanzha.jurisdiction import service as jurisdiction

NAMES = ["exam_participants", "exam_passed", "exam_enrolment"]


def measures(session: Session, split: Split) -> Measures:
    group, window = split.group_of(Submission.node_path), split.window_of(Submission.submitted_at)
    passed = func.count(func.distinct(case((Submission.passed.is_(True), Submission.candidate_id))))
    stmt = (
        select(group, window, func.count(func.distinct(Submission.candidate_id)), passed)
        .where(split.where(Submission.node_path, Submission.submitted_at))
        .group_by(group, window)
    )
    found = split.collect(session.execute(stmt), NAMES[:2])
    for slot, values in _enrolment(session, split).items():
        found.setdefault(slot, {}).update(values)
    return found


def _enrolment(session: Session, split: Split) -> Measures:
    """Per window: the enrolment of the schools of the exams open in it, under each child."""
    start, end = split.windows[0][0], split.windows[-1][1]
    exams = session.scalars(select(Exam).where(Exam.opens_at < end, Exam.closes_at > start)).all()
    codes = {str(s["node_code"]) for e in exams for s in e.schools if s.get("node_code")}
    paths = {code: node.path for code, node in jurisdiction.nodes_by_codes(session, sorted(codes)).items()}
    heads = [path for _, path in split.children]
    totals: dict[tuple[str, int], int] = {}
    for index, (a, b) in enumerate(split.windows):
        for exam in (e for e in exams if e.opens_at < b and e.closes_at > a):
            for school in exam.schools:
                path = paths.get(str(school.get("node_code") or ""), exam.node_path)
                if not path.startswith(split.path):
                    continue
                head = next((h for h in heads if path.startswith(h)), split.path)
                totals[(head, index)] = totals.get((head, index), 0) + int(str(school["enrolment"]))
    return split.collect([(head, index, n) for (head, index), n in totals.items()], NAMES[2:])

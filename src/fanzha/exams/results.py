"""Results: who was reached and what they still get wrong, per exam, school, class and jurisdiction node.

Definitions (docs/exams.md): *participants* are candidates with at least one submission;
*passed* are candidates with at least one passing submission; *coverage* is participants over
the enrolment the organiser entered for the school; the *average score* is over submissions; a
question's or fraud type's *wrong rate* is wrong answers over answers in submitted attempts.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from fanzha.core.vocab import FraudType
from fanzha.exams.models import ClassTally, Exam, Question, QuestionTally, QuestionVersion
from fanzha.exams.schemas import ResultsOut, TallyOut, WrongOut


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    participants: int
    passed: int
    score_sum: int
    submissions: int
    enrolment: int | None = None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.participants if self.participants else None

    @property
    def average(self) -> float | None:
        return self.score_sum / self.submissions if self.submissions else None

    @property
    def coverage(self) -> float | None:
        return self.participants / self.enrolment if self.enrolment else None


@dataclass(frozen=True)
class WrongLine:
    """A question or a fraud type, with how often it was answered wrong."""

    key: str
    label: str
    fraud_type: str
    answers: int
    wrong: int

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.answers if self.answers else 0.0

    @property
    def fraud_type_label(self) -> str:
        return FraudType(self.fraud_type).label


@dataclass(frozen=True)
class ExamResults:
    exam: Exam
    total: Tally
    schools: list[Tally]
    classes: list[Tally]  # of the chosen school, or empty
    nodes: list[Tally]  # per node path where candidates' schools sit
    questions: list[WrongLine]  # most often wrong first
    fraud_types: list[WrongLine]


def _tallies(
    session: Session,
    exam: Exam,
    *group: InstrumentedAttribute[str],
    where: tuple[ColumnElement[bool], ...] = (),
) -> list[tuple[object, ...]]:
    """(group values…, participants, passed, score sum, submissions) per group, summed from the
    exam's running tally per school and class (exams.tally; a few hundred rows, not the submissions)."""
    t = ClassTally
    sums = (func.sum(t.participants), func.sum(t.passed), func.sum(t.score_sum), func.sum(t.submissions))
    stmt = select(*group, *sums).where(t.exam_id == exam.id, *where).group_by(*group)
    return [tuple(row) for row in session.execute(stmt) if row[-1]]


def _tally(key: str, label: str, row: tuple[object, ...], enrolment: int | None = None) -> Tally:
    participants, passed, score_sum, submissions = (int(str(v)) for v in row[-4:])
    return Tally(key, label, participants, passed, score_sum, submissions, enrolment)


def _wrong_questions(session: Session, exam_id: int, limit: int) -> list[WrongLine]:
    t = QuestionTally
    stmt = (
        select(Question.code, QuestionVersion.stem, t.fraud_type, t.answers, t.wrong)
        .join(Question, Question.id == t.question_id)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(t.exam_id == exam_id)
        .order_by((t.wrong * 1.0 / t.answers).desc(), Question.code)
    )
    rows = session.execute(stmt).all()
    return [WrongLine(code, stem, ft, int(n), int(w)) for code, stem, ft, n, w in rows][:limit]


def _by_fraud_type(lines: list[WrongLine]) -> list[WrongLine]:
    sums: dict[str, tuple[int, int]] = {}
    for line in lines:
        answers, wrong = sums.get(line.fraud_type, (0, 0))
        sums[line.fraud_type] = (answers + line.answers, wrong + line.wrong)
    found = [WrongLine(ft, FraudType(ft).label, ft, n, w) for ft, (n, w) in sums.items()]
    return sorted(found, key=lambda x: (-x.wrong_rate, x.key))


def exam_results(
    session: Session,
    exam: Exam,
    school: str | None = None,
    node_names: dict[str, str] | None = None,
    questions: int = 10,
) -> ExamResults:
    """Every figure of an exam's results page; ``school`` also breaks that school down by class."""
    total_rows = _tallies(session, exam)
    total = (
        _tally("total", exam.title, total_rows[0]) if total_rows else Tally("total", exam.title, 0, 0, 0, 0)
    )
    enrolment = {str(s["name"]): int(str(s.get("enrolment") or 0)) or None for s in exam.schools}
    total = Tally(**{**total.__dict__, "enrolment": sum(v or 0 for v in enrolment.values()) or None})
    seen = {str(r[0]): r for r in _tallies(session, exam, ClassTally.school)}
    names = list(enrolment) + sorted(set(seen) - set(enrolment))
    schools = [
        _tally(n, n, seen[n], enrolment.get(n)) if n in seen else Tally(n, n, 0, 0, 0, 0, enrolment.get(n))
        for n in names
    ]
    classes = []
    if school:
        rows = _tallies(session, exam, ClassTally.class_name, where=(ClassTally.school == school,))
        classes = sorted((_tally(str(r[0]), str(r[0]), r) for r in rows), key=lambda t: t.key)
    labels = node_names or {}
    nodes = [
        _tally(str(r[0]), _node_label(str(r[0]), labels), r)
        for r in _tallies(session, exam, ClassTally.node_path)
    ]
    all_questions = _wrong_questions(session, exam.id, limit=10_000)
    return ExamResults(
        exam,
        total,
        schools,
        classes,
        sorted(nodes, key=lambda t: t.key),
        all_questions[:questions],
        _by_fraud_type(all_questions),
    )


def node_names(session: Session, path: str) -> dict[str, str]:
    """Node code → name in the subtree (the results label nodes by name)."""
    from fanzha.jurisdiction import service as jurisdiction

    return {str(r["code"]): str(r["name"]) for r in jurisdiction.export_rows(session, path)}


def _node_label(path: str, names: dict[str, str]) -> str:
    code = path.rstrip("/").rsplit("/", 1)[-1]
    return names.get(code, code)


TALLY_COLUMNS = ["范围", "名称", "应考人数", "参考人数", "覆盖率", "合格人数", "合格率", "平均分", "交卷份数"]
WRONG_COLUMNS = ["题目编号", "题目", "诈骗类型", "作答次数", "答错次数", "答错率"]


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def tally_rows(scope: str, tallies: list[Tally]) -> list[list[object]]:
    return [
        [
            scope,
            t.label,
            t.enrolment or "",
            t.participants,
            _pct(t.coverage),
            t.passed,
            _pct(t.pass_rate),
            "" if t.average is None else f"{t.average:.1f}",
            t.submissions,
        ]
        for t in tallies
    ]


def wrong_rows(lines: list[WrongLine]) -> list[list[object]]:
    return [
        [w.key, w.label, FraudType(w.fraud_type).label, w.answers, w.wrong, _pct(w.wrong_rate)] for w in lines
    ]


def export_file(session: Session, r: ExamResults, fmt: str) -> bytes:
    """CSV: one table of the exam, its schools, nodes and classes; XLSX adds the wrong-answer sheets."""
    from fanzha.exams.files import write_csv, write_xlsx_sheets

    rows = _tallies(session, r.exam, ClassTally.school, ClassTally.class_name)
    classes = [_tally(f"{row[0]}|{row[1]}", f"{row[0]} {row[1]}", row) for row in rows]
    table = tally_rows("全部", [r.total]) + tally_rows("学校", r.schools) + tally_rows("辖区", r.nodes)
    table += tally_rows("班级", sorted(classes, key=lambda t: t.key))
    if fmt == "csv":
        return write_csv(TALLY_COLUMNS, table)
    return write_xlsx_sheets(
        [
            ("参考与合格", TALLY_COLUMNS, table),
            ("易错题", WRONG_COLUMNS, wrong_rows(r.questions)),
            ("诈骗类型", WRONG_COLUMNS, wrong_rows(r.fraud_types)),
        ]
    )


def _tally_out(t: Tally) -> TallyOut:
    return TallyOut(
        key=t.key,
        label=t.label,
        enrolment=t.enrolment,
        participants=t.participants,
        passed=t.passed,
        submissions=t.submissions,
        coverage=t.coverage,
        pass_rate=t.pass_rate,
        average_score=t.average,
    )


def _wrong_out(w: WrongLine) -> WrongOut:
    return WrongOut(
        key=w.key,
        label=w.label,
        fraud_type=w.fraud_type,
        answers=w.answers,
        wrong=w.wrong,
        wrong_rate=w.wrong_rate,
    )


def to_out(r: ExamResults) -> ResultsOut:
    return ResultsOut(
        exam_id=r.exam.id,
        total=_tally_out(r.total),
        schools=[_tally_out(t) for t in r.schools],
        classes=[_tally_out(t) for t in r.classes],
        nodes=[_tally_out(t) for t in r.nodes],
        questions=[_wrong_out(w) for w in r.questions],
        fraud_types=[_wrong_out(w) for w in r.fraud_types],
    )

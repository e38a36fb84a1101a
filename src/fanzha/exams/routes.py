"""/api/v1/exams: the question bank and exams for officers; /api/v1/public/exams for candidates.

Candidates have no account: joining returns an attempt id and a secret, which every later
call carries in the ``X-Exam-Token`` header (the public pages keep it in a cookie instead).
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Header, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from fanzha.accounts.deps import DbSession, requires
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.timeutil import utcnow
from fanzha.exams import bank, results, service
from fanzha.exams.ratelimit import check_join_rate
from fanzha.exams.schemas import (
    AnswerIn,
    AnswersIn,
    ExamIn,
    ExamOut,
    JoinIn,
    QuestionIn,
    QuestionOut,
    QuestionStatusIn,
    ResultsOut,
)

router = APIRouter(prefix="/exams", tags=["exams"])
public_router = APIRouter(prefix="/public/exams", tags=["exams"])

Writer = Annotated[Principal, Depends(requires(Perm.PREVENTION_WRITE))]
Reader = Annotated[Principal, Depends(requires(Perm.STATS_READ))]
FileFormat = Literal["csv", "xlsx"]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(content: bytes, fmt: FileFormat, name: str) -> Response:
    """A file the browser saves; ``name`` is ASCII so every browser keeps it."""
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return Response(content, media_type=MEDIA[fmt], headers=headers)


@router.get("/questions", summary="题库（当前版本；可按诈骗类型、状态筛选）")
def list_questions(
    session: DbSession, actor: Writer, fraud_type: str | None = None, status: str | None = None
) -> list[QuestionOut]:
    return bank.list_questions(session, fraud_type, status)


@router.post("/questions", status_code=201, summary="新增题目")
def create_question(data: QuestionIn, session: DbSession, actor: Writer) -> QuestionOut:
    return bank.question_out(session, bank.create_question(session, data, actor).id)


@router.get("/questions/export.{fmt}", summary="导出题库（CSV/XLSX，与导入格式相同）")
def export_questions(fmt: FileFormat, session: DbSession, actor: Writer) -> Response:
    return download(bank.export_file(session, fmt), fmt, "exam-questions")


@router.post("/questions/import", summary="导入题库（CSV/XLSX；任一行有错则整批不写入）")
def import_questions(
    file: Annotated[UploadFile, File(description="题库文件（CSV 或 XLSX，列同导出文件）")],
    session: DbSession,
    actor: Writer,
) -> dict[str, int]:
    # A plain def runs in the thread pool: the import's queries never hold the event loop.
    return bank.import_file(session, file.file.read(), file.filename or "questions.csv", actor)


@router.get("/questions/{question_id}", summary="题目详情（当前版本）")
def get_question(question_id: int, session: DbSession, actor: Writer) -> QuestionOut:
    return bank.question_out(session, question_id)


@router.put("/questions/{question_id}", summary="修改题目（措辞改变时生成新版本，已开考的考试不受影响）")
def edit_question(question_id: int, data: QuestionIn, session: DbSession, actor: Writer) -> QuestionOut:
    return bank.question_out(session, bank.edit_question(session, question_id, data, actor).id)


@router.post("/questions/{question_id}/status", summary="审核或停用题目")
def question_status(
    question_id: int, data: QuestionStatusIn, session: DbSession, actor: Writer
) -> QuestionOut:
    return bank.question_out(session, bank.set_status(session, question_id, data.status, actor).id)


@router.post("", status_code=201, summary="创建考试（按组卷规则从已审核题目中固定题池）")
def create_exam(data: ExamIn, session: DbSession, actor: Writer) -> ExamOut:
    return service.exam_out(service.create_exam(session, data, actor))


@router.get("", summary="本辖区的考试")
def list_exams(session: DbSession, actor: Reader) -> list[ExamOut]:
    return [service.exam_out(e) for e in service.exams_for(session, actor)]


@router.get("/{exam_id}", summary="考试详情")
def get_exam(exam_id: int, session: DbSession, actor: Reader) -> ExamOut:
    return service.exam_out(service.get_exam(session, exam_id, actor))


@router.post("/{exam_id}/close", summary="提前结束考试")
def close_exam(exam_id: int, session: DbSession, actor: Writer) -> ExamOut:
    return service.exam_out(service.close_exam(session, exam_id, actor))


# --- candidates ----------------------------------------------------------------------------


class JoinOut(BaseModel):
    attempt_id: int
    token: str
    deadline_at: str
    questions: int


class SubmissionOut(BaseModel):
    score: int
    correct_count: int
    total: int
    passed: bool
    certificate_code: str | None


Token = Annotated[str, Header(alias="X-Exam-Token", min_length=8, max_length=100)]


@public_router.post("/join", summary="考生加入考试（考试码 + 学校、班级、学号或姓名）")
def join(data: JoinIn, request: Request, session: DbSession) -> JoinOut:
    check_join_rate(request)
    joined = service.join(session, data, utcnow())
    count = service.item_count(session, joined.attempt.id)
    return JoinOut(
        attempt_id=joined.attempt.id,
        token=joined.token,
        deadline_at=joined.attempt.deadline_at.isoformat(),
        questions=count,
    )


@public_router.put("/attempts/{attempt_id}/answers/{position}", status_code=204, summary="保存一道题的作答")
def save_answer(attempt_id: int, position: int, data: AnswerIn, token: Token, session: DbSession) -> Response:
    service.save_answer(session, attempt_id, token, position, data.choices, utcnow())
    return Response(status_code=204)


@public_router.put(
    "/attempts/{attempt_id}/answers",
    status_code=204,
    summary="批量保存作答（一次请求带多道题；任一道无效则都不保存）",
)
def save_answers(attempt_id: int, data: AnswersIn, token: Token, session: DbSession) -> Response:
    service.save_answers(session, attempt_id, token, data.answers, utcnow())
    return Response(status_code=204)


@public_router.post("/attempts/{attempt_id}/submit", summary="交卷（服务器评分；每次作答只能交一次）")
def submit(attempt_id: int, token: Token, session: DbSession) -> SubmissionOut:
    sub = service.submit(session, attempt_id, token, utcnow())
    return SubmissionOut(
        score=sub.score,
        correct_count=sub.correct_count,
        total=sub.total,
        passed=sub.passed,
        certificate_code=sub.certificate_code,
    )


def _results(
    session: DbSession, exam_id: int, actor: Principal, school: str | None = None
) -> results.ExamResults:
    exam = service.get_exam(session, exam_id, actor)
    return results.exam_results(session, exam, school, results.node_names(session, exam.node_path))


@router.get("/{exam_id}/results", summary="考试结果：参考率、合格率、平均分（按学校、班级、辖区）和易错题")
def exam_results(exam_id: int, session: DbSession, actor: Reader, school: str | None = None) -> ResultsOut:
    return results.to_out(_results(session, exam_id, actor, school))


@router.get("/{exam_id}/results.{fmt}", summary="导出考试结果（CSV/XLSX）")
def export_results(exam_id: int, fmt: FileFormat, session: DbSession, actor: Reader) -> Response:
    r = _results(session, exam_id, actor)
    return download(results.export_file(session, r, fmt), fmt, f"exam-{r.exam.code}-results")

"""Public exam pages, phone-first, no login: join with a code, answer (the sheet's script saves
the answers changed since its last save in one request every few seconds, when the page is
hidden and before submitting; without a script each question has its own save button), submit,
read the explanations, download the certificate; anyone can verify a certificate.

The attempt's secret lives in an HttpOnly, SameSite=Strict cookie; every form also carries a
key derived from it (double submit), so another site can neither post for the candidate nor
read the key. A reload or a lost connection loses nothing: the sheet is rebuilt from the saved
answers, and the script keeps the answers not yet saved in the browser's localStorage and sends
them again when the page is back.
"""

import hashlib
import hmac
import json
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from fanzha.accounts.deps import DbSession
from fanzha.core.errors import FanzhaError, Forbidden, ValidationFailed
from fanzha.core.timeutil import format_local, utcnow
from fanzha.exams import certificate, service
from fanzha.exams.models import Attempt, Audience
from fanzha.exams.ratelimit import check_join_rate
from fanzha.exams.schemas import AnswersIn, JoinIn
from fanzha.exams.sheet import sheet
from fanzha.web.forms import validated
from fanzha.web.render import page, redirect

router = APIRouter(include_in_schema=False)

COOKIE = "fanzha_exam"


def form_key(token: str) -> str:
    """The per-attempt key every form posts back; derived, so the cookie itself stays unreadable."""
    return hashlib.sha256(f"exam-form:{token}".encode()).hexdigest()[:32]


def _from_cookie(request: Request) -> tuple[int, str] | None:
    raw = request.cookies.get(COOKIE, "")
    attempt_id, _, token = raw.partition(".")
    return (int(attempt_id), token) if attempt_id.isdigit() and token else None


def _current(session: Session, request: Request, key: str | None = None) -> tuple[Attempt, str]:
    found = _from_cookie(request)
    if found is None:
        raise Forbidden("没有找到您的答题记录，请用考试码重新进入考试")
    attempt = service.attempt_for(session, found[0], found[1])
    if key is not None and not hmac.compare_digest(key, form_key(found[1])):
        raise Forbidden("页面已过期，请刷新后重试")
    return attempt, found[1]


def _join_page(request: Request, session: Session, code: str, error: str = "", status: int = 200) -> Response:
    exam = None
    if code:
        try:
            exam = service.exam_by_code(session, code)
        except FanzhaError as err:
            error = error or err.message
    ctx = {
        "code": code.upper(),
        "exam": exam,
        "error": error,
        "public": exam is not None and exam.audience == Audience.PUBLIC,
    }
    return page(request, "exams/join.html", None, ctx, status)


@router.get("/exam")
def join_form(request: Request, session: DbSession, code: str = "") -> Response:
    return _join_page(request, session, code.strip())


@router.post("/exam/join")
def join(
    request: Request,
    session: DbSession,
    code: Annotated[str, Form(max_length=12)],
    school: Annotated[str, Form(max_length=100)] = "",
    class_name: Annotated[str, Form(max_length=60)] = "",
    student_no: Annotated[str, Form(max_length=40)] = "",
    name: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    check_join_rate(request)
    try:
        data = validated(
            JoinIn, code=code, school=school, class_name=class_name, student_no=student_no, name=name
        )
        joined = service.join(session, data, utcnow())
    except FanzhaError as err:
        return _join_page(request, session, code.strip(), err.message, err.status)
    response = redirect("/exam/sheet")
    max_age = int((joined.attempt.deadline_at - utcnow()).total_seconds()) + 7 * 86400
    response.set_cookie(
        COOKIE,
        f"{joined.attempt.id}.{joined.token}",
        max_age=max_age,
        httponly=True,
        samesite="strict",
        path="/",
    )
    return response


@router.get("/exam/sheet")
def answer_sheet(request: Request, session: DbSession) -> Response:
    if _from_cookie(request) is None:
        return redirect("/exam")
    attempt, token = _current(session, request)
    s = sheet(session, attempt)
    if s.submission is not None:
        return redirect("/exam/result")
    expired = utcnow() > attempt.deadline_at
    ctx = {"s": s, "key": form_key(token), "expired": expired, "deadline": attempt.deadline_at.isoformat()}
    return page(request, "exams/sheet.html", None, ctx)


@router.post("/exam/answer")  # the save button a browser without scripts shows under each question
def save_answer(
    request: Request,
    session: DbSession,
    key: Annotated[str, Form(max_length=64)],
    position: Annotated[int, Form(ge=1, le=500)],
    choice: Annotated[list[int] | None, Form()] = None,
) -> Response:
    attempt, token = _current(session, request, key)
    service.save_answer(session, attempt.id, token, position, choice or [], utcnow())
    return redirect(f"/exam/sheet#q{position}")


@router.post("/exam/answers")
def save_answers(
    request: Request,
    session: DbSession,
    key: Annotated[str, Form(max_length=64)],
    answers: Annotated[str, Form(max_length=20_000)],
) -> Response:
    """The sheet's script: the answers changed since its last save, as JSON ({"3": [0, 2], …})."""
    attempt, token = _current(session, request, key)
    try:
        batch = json.loads(answers)
    except ValueError as exc:
        raise ValidationFailed.on("answers", "作答数据格式不正确，请刷新页面后重试") from exc
    data = validated(AnswersIn, answers=batch)
    service.save_answers(session, attempt.id, token, data.answers, utcnow())
    return JSONResponse({"saved": sorted(data.answers), "at": format_local(utcnow())[11:]})


@router.post("/exam/submit")
def submit(request: Request, session: DbSession, key: Annotated[str, Form(max_length=64)]) -> Response:
    attempt, token = _current(session, request, key)
    service.submit(session, attempt.id, token, utcnow())
    return redirect("/exam/result")


@router.get("/exam/result")
def result(request: Request, session: DbSession) -> Response:
    attempt, _ = _current(session, request)
    s = sheet(session, attempt)
    if s.submission is None:
        return redirect("/exam/sheet")
    return page(request, "exams/result.html", None, {"s": s})


@router.get("/exam/certificate.pdf")
def certificate_pdf(request: Request, session: DbSession) -> Response:
    attempt, _ = _current(session, request)
    submission = service.submission_of(session, attempt.id)
    cert = certificate.for_submission(session, submission)
    url = f"{str(request.base_url).rstrip('/')}/exam/verify?code={cert.code}"
    headers = {"Content-Disposition": f'attachment; filename="certificate-{cert.code}.pdf"'}
    return Response(certificate.render_pdf(cert, url), media_type="application/pdf", headers=headers)


@router.get("/exam/verify")
def verify(request: Request, session: DbSession, code: str = "") -> Response:
    """Anyone may check a certificate's code; the holder is shown masked."""
    found, error = None, ""
    if code.strip():
        try:
            found = certificate.verify(session, code)
        except FanzhaError as err:
            error = err.message
    ctx = {"code": code.strip(), "cert": found, "error": error}
    return page(request, "exams/verify.html", None, ctx, 404 if error else 200)

"""Console pages for prevention officers: exams in their part of the tree, a new exam, an exam's
results (with the class breakdown of one school), and the question bank with import and export."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fanzha.accounts.deps import DbSession, requires
from fanzha.core.errors import FanzhaError, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.core.vocab import FraudType
from fanzha.exams import bank, candidates, results, service
from fanzha.exams.models import Audience, QuestionKind, QuestionStatus, TargetGroup
from fanzha.exams.schemas import BlueprintItem, ExamIn, QuestionIn, SchoolIn
from fanzha.prevention import targets as prevention_targets
from fanzha.web.forms import blank_to_none, local_datetime, validated
from fanzha.web.render import page, redirect

router = APIRouter(prefix="/exams", include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Perm.STATS_READ))]
Writer = Annotated[Principal, Depends(requires(Perm.PREVENTION_WRITE))]


@router.get("")
def exam_list(request: Request, session: DbSession, actor: Reader) -> Response:
    exams = service.exams_for(session, actor)
    return page(request, "exams/list.html", actor, {"exams": exams, "counts": service.question_count})


def parse_schools(text: str) -> list[SchoolIn]:
    """One school a line: ``name, enrolment[, node code]`` (commas in either width)."""
    schools = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if not parts[0]:
            continue
        enrolment = parts[1] if len(parts) > 1 and parts[1] else "0"
        if not enrolment.isdigit():
            raise ValidationFailed.on("schools", f"第{number}行的应考人数“{enrolment}”不是整数")
        node = parts[2] if len(parts) > 2 and parts[2] else None
        schools.append(validated(SchoolIn, name=parts[0], enrolment=int(enrolment), node_code=node))
    return schools


def _new_page(
    request: Request,
    session: Session,
    actor: Principal,
    form: dict[str, str],
    error: str = "",
    status: int = 200,
    chosen: tuple[str, ...] = (),
) -> Response:
    ctx = {
        "form": form,
        "error": error,
        "kinds": list(QuestionKind),
        "audiences": list(Audience),
        "registered": prevention_targets.schools(session, actor.scope_path),
        "chosen": chosen,
    }
    return page(request, "exams/new.html", actor, ctx, status)


@router.get("/new")
def new_exam(request: Request, session: DbSession, actor: Writer) -> Response:
    defaults = {"time_limit_min": "30", "pass_mark": "60", "attempts_allowed": "1"}
    return _new_page(request, session, actor, defaults)


@router.post("/new")
async def create_exam(request: Request, session: DbSession, actor: Writer) -> Response:
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items() if k != "school_target"}
    chosen = tuple(str(v) for v in raw.getlist("school_target"))
    return await run_in_threadpool(_create_exam, request, session, actor, form, chosen)


def _create_exam(
    request: Request, session: Session, actor: Principal, form: dict[str, str], chosen: tuple[str, ...]
) -> Response:
    """Schools typed in the text box and schools ticked from prevention's register, together."""
    try:
        if not all(v.isdigit() for v in chosen):
            raise ValidationFailed.on("schools", "请从列表中勾选登记在册的学校")
        registered = [SchoolIn(target_id=int(v)) for v in chosen]
        blueprint = [
            BlueprintItem(kind=kind, count=int(form.get(f"count_{kind.value}") or 0))
            for kind in QuestionKind
            if (form.get(f"count_{kind.value}") or "0").strip() not in ("", "0")
        ]
        data = validated(
            ExamIn,
            title=form.get("title", ""),
            node_code=form.get("node_code", ""),
            audience=form.get("audience", "schools"),
            schools=parse_schools(form.get("schools", "")) + registered,
            blueprint=blueprint,
            opens_at=local_datetime("opens_at", form.get("opens_at", "")),
            closes_at=local_datetime("closes_at", form.get("closes_at", "")),
            time_limit_min=form.get("time_limit_min", "30"),
            pass_mark=form.get("pass_mark", "60"),
            attempts_allowed=form.get("attempts_allowed", "1"),
            identify_by=form.get("identify_by", "student_no"),
        )
        exam = service.create_exam(session, data, actor)
    except (FanzhaError, ValueError) as err:
        message = err.message if isinstance(err, FanzhaError) else f"组卷题数须为整数：{err}"
        return _new_page(request, session, actor, form, message, getattr(err, "status", 422), chosen)
    return redirect(f"/exams/{exam.id}")


@router.get("/bank")
def question_bank(
    request: Request,
    session: DbSession,
    actor: Writer,
    fraud_type: Annotated[str | None, Query()] = None,
    status: Annotated[str | None, Query()] = None,
) -> Response:
    fraud_type, status = blank_to_none(fraud_type), blank_to_none(status)
    ctx = {
        "questions": bank.list_questions(session, fraud_type, status),
        "filters": {"fraud_type": fraud_type, "status": status},
        "fraud_types": list(FraudType),
        "statuses": list(QuestionStatus),
    }
    return page(request, "exams/bank.html", actor, ctx)


@router.post("/bank/import")
def import_questions(
    request: Request, session: DbSession, actor: Writer, file: Annotated[UploadFile, File()]
) -> Response:
    try:
        counts = bank.import_file(session, file.file.read(), file.filename or "questions.csv", actor)
    except FanzhaError as err:
        ctx = {
            "questions": [],
            "filters": {},
            "fraud_types": list(FraudType),
            "statuses": list(QuestionStatus),
            "error": err,
        }
        return page(request, "exams/bank.html", actor, ctx, err.status)
    return redirect(f"/exams/bank?imported={counts['created']}&edited={counts['edited']}")


def _question_page(
    request: Request,
    actor: Principal,
    question_id: int,
    form: dict[str, str],
    error: str = "",
    status: int = 200,
) -> Response:
    ctx = {
        "question_id": question_id,
        "form": form,
        "error": error,
        "kinds": list(QuestionKind),
        "fraud_types": list(FraudType),
        "groups": list(TargetGroup),
    }
    return page(request, "exams/question.html", actor, ctx, status)


@router.get("/bank/{question_id}/edit")
def question_form(request: Request, session: DbSession, actor: Writer, question_id: int) -> Response:
    """The question as it reads now; saving a changed wording adds a version, so exams that drew
    the earlier one (running or finished) keep it."""
    q = bank.question_out(session, question_id)
    form = {
        "kind": q.kind,
        "fraud_type": q.fraud_type,
        "target_group": q.target_group,
        "difficulty": str(q.difficulty),
        "stem": q.stem,
        "options": "\n".join(q.options),
        "answer": q.answer,
        "explanation": q.explanation,
        "code": q.code,
        "version": str(q.version),
    }
    return _question_page(request, actor, question_id, form)


@router.post("/bank/{question_id}/edit")
async def question_edit(request: Request, session: DbSession, actor: Writer, question_id: int) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    return await run_in_threadpool(_question_edit, request, session, actor, question_id, form)


def _question_edit(
    request: Request, session: Session, actor: Principal, question_id: int, form: dict[str, str]
) -> Response:
    current = bank.question_out(session, question_id)
    try:
        data = validated(
            QuestionIn,
            code=current.code,
            kind=form.get("kind", ""),
            fraud_type=form.get("fraud_type", ""),
            target_group=form.get("target_group", ""),
            difficulty=form.get("difficulty", ""),
            status=current.status,
            stem=form.get("stem", ""),
            options=[o.strip() for o in form.get("options", "").splitlines() if o.strip()],
            answer=form.get("answer", ""),
            explanation=form.get("explanation", ""),
        )
        bank.edit_question(session, question_id, data, actor)
    except FanzhaError as err:
        shown = {**form, "code": current.code, "version": str(current.version)}
        return _question_page(request, actor, question_id, shown, err.message, err.status)
    return redirect(f"/exams/bank#q{question_id}")


@router.post("/bank/{question_id}/status")
def question_status(
    session: DbSession, actor: Writer, question_id: int, status: Annotated[QuestionStatus, Form()]
) -> Response:
    bank.set_status(session, question_id, status, actor)
    return redirect(f"/exams/bank#q{question_id}")


@router.get("/{exam_id}")
def exam_results(
    request: Request, session: DbSession, actor: Reader, exam_id: int, school: str | None = None
) -> Response:
    exam = service.get_exam(session, exam_id, actor)
    r = results.exam_results(
        session, exam, blank_to_none(school), results.node_names(session, exam.node_path)
    )
    join_url = f"{str(request.base_url).rstrip('/')}/exam?code={exam.code}"
    ctx = {
        "r": r,
        "exam": exam,
        "school": school,
        "join_url": join_url,
        "questions": service.question_count(exam),
    }
    return page(request, "exams/results.html", actor, ctx)


CANDIDATES_PER_PAGE = 50


@router.get("/{exam_id}/candidates")
def candidate_list(
    request: Request,
    session: DbSession,
    actor: Reader,
    exam_id: int,
    school: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    """Who sat the exam in the officer's subtree, masked, 50 a page."""
    exam = service.get_exam(session, exam_id, actor)
    school = blank_to_none(school)
    offset = (page_no - 1) * CANDIDATES_PER_PAGE
    rows, total = candidates.candidate_rows(session, exam, actor, school, offset, CANDIDATES_PER_PAGE)
    query = urlencode({"school": school} if school else {})
    ctx = {
        "exam": exam,
        "rows": rows,
        "school": school,
        "total": total,
        "page_no": page_no,
        "pages": max(1, -(-total // CANDIDATES_PER_PAGE)),
        "query": query,
    }
    return page(request, "exams/candidates.html", actor, ctx)


@router.get("/{exam_id}/candidates.csv")
def candidate_export(session: DbSession, actor: Reader, exam_id: int, school: str | None = None) -> Response:
    exam = service.get_exam(session, exam_id, actor)
    rows, _ = candidates.candidate_rows(session, exam, actor, blank_to_none(school), 0, None)
    headers = {"Content-Disposition": f'attachment; filename="exam-{exam.code}-candidates.csv"'}
    return Response(candidates.export_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)


@router.post("/{exam_id}/close")
def close_exam(session: DbSession, actor: Writer, exam_id: int) -> Response:
    service.close_exam(session, exam_id, actor)
    return redirect(f"/exams/{exam_id}")

"""The question bank: write, edit (a new version each time), approve or retire, import and export.

An import is all or nothing: every row is validated first and the first problem of each bad
row is reported in Chinese with its row number; nothing is written unless all rows are good.
"""

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core.errors import FieldError, NotFound, ValidationFailed, field_errors
from fanzha.core.principal import Principal
from fanzha.core.tabular import Column, read_rows
from fanzha.core.timeutil import utcnow
from fanzha.core.vocab import FraudType
from fanzha.exams.files import write_csv, write_xlsx
from fanzha.exams.models import Question, QuestionKind, QuestionStatus, QuestionVersion
from fanzha.exams.schemas import LETTERS, QuestionIn, QuestionOut, indexes_to_letters

FILE_COLUMNS = [
    "code",
    "kind",
    "fraud_type",
    "target_group",
    "difficulty",
    "status",
    "stem",
    *(f"option_{c.lower()}" for c in LETTERS),
    "answer",
    "explanation",
]
REQUIRED_COLUMNS = {"kind", "fraud_type", "stem", "answer", "explanation"}
FILE_TABLE = [Column(c, c, required=c in REQUIRED_COLUMNS) for c in FILE_COLUMNS]


def _next_code(session: Session) -> str:
    last = session.scalar(select(Question.id).order_by(Question.id.desc()).limit(1)) or 0
    return f"Q{last + 1:05d}"


def _add_version(session: Session, question: Question, data: QuestionIn, actor: str) -> QuestionVersion:
    version = QuestionVersion(
        question_id=question.id,
        version=question.version,
        stem=data.stem,
        options=list(data.options),
        answer=data.answer_indexes,
        explanation=data.explanation,
        created_by=actor,
    )
    session.add(version)
    session.flush()
    question.current_version_id = version.id
    return version


def _classify(question: Question, data: QuestionIn) -> None:
    question.kind = data.kind.value
    question.fraud_type = data.fraud_type.value
    question.target_group = data.target_group.value
    question.difficulty = data.difficulty
    question.status = data.status.value
    question.updated_at = utcnow()


def _audit_view(question: Question) -> dict[str, Any]:
    keys = ("code", "kind", "fraud_type", "difficulty", "status", "version")
    return {k: getattr(question, k) for k in keys}


def create_question(session: Session, data: QuestionIn, actor: Principal) -> Question:
    code = data.code or _next_code(session)
    if session.scalar(select(Question.id).where(Question.code == code)) is not None:
        raise ValidationFailed.on("code", f"题目编号 {code} 已存在，请换一个编号或修改原题")
    question = Question(code=code, version=1)
    _classify(question, data)
    session.add(question)
    session.flush()
    _add_version(session, question, data, actor.actor)
    audit.record(
        session,
        actor.actor,
        "exam_question.create",
        "exam_question",
        question.id,
        None,
        _audit_view(question),
    )
    return question


def _same_content(version: QuestionVersion, data: QuestionIn) -> bool:
    return (version.stem, version.options, version.answer, version.explanation) == (
        data.stem,
        list(data.options),
        data.answer_indexes,
        data.explanation,
    )


def edit_question(session: Session, question_id: int, data: QuestionIn, actor: Principal) -> Question:
    """Re-classify and, when the wording changed, add a version; exams keep the versions they drew."""
    question = require_question(session, question_id)
    before = _audit_view(question)
    current = session.get(QuestionVersion, question.current_version_id)
    _classify(question, data)
    if current is None or not _same_content(current, data):
        question.version += 1
        _add_version(session, question, data, actor.actor)
    session.flush()
    audit.record(
        session,
        actor.actor,
        "exam_question.edit",
        "exam_question",
        question.id,
        before,
        _audit_view(question),
    )
    return question


def set_status(session: Session, question_id: int, status: QuestionStatus, actor: Principal) -> Question:
    question = require_question(session, question_id)
    before = {"status": question.status}
    question.status = status.value
    question.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor.actor,
        "exam_question.status",
        "exam_question",
        question.id,
        before,
        {"status": question.status},
    )
    return question


def require_question(session: Session, question_id: int) -> Question:
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound("题目不存在")
    return question


def to_out(question: Question, version: QuestionVersion) -> QuestionOut:
    return QuestionOut(
        id=question.id,
        code=question.code,
        version=version.version,
        kind=question.kind,
        kind_label=QuestionKind(question.kind).label,
        fraud_type=question.fraud_type,
        fraud_type_label=FraudType(question.fraud_type).label,
        target_group=question.target_group,
        difficulty=question.difficulty,
        status=question.status,
        status_label=QuestionStatus(question.status).label,
        stem=version.stem,
        options=list(version.options),
        answer=indexes_to_letters(version.answer),
        explanation=version.explanation,
    )


def list_questions(
    session: Session, fraud_type: str | None = None, status: str | None = None
) -> list[QuestionOut]:
    stmt = select(Question, QuestionVersion).join(
        QuestionVersion, QuestionVersion.id == Question.current_version_id
    )
    if fraud_type:
        stmt = stmt.where(Question.fraud_type == fraud_type)
    if status:
        stmt = stmt.where(Question.status == status)
    return [to_out(q, v) for q, v in session.execute(stmt.order_by(Question.code))]


def question_out(session: Session, question_id: int) -> QuestionOut:
    question = require_question(session, question_id)
    version = session.get(QuestionVersion, question.current_version_id)
    assert version is not None
    return to_out(question, version)


# --- files -------------------------------------------------------------------------------


def _row_to_input(row: dict[str, Any]) -> dict[str, Any]:
    options = [str(row.get(f"option_{c.lower()}") or "").strip() for c in LETTERS]
    data = {k: row.get(k) for k in FILE_COLUMNS if not k.startswith("option_")}
    data = {k: (str(v).strip() if v is not None else None) for k, v in data.items()}
    data = {k: v for k, v in data.items() if v}
    data["options"] = [o for o in options if o]
    return data


def _row_error(line: int, error: FieldError) -> FieldError:
    """Name the row and the column; a whole-question check names its column in its message."""
    column, sep, message = error.message.partition("：")
    if error.field == "body" and sep and column.isascii():
        return FieldError(f"第{line}行.{column}", message)
    return FieldError(f"第{line}行.{error.field}", error.message)


def parse_rows(rows: Sequence[dict[str, Any]], first_line: int = 2) -> list[QuestionIn]:
    """Validate every row; raise one error listing each bad row (row numbers as in the file)."""
    parsed: list[QuestionIn] = []
    errors: list[FieldError] = []
    codes: dict[str, int] = {}
    for offset, row in enumerate(rows):
        line = first_line + offset
        try:
            item = QuestionIn(**_row_to_input(row))
        except ValidationError as exc:
            errors += [_row_error(line, e) for e in field_errors(exc.errors())]
            continue
        if item.code and item.code in codes:
            errors.append(FieldError(f"第{line}行.code", f"编号 {item.code} 与第{codes[item.code]}行重复"))
        elif item.code:
            codes[item.code] = line
        parsed.append(item)
    if errors:
        shown = "；".join(f"{e.field}：{e.message}" for e in errors[:5])
        more = f"（共 {len(errors)} 处错误）" if len(errors) > 5 else ""
        raise ValidationFailed(f"导入失败，未写入任何题目。{shown}{more}", errors)
    if not parsed:
        raise ValidationFailed.on("file", "文件中没有题目，请按模板填写后再导入")
    return parsed


def import_questions(session: Session, rows: Sequence[dict[str, Any]], actor: Principal) -> dict[str, int]:
    """Rows with a known code edit that question (new version if the wording changed); others are new."""
    items = parse_rows(rows)
    existing = {
        q.code: q
        for q in session.scalars(select(Question).where(Question.code.in_([i.code for i in items if i.code])))
    }
    created = edited = 0
    for item in items:
        if item.code and item.code in existing:
            edit_question(session, existing[item.code].id, item, actor)
            edited += 1
        else:
            create_question(session, item, actor)
            created += 1
    audit.record(
        session,
        actor.actor,
        "exam_question.import",
        "exam_question",
        "bulk",
        None,
        {"created": created, "edited": edited},
    )
    return {"created": created, "edited": edited}


def export_rows(session: Session) -> list[list[Any]]:
    """The bank in the import format (current versions), so an export edits and re-imports cleanly."""
    rows = []
    for q in list_questions(session):
        shown = [] if q.kind == QuestionKind.TRUE_FALSE else q.options
        options = [shown[i] if i < len(shown) else "" for i in range(len(LETTERS))]
        rows.append(
            [
                q.code,
                q.kind,
                q.fraud_type,
                q.target_group,
                q.difficulty,
                q.status,
                q.stem,
                *options,
                q.answer,
                q.explanation,
            ]
        )
    return rows


def export_file(session: Session, fmt: str) -> bytes:
    rows = export_rows(session)
    return write_xlsx(FILE_COLUMNS, rows, "题库") if fmt == "xlsx" else write_csv(FILE_COLUMNS, rows)


def read_file(content: bytes, filename: str) -> list[dict[str, Any]]:
    """A question file, CSV or XLSX with the export's header (core.tabular), as rows by column."""
    return [row.values for row in read_rows(content, filename, FILE_TABLE)]


def import_file(session: Session, content: bytes, filename: str, actor: Principal) -> dict[str, int]:
    return import_questions(session, read_file(content, filename), actor)

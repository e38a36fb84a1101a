"""The citizen's report (举报): a form with evidence files that becomes a citizen-report warning.

The form is checked field by field and comes back as typed with the field at fault; the
detector's verdict goes onto the warning; a report with nothing to act on (``_hold_reason``)
waits in the centre's review queue (举报审核, ``web.review``) instead of a dissuader's queue.
The resident gets an 8-digit receipt number to look it up.
"""

import re
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, UploadFile
from fastapi.responses import Response as RawResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fanzha.accounts.deps import CurrentPrincipal, DbSession, OptionalPrincipal
from fanzha.core.errors import FanzhaError, TooManyRequests, ValidationFailed
from fanzha.core.principal import Principal, system_principal
from fanzha.core.ratelimit import TokenBucket
from fanzha.core.roles import Perm
from fanzha.core.timeutil import utcnow
from fanzha.core.vocab import FraudType, TechniqueTag
from fanzha.detect.detector import Verdict
from fanzha.detect.service import detector_for
from fanzha.warnings import intake
from fanzha.warnings import service as warnings
from fanzha.warnings.models import Level, Source
from fanzha.warnings.schemas import Evidence, WarningIn
from fanzha.warnings.statemachine import State
from fanzha.web.forms import attempt, blank_to_none, validated
from fanzha.web.render import page

router = APIRouter(include_in_schema=False)

MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
ALLOWED_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}
# Per client IP: a family reporting a few frauds gets through, a script flooding the form does not.
# In-process (see core.ratelimit). The address is uvicorn's: X-Forwarded-For is trusted only from
# FORWARDED_ALLOW_IPS (default 127.0.0.1), else every citizen behind a proxy shares its budget.
REPORT_BUCKET = TokenBucket(rate=1 / 60, burst=20)
# Receipt lookups: a resident checks a few times; guessing 8-digit numbers gets nowhere.
LOOKUP_BUCKET = TokenBucket(rate=1 / 30, burst=20)
# Evidence fields of the form → the warning's evidence kinds.
EVIDENCE_FIELDS = {"suspect_phone": "phone", "suspect_url": "url", "suspect_account": "bank_account"}
# What the form calls its fields in an error line.
LABELS = {
    "text": "举报内容",
    "reporter_phone": "您的联系电话",
    "suspect_phone": "对方电话号码",
    "suspect_url": "对方发来的链接",
    "suspect_account": "对方让您转账的账户",
    "files": "证据文件",
}
MIN_TEXT = 6  # letters or digits: "x" is nothing to act on
# A mainland mobile (optionally +86) or a landline with its area code; spaces and dashes allowed.
PHONE = re.compile(r"(?:\+?86)?1[3-9]\d{9}|0\d{2,3}\d{7,8}")
NO_CONTENT = "内容不足以核查：未检出诈骗特征，也未提供对方号码、链接、账户或截图"
NO_CALLBACK = "未检出诈骗特征，未提供对方号码、链接、账户或截图，也未留联系电话"
RESIDENT_STATUS = {
    State.HELD: "已受理，工作人员正在审核",
    State.RECEIVED: "已受理，正在分派给属地民警",
    State.ROUTED: "已受理，正在分派给属地民警",
    State.ASSIGNED: "民警正在处置",
    State.IN_PROGRESS: "民警正在处置",
    State.CLOSED: "已处理完毕",
}
FORM_FIELDS = ("text", "reporter_name", "reporter_phone", "address", *EVIDENCE_FIELDS)


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Filed:
    receipt: str
    held: bool


async def _read_uploads(files: list[UploadFile]) -> list[Upload]:
    """Check every file before anything is stored, so a bad file leaves nothing half-done."""
    chosen = [f for f in files if f.filename]
    if len(chosen) > MAX_FILES:
        raise ValidationFailed.on("files", f"最多上传 {MAX_FILES} 个文件")
    uploads = []
    for f in chosen:
        kind = (f.content_type or "").split(";")[0].strip()
        if kind not in ALLOWED_TYPES:
            raise ValidationFailed.on("files", f"{f.filename}：只接受图片、PDF 或文本文件")
        data = await f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ValidationFailed.on("files", f"{f.filename}：单个文件不能超过 5 MB")
        uploads.append(Upload((f.filename or "file")[-200:], kind, data))
    return uploads


def _problems(typed: dict[str, str]) -> dict[str, str]:
    """Field → what is wrong with it, for every field at once."""
    found: dict[str, str] = {}
    if sum(ch.isalnum() for ch in typed["text"]) < MIN_TEXT:
        found["text"] = f"请至少写 {MIN_TEXT} 个字：对方是谁、说了什么、让您做什么"
    phone = re.sub(r"[\s-]", "", typed["reporter_phone"])
    if phone and not PHONE.fullmatch(phone):
        found["reporter_phone"] = "请填写 11 位手机号或带区号的固定电话，如 13912345678"
    for name, kind in EVIDENCE_FIELDS.items():
        if typed[name].strip():
            try:
                validated(Evidence, kind=kind, value=typed[name].strip())
            except ValidationFailed as err:
                found[name] = err.fields[0].message if err.fields else err.message
    return found


def _evidence(typed: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"kind": kind, "value": typed[name].strip()}
        for name, kind in EVIDENCE_FIELDS.items()
        if typed[name].strip()
    ]


def _verdict_line(verdict: Verdict) -> tuple[str, str]:
    """(result, note) of the verdict for the warning's timeline."""
    result = f"{'疑似诈骗' if verdict.is_fraud else '未检出诈骗特征'}（风险 {round(verdict.risk * 100)}%）"
    kind = f"类型：{verdict.fraud_type.label}；" if verdict.fraud_type else ""
    reasons = "；".join(f"{r.text}“{r.evidence}”" for r in verdict.reasons if r.kind != "phrase")
    return result, f"{kind}依据：{reasons or '无'}"


def _item(typed: dict[str, str], urgent: bool, verdict: Verdict, receipt: str) -> WarningIn:
    level = Level.HIGH if urgent else Level.MEDIUM if verdict.is_fraud else Level.LOW
    return validated(
        WarningIn,
        source=Source.CITIZEN,
        source_id=receipt,
        issued_at=utcnow(),
        level=level,
        fraud_type=verdict.fraud_type or FraudType.OTHER,
        tags=[t for t in verdict.tags if t in {tag.value for tag in TechniqueTag}],
        victim_name=blank_to_none(typed["reporter_name"]),
        victim_phone=blank_to_none(re.sub(r"[\s-]", "", typed["reporter_phone"])),
        victim_address=blank_to_none(typed["address"]),
        evidence=_evidence(typed),
        text=typed["text"].strip(),
    )


def _hold_reason(typed: dict[str, str], urgent: bool, verdict: Verdict, uploads: list[Upload]) -> str | None:
    """Why a report has nothing to act on, or None. The detector reads messages better than a
    resident's account of one ("有人打电话说我儿子出事了"), so a report the detector finds no sign in
    still goes to the queue when the resident left a number to call back and wrote something."""
    if urgent or verdict.is_fraud or verdict.reasons or _evidence(typed) or uploads:
        return None
    if len({ch for ch in typed["text"] if ch.isalnum()}) < 5:  # "测试测试", "11111111"
        return NO_CONTENT
    return None if typed["reporter_phone"].strip() else NO_CALLBACK


def _file_report(session: Session, typed: dict[str, str], urgent: bool, uploads: list[Upload]) -> Filed:
    """Classify, store (held for review when there is nothing to act on), keep the files and the verdict."""
    verdict = detector_for(session).classify([typed["text"]])[0]
    hold = _hold_reason(typed, urgent, verdict, uploads)
    actor = system_principal(name="public-report")
    for _ in range(5):  # a receipt number already given out: draw another
        receipt = str(10_000_000 + secrets.randbelow(90_000_000))
        item = _item(typed, urgent, verdict, receipt)
        found = intake.intake(session, [item], actor, hold=hold).items[0]
        if found.status == "created" and found.id is not None:
            break
    else:
        raise ValidationFailed("举报未能受理，请稍后重试或拨打 96110")
    result, note = _verdict_line(verdict)
    warnings.note_on(session, found.id, "verdict", result, note, actor.actor)
    if hold is not None:
        warnings.note_on(session, found.id, "hold", "", hold, actor.actor)
    warnings.store_report_files(session, found.id, [(u.filename, u.content_type, u.data) for u in uploads])
    return Filed(receipt, hold is not None)


def grouped(receipt: str) -> str:
    """37192046 → "3719 2046": read aloud in two groups."""
    return f"{receipt[:4]} {receipt[4:]}"


def _form(
    request: Request,
    principal: Principal | None,
    typed: dict[str, str],
    urgent: bool = False,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    errors = errors or {}
    summary = "；".join(f"{LABELS.get(k, k)}：{v}" for k, v in errors.items())
    ctx = {"typed": typed, "urgent": urgent, "errors": errors, "summary": summary, "max_files": MAX_FILES}
    return page(request, "public/report.html", principal, ctx, status_code=status)


@router.get("/report")
def report_form(request: Request, principal: OptionalPrincipal, text: str = "") -> Response:
    typed = {name: "" for name in FORM_FIELDS} | {"text": text[:5000]}
    return _form(request, principal, typed)


@router.post("/report")
async def submit_report(
    request: Request,
    session: DbSession,
    principal: OptionalPrincipal,
    text: Annotated[str, Form(max_length=5000)] = "",
    files: list[UploadFile] | None = None,
    reporter_name: Annotated[str, Form(max_length=100)] = "",
    reporter_phone: Annotated[str, Form(max_length=30)] = "",
    address: Annotated[str, Form(max_length=300)] = "",
    suspect_phone: Annotated[str, Form(max_length=300)] = "",
    suspect_url: Annotated[str, Form(max_length=300)] = "",
    suspect_account: Annotated[str, Form(max_length=300)] = "",
    urgent: Annotated[bool, Form()] = False,
) -> Response:
    ip = request.client.host if request.client else "unknown"
    wait = REPORT_BUCKET.take(ip)
    if wait > 0:
        minutes = int(wait // 60) + 1
        raise TooManyRequests(
            f"提交过于频繁，请 {minutes} 分钟后再试。情况紧急请直接拨打 110 或全国反诈专线 96110。",
            int(wait) + 1,
        )
    typed = {
        "text": text, "reporter_name": reporter_name, "reporter_phone": reporter_phone, "address": address,
        "suspect_phone": suspect_phone, "suspect_url": suspect_url, "suspect_account": suspect_account,
    }  # fmt: skip
    errors = _problems(typed)
    uploads: list[Upload] = []
    try:
        uploads = await _read_uploads(files or [])
    except ValidationFailed as err:
        errors["files"] = err.fields[0].message + "（请重新选择文件）" if err.fields else err.message
    if errors:
        return _form(request, principal, typed, urgent, errors, 422)
    # The database work runs in the thread pool, never on the event loop (see accounts.deps).
    done = await run_in_threadpool(attempt, session, lambda: _file_report(session, typed, urgent, uploads))
    if isinstance(done, FanzhaError):
        return _form(request, principal, typed, urgent, {"text": done.message}, done.status)
    ctx = {"receipt": grouped(done.receipt), "held": done.held, "files": len(uploads), "urgent": urgent}
    return page(request, "public/reported.html", principal, ctx)


@router.get("/report/status")
def report_status(
    request: Request, session: DbSession, principal: OptionalPrincipal, no: str = ""
) -> Response:
    """A resident looks up a report by its receipt number: where it stands, nothing personal."""
    digits = re.sub(r"\D", "", no)[:20]
    ctx: dict[str, object] = {"no": no[:30], "status": None, "error": ""}
    if not no.strip():
        return page(request, "public/report_status.html", principal, ctx)
    wait = LOOKUP_BUCKET.take(request.client.host if request.client else "unknown")
    if wait > 0:
        raise TooManyRequests(f"查询过于频繁，请 {int(wait) + 1} 秒后再试。", int(wait) + 1)
    state = warnings.citizen_report_state(session, digits) if len(digits) == 8 else None
    if state is None:
        ctx["error"] = "受理编号：未找到，请核对举报后显示的 8 位数字（如 3719 2046）"
        return page(request, "public/report_status.html", principal, ctx, status_code=404)
    ctx.update(status=RESIDENT_STATUS[state], receipt=grouped(digits))
    return page(request, "public/report_status.html", principal, ctx)


@router.get("/warnings/{warning_id}/files/{file_id}")
def report_file(warning_id: int, file_id: int, session: DbSession, actor: CurrentPrincipal) -> RawResponse:
    """An uploaded evidence file, to whoever may read the warning it belongs to."""
    actor.require(Perm.WARNINGS_READ)
    row = warnings.report_file(session, warning_id, file_id, actor)
    headers = {"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"}
    return RawResponse(row.data, media_type=row.content_type, headers=headers)

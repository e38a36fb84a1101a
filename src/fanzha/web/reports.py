"""The citizen's report (举报): a form with evidence files that becomes a citizen-report warning."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, UploadFile
from fastapi.responses import Response as RawResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fanzha.accounts.deps import CurrentPrincipal, DbSession, OptionalPrincipal
from fanzha.core.errors import TooManyRequests, ValidationFailed
from fanzha.core.principal import system_principal
from fanzha.core.ratelimit import TokenBucket
from fanzha.core.roles import Perm
from fanzha.core.timeutil import utcnow
from fanzha.warnings import intake
from fanzha.warnings import service as warnings
from fanzha.warnings.models import Level, Source
from fanzha.warnings.schemas import WarningIn
from fanzha.web.forms import blank_to_none, validated
from fanzha.web.render import page

router = APIRouter(include_in_schema=False)

MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
ALLOWED_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}
# Per client IP: a family reporting a few frauds gets through, a script flooding the form does not.
# In-process (see core.ratelimit). The address is uvicorn's: X-Forwarded-For is trusted only from
# FORWARDED_ALLOW_IPS (default 127.0.0.1), else every citizen behind a proxy shares its budget.
REPORT_BUCKET = TokenBucket(rate=1 / 60, burst=20)
# Evidence fields of the form → the warning's evidence kinds.
EVIDENCE_FIELDS = {"suspect_phone": "phone", "suspect_url": "url", "suspect_account": "bank_account"}


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


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


def _store(session: Session, warning_id: int, uploads: list[Upload]) -> None:
    warnings.store_report_files(session, warning_id, [(u.filename, u.content_type, u.data) for u in uploads])


def _file_report(session: Session, item: WarningIn, uploads: list[Upload]) -> None:
    result = intake.intake(session, [item], system_principal(name="public-report"))
    warning_id = result.items[0].id
    if result.items[0].status != "created" or warning_id is None:
        raise ValidationFailed("举报未能受理，请稍后重试或拨打 96110")
    _store(session, warning_id, uploads)


@router.get("/report")
def report_form(request: Request, principal: OptionalPrincipal, text: str = "") -> Response:
    return page(request, "public/report.html", principal, {"text": text[:5000], "max_files": MAX_FILES})


@router.post("/report")
async def submit_report(
    request: Request,
    session: DbSession,
    principal: OptionalPrincipal,
    text: Annotated[str, Form(max_length=5000)],
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
    if not text.strip():
        raise ValidationFailed.on("text", "请填写举报内容")
    uploads = await _read_uploads(files or [])
    given = {"suspect_phone": suspect_phone, "suspect_url": suspect_url, "suspect_account": suspect_account}
    item = validated(
        WarningIn,
        source=Source.CITIZEN,
        source_id=f"web-{uuid.uuid4().hex[:16]}",
        issued_at=utcnow(),
        level=Level.HIGH if urgent else Level.MEDIUM,
        victim_name=blank_to_none(reporter_name),
        victim_phone=blank_to_none(reporter_phone),
        victim_address=blank_to_none(address),
        evidence=[{"kind": EVIDENCE_FIELDS[k], "value": v.strip()} for k, v in given.items() if v.strip()],
        text=text.strip(),
    )
    # The database work runs in the thread pool, never on the event loop (see accounts.deps).
    await run_in_threadpool(_file_report, session, item, uploads)
    reference = item.source_id
    ctx = {"reference": reference, "files": len(uploads), "urgent": urgent}
    return page(request, "public/reported.html", principal, ctx)


@router.get("/warnings/{warning_id}/files/{file_id}")
def report_file(warning_id: int, file_id: int, session: DbSession, actor: CurrentPrincipal) -> RawResponse:
    """An uploaded evidence file, to whoever may read the warning it belongs to."""
    actor.require(Perm.WARNINGS_READ)
    row = warnings.report_file(session, warning_id, file_id, actor)
    headers = {"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"}
    return RawResponse(row.data, media_type=row.content_type, headers=headers)

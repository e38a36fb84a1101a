"""Certificates: a PDF (WeasyPrint, the CJK font from fontconfig) with a verification code and a
QR code drawn locally (segno), and the public check of a code.

The code is 80 random bits stored with the submission, so a forged code finds nothing; the QR
code only carries the verification address, never personal data.
"""

import io
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.core.errors import NotFound
from fanzha.core.masking import mask_name
from fanzha.core.timeutil import to_local
from fanzha.exams.models import Candidate, Exam, Submission


@dataclass(frozen=True)
class Certificate:
    code: str
    exam_title: str
    school: str
    class_name: str
    holder: str  # student number or name, as the exam identified the candidate
    score: int
    issued_at: datetime


def _certificate(session: Session, submission: Submission) -> Certificate:
    exam = session.get(Exam, submission.exam_id)
    candidate = session.get(Candidate, submission.candidate_id)
    if exam is None or candidate is None or not submission.certificate_code:
        raise NotFound("这次考试未合格，没有证书")
    return Certificate(
        code=submission.certificate_code,
        exam_title=exam.title,
        school=candidate.school,
        class_name=candidate.class_name,
        holder=candidate.name or candidate.student_no or "",
        score=submission.score,
        issued_at=submission.submitted_at,
    )


def for_submission(session: Session, submission: Submission) -> Certificate:
    return _certificate(session, submission)


def normalise_code(code: str) -> str:
    raw = "".join(c for c in code.upper() if c.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def verify(session: Session, code: str) -> Certificate:
    """The certificate with this code, its holder masked for the public; a forged code is not found."""
    found = session.scalar(select(Submission).where(Submission.certificate_code == normalise_code(code)))
    if found is None:
        raise NotFound("查无此证书：请核对证书编号（16 位字母和数字）；编号不符的证书不是本平台签发的")
    cert = _certificate(session, found)
    masked = (
        mask_name(cert.holder) if cert.holder and not cert.holder.isascii() else _mask_number(cert.holder)
    )
    return Certificate(**{**cert.__dict__, "holder": masked or ""})


def _mask_number(value: str) -> str:
    return value[:2] + "*" * max(len(value) - 4, 1) + value[-2:] if len(value) > 4 else "*" * len(value)


def qr_svg(text: str) -> str:
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False)
    return out.getvalue().decode()


@lru_cache
def _env() -> Environment:
    return Environment(loader=PackageLoader("fanzha.exams", "templates"), autoescape=select_autoescape())


def render_pdf(cert: Certificate, verify_url: str) -> bytes:
    from weasyprint import HTML

    html = (
        _env()
        .get_template("certificate.html")
        .render(
            c=cert,
            issued=f"{to_local(cert.issued_at):%Y年%-m月%-d日}",
            qr=qr_svg(verify_url),
            verify_url=verify_url,
        )
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf

"""反诈自查: a citizen pastes a message or enters a number, link or account and reads the verdict.

Nothing typed here is stored: the text is classified in memory and dropped. A "this verdict is
wrong" click keeps the verdict, the correction and the rules that fired for review
(``detect.appeals``); the text only if the person ticks the consent box.
"""

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request, Response

from fanzha.accounts.deps import DbSession, OptionalPrincipal
from fanzha.core.errors import TooManyRequests, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.ratelimit import TokenBucket
from fanzha.detect import appeals
from fanzha.detect.detector import Verdict
from fanzha.detect.registers import REGISTER_LABELS
from fanzha.detect.service import classify_for
from fanzha.web.render import page

router = APIRouter(include_in_schema=False)

InputKind = Literal["text", "phone", "url", "account"]
KIND_LABELS: dict[str, str] = {
    "text": "短信或聊天内容",
    "phone": "电话号码",
    "url": "网址链接",
    "account": "收款账号",
}
# In-process, per address (see web.reports.REPORT_BUCKET for the same budget on /report).
FEEDBACK_BUCKET = TokenBucket(rate=1 / 60, burst=20)

ADVICE = [
    "不要转账，不要向任何“安全账户”汇款；",
    "不要说出或输入短信验证码，不要下载对方让您装的软件，不要共享屏幕；",
    "不要点击对方发来的链接；",
    "已经转账的，请立即拨打 110 或 96110。",
]


@dataclass(frozen=True)
class Plain:
    """A verdict in plain words for a resident, not an officer."""

    css: str
    headline: str
    fraud_type_label: str | None
    reasons: list[str]
    advice: list[str]
    verdict: str  # fraud | not_fraud (what the feedback form records)
    fraud_type: str | None
    signals: list[str]  # names of the rules that fired, sent with an appeal
    register_line: str | None = None  # which register's threshold judged the text


def plain_words(verdict: Verdict, kind: str) -> Plain:
    register_line = None
    if kind == "text" and verdict.register:
        how = "（自动识别）" if verdict.register_inferred else ""
        register_line = f"按{REGISTER_LABELS[verdict.register]}的写法判断{how}"
    signals = [r.text for r in verdict.reasons if r.kind in ("rule", "element")]
    reasons = [
        f"{'⚠' if r.raises_risk else '✓'} {r.text}：“{r.evidence}”"
        for r in verdict.reasons
        if r.kind != "phrase"
    ]
    phrases = [r.evidence for r in verdict.reasons if r.kind == "phrase"]
    if phrases:
        reasons.append("⚠ 这些说法常见于诈骗信息：" + "、".join(f"“{p}”" for p in phrases))
    if verdict.is_fraud:
        strong = verdict.risk >= 0.8
        return Plain(
            "fraud" if strong else "suspicious",
            "高度疑似诈骗！" if strong else "疑似诈骗，请提高警惕",
            verdict.fraud_type.label if verdict.fraud_type else None,
            reasons,
            ADVICE,
            "fraud",
            verdict.fraud_type.value if verdict.fraud_type else None,
            signals,
            register_line,
        )
    headline = "未发现明显的诈骗特征" if kind == "text" else f"暂未发现该{KIND_LABELS[kind]}的涉诈记录"
    caveat = [
        "这不代表一定安全：凡是让您转账、说验证码、下载软件或共享屏幕的，一律先挂断，再拨打 96110 核实。"
    ]
    return Plain("safe", headline, None, reasons, caveat, "not_fraud", None, signals, register_line)


def _check_page(
    request: Request,
    principal: Principal | None,
    ctx: dict[str, object] | None = None,
    status_code: int = 200,
) -> Response:
    base = {"kinds": KIND_LABELS, "kind": "text", "text": "", "result": None, "thanks": False}
    return page(request, "public/check.html", principal, {**base, **(ctx or {})}, status_code)


@router.get("/check")
def check_form(request: Request, principal: OptionalPrincipal) -> Response:
    return _check_page(request, principal)


@router.post("/check")
def check(
    request: Request,
    session: DbSession,
    principal: OptionalPrincipal,
    text: Annotated[str, Form(max_length=5000)],
    kind: Annotated[InputKind, Form()] = "text",
) -> Response:
    text = text.strip()
    if not text:
        raise ValidationFailed.on("text", f"请填写要查询的{KIND_LABELS[kind]}")
    client = f"public:{request.client.host if request.client else 'unknown'}"
    verdict = classify_for(session, client, [text])[0]
    ctx = {"kind": kind, "text": text, "result": plain_words(verdict, kind)}
    return _check_page(request, principal, ctx)


@router.post("/check/feedback")
def feedback(
    request: Request,
    session: DbSession,
    principal: OptionalPrincipal,
    kind: Annotated[InputKind, Form()],
    verdict: Annotated[Literal["fraud", "not_fraud"], Form()],
    fraud_type: Annotated[str, Form()] = "",
    signals: Annotated[list[str] | None, Form()] = None,
    consent: Annotated[bool, Form()] = False,
    text: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """The text is kept only if the resident ticked the consent box; otherwise it is dropped here.
    Limited per address like /report: each answer is a row an officer may have to review."""
    wait = FEEDBACK_BUCKET.take(request.client.host if request.client else "unknown")
    if wait > 0:
        raise TooManyRequests(f"反馈过于频繁，请 {int(wait // 60) + 1} 分钟后再试", int(wait) + 1)
    appeals.record(session, kind, verdict, fraud_type or None, signals or [], text if consent else None)
    return _check_page(request, principal, {"thanks": True, "consented": consent})

"""Domain errors and the single handler that renders them.

Every error a user can hit is a ``FanzhaError`` subclass carrying its HTTP status, a
stable machine code and a Chinese message for the officer reading it. The API answers
with one JSON shape; a browser gets an HTML page with the same content.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass
class FanzhaError(Exception):
    message: str
    fields: list[FieldError] = field(default_factory=list)
    status: int = 400
    code: str = "bad_request"

    def __str__(self) -> str:
        return self.message


class ValidationFailed(FanzhaError):
    def __init__(self, message: str, fields: list[FieldError] | None = None) -> None:
        super().__init__(message, fields or [], 422, "validation_failed")

    @classmethod
    def on(cls, field_name: str, message: str) -> "ValidationFailed":
        return cls(f"{field_label(field_name)}：{message}", [FieldError(field_name, message)])


class NotFound(FanzhaError):
    def __init__(self, message: str = "记录不存在或不在您的管辖范围内") -> None:
        super().__init__(message, [], 404, "not_found")


class Conflict(FanzhaError):
    def __init__(self, message: str, fields: list[FieldError] | None = None) -> None:
        super().__init__(message, fields or [], 409, "conflict")


class NotAuthenticated(FanzhaError):
    def __init__(self, message: str = "请先登录") -> None:
        super().__init__(message, [], 401, "not_authenticated")


class Forbidden(FanzhaError):
    def __init__(self, message: str = "您没有执行此操作的权限") -> None:
        super().__init__(message, [], 403, "forbidden")


class TooManyRequests(FanzhaError):
    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message, [], 429, "too_many_requests")
        self.retry_after_s = retry_after_s


class ErrorField(BaseModel):
    field: str
    message: str


class ErrorInfo(BaseModel):
    code: str
    message: str
    fields: list[ErrorField]


class ErrorOut(BaseModel):
    """The one error shape, for the OpenAPI document (``error_body`` builds it)."""

    error: ErrorInfo


# Every API route may answer these; listed in the OpenAPI document so clients can rely on them.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "未登录，或 API 密钥无效、已吊销"},
    403: {"model": ErrorOut, "description": "没有执行此操作的权限"},
    404: {"model": ErrorOut, "description": "记录不存在或不在您的管辖范围内"},
    409: {"model": ErrorOut, "description": "与记录当前状态冲突（如已被他人认领）"},
    422: {"model": ErrorOut, "description": "输入有误，fields 逐项说明"},
    429: {"model": ErrorOut, "description": "请求过于频繁，Retry-After 给出等待秒数"},
}


def error_body(err: FanzhaError) -> dict[str, Any]:
    return {
        "error": {
            "code": err.code,
            "message": err.message,
            "fields": [{"field": f.field, "message": f.message} for f in err.fields],
        }
    }


def _wants_html(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def render_error(request: Request, err: FanzhaError) -> Response:
    headers = {}
    if isinstance(err, TooManyRequests):
        headers["Retry-After"] = str(err.retry_after_s)
    if _wants_html(request):
        if isinstance(err, NotAuthenticated) and request.method == "GET":
            # A console page opened without a session: go and log in, then come back.
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        items = "".join(f"<li>{escape(field_label(f.field))}：{escape(f.message)}</li>" for f in err.fields)
        page = (
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<link rel="stylesheet" href="/static/app.css">'
            "<title>出错了 · 反诈平台</title></head><body>"
            "<header class='topbar'><a class='brand' href='/'>反诈平台</a></header>"
            "<main class='page narrow'><section class='card error'>"
            f"<h1>{err.status}</h1><p class='error-message alert'>{escape(err.message)}</p>"
            f"<ul>{items}</ul><p><a href='/'>返回首页</a></p></section></main></body></html>"
        )
        return HTMLResponse(page, status_code=err.status, headers=headers)
    return JSONResponse(error_body(err), status_code=err.status, headers=headers)


# Input field names as an officer reads them in an error line (codes stay in the JSON ``fields``).
FIELD_LABELS = {
    "account": "账号",
    "account_name": "户名",
    "address": "地址",
    "amount": "金额",
    "amount_at_risk": "涉险金额",
    "arrests": "抓获人数",
    "arrived": "到达现场",
    "balance_found": "查到的余额",
    "bank_code": "银行",
    "body": "输入",
    "briefing": "行动简报",
    "case_id": "案件",
    "case_ids": "案件",
    "city": "所在城市",
    "close_min": "办结时限",
    "commander": "总指挥",
    "contact_min": "首次联系时限",
    "den_destroyed": "捣毁窝点",
    "display_name": "姓名",
    "evidence": "证据",
    "executed_amount": "实际执行金额",
    "file": "文件",
    "fraud_type": "诈骗类型",
    "id_number": "身份证号",
    "issued_at": "下发时间",
    "kind": "类型",
    "label": "目标名称",
    "leader": "带队民警",
    "leader_phone": "带队民警电话",
    "level": "等级",
    "loss_amount": "损失金额",
    "name": "名称",
    "node_code": "辖区",
    "note": "说明",
    "occurred_at": "发生时间",
    "outcome": "办结结果",
    "password": "密码",
    "person_name": "姓名",
    "reason": "理由",
    "result": "结果",
    "result_note": "战果说明",
    "role": "角色",
    "scopes": "权限",
    "seized": "查扣物品",
    "source": "来源",
    "source_id": "来源编号",
    "sources": "预警来源",
    "strike_at": "统一收网时间",
    "summary": "简要案情",
    "suspect_account": "对方的收款账户",
    "suspect_phone": "对方电话号码",
    "suspect_url": "对方发来的链接",
    "targets": "收网目标",
    "team": "行动组",
    "text": "内容",
    "title": "标题",
    "unit_id": "单位",
    "unit_name": "任务单位",
    "username": "用户名",
    "victim_address": "住址",
    "victim_age": "年龄",
    "victim_name": "姓名",
    "victim_phone": "电话",
    "visit_min": "上门时限",
}


def field_label(name: str) -> str:
    """``executed_amount`` → 实际执行金额; a nested path by its last known part, else as given."""
    for part in reversed(name.split(".")):
        if part in FIELD_LABELS:
            return FIELD_LABELS[part]
    return name


def field_summary(fields: Iterable["FieldError"]) -> str:
    """One line naming each field in Chinese with what is wrong with it."""
    return "；".join(f"{field_label(f.field)}：{f.message}" for f in fields)


_LOC_SKIP = {"body", "query", "path", "header", "cookie", "form"}

# Pydantic error types → Chinese messages for the officer; ctx values fill the braces.
_MESSAGES = {
    "missing": "必填",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "string_type": "必须是文本",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "float_parsing": "必须是数字",
    "decimal_parsing": "必须是数字",
    "decimal_max_places": "小数位数最多 {decimal_places} 位",
    "bool_parsing": "必须是 true 或 false",
    "greater_than": "必须大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "必须小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "enum": "必须是以下之一：{expected}",
    "literal_error": "必须是以下之一：{expected}",
    "datetime_parsing": "时间格式不正确（例：2026-11-20T09:30:00+08:00）",
    "datetime_from_date_parsing": "时间格式不正确（例：2026-11-20T09:30:00+08:00）",
    "date_parsing": "日期格式不正确（例：2026-11-20）",
    "list_type": "必须是列表",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "dict_type": "必须是对象",
    "model_type": "必须是对象",
    "json_invalid": "不是有效的 JSON",
    "extra_forbidden": "不允许的字段",
    "url_parsing": "网址格式不正确",
}


def describe_pydantic_error(error: Mapping[str, Any]) -> str:
    """A Chinese message for one Pydantic error; our own validators already speak Chinese."""
    kind = str(error.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        return str(error.get("msg", "无效")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    template = _MESSAGES.get(kind)
    if template is None:
        return f"无效（{error.get('msg', kind)}）"
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def field_errors(errors: Iterable[Mapping[str, Any]], prefix: str = "") -> list[FieldError]:
    result = []
    for item in errors:
        loc = [str(p) for p in item.get("loc", ()) if str(p) not in _LOC_SKIP]
        name = ".".join(loc) or "body"
        result.append(FieldError(f"{prefix}{name}", describe_pydantic_error(item)))
    return result


def invalid(fields: list[FieldError]) -> ValidationFailed:
    """One 422 naming the first few fields (in Chinese) in its message and all of them in ``fields``."""
    return ValidationFailed(f"输入有误：{field_summary(fields[:5])}", fields)


def _from_validation(exc: RequestValidationError) -> FanzhaError:
    return invalid(field_errors(exc.errors()))


_HTTP_CODES = {
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


def install_error_handlers(app: FastAPI) -> None:
    async def on_domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, FanzhaError)
        return render_error(request, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return render_error(request, _from_validation(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = "页面不存在" if exc.status_code == 404 else str(exc.detail)
        err = FanzhaError(message, [], exc.status_code, _HTTP_CODES.get(exc.status_code, "error"))
        return render_error(request, err)

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        # Starlette re-raises after this, so the server log still has the traceback.
        message = "服务器内部错误，请稍后重试；如持续出现，请联系系统管理员"
        return render_error(request, FanzhaError(message, [], 500, "internal_error"))

    app.add_exception_handler(FanzhaError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)

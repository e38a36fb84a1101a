"""A small approved bank covering every question kind, and an exam over it."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from fanzha.core.principal import Principal
from fanzha.exams import bank
from fanzha.exams.schemas import BlueprintItem, ExamIn, QuestionIn, SchoolIn

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def question(**overrides: Any) -> QuestionIn:
    data: dict[str, Any] = {
        "kind": "single",
        "fraud_type": "rebate_task",
        "target_group": "students",
        "difficulty": 1,
        "status": "approved",
        "stem": "网上有人招“刷单兼职”，先垫付再返佣金，你该怎么做？",
        "options": ["先做一单小的试试", "拒绝，刷单本身违法且是诈骗", "借钱多做几单", "拉同学一起做"],
        "answer": "B",
        "explanation": "刷单返利是最常见的诈骗：先小额返利取信，再诱你大额垫付后失联。",
    }
    return QuestionIn(**{**data, **overrides})


def stock_bank(session: Session, actor: Principal, per_kind: int = 3, prefix: str = "") -> None:
    """``per_kind`` approved questions of each kind (single, multiple, true/false, scenario)."""
    for i in range(per_kind):
        bank.create_question(session, question(code=f"{prefix}S{i}"), actor)
        bank.create_question(
            session,
            question(
                code=f"{prefix}M{i}",
                kind="multiple",
                fraud_type="impersonate_authority",
                answer="AC",
                stem="“公检法”来电要求做哪些事时可以断定是诈骗？",
                options=["转到“安全账户”", "到派出所当面了解", "线上查看“通缉令”", "挂断后拨打110核实"],
            ),
            actor,
        )
        bank.create_question(
            session,
            question(
                code=f"{prefix}T{i}",
                kind="true_false",
                fraud_type="other",
                options=[],
                answer="A",
                stem="凡是索要短信验证码的，都是诈骗。",
            ),
            actor,
        )
        bank.create_question(
            session,
            question(
                code=f"{prefix}C{i}",
                kind="scenario",
                fraud_type="fake_customer_service",
                answer="BD",
                stem="你收到短信：“您的快递丢失，请加客服QQ办理三倍理赔”。你应该：",
                options=["加QQ按提示操作", "不点链接、不加QQ", "共享屏幕给客服查看", "通过官方App或电话核实"],
            ),
            actor,
        )


def exam_in(**overrides: Any) -> ExamIn:
    data: dict[str, Any] = {
        "title": "测试大学反诈考试",
        "node_code": "369901",
        "schools": [
            SchoolIn(name="东区大学", enrolment=100, node_code="369901001"),
            SchoolIn(name="东区职院", enrolment=50),
        ],
        "blueprint": [
            BlueprintItem(kind="single", count=2),
            BlueprintItem(kind="multiple", count=2),
            BlueprintItem(kind="true_false", count=1),
            BlueprintItem(kind="scenario", count=1),
        ],
        "opens_at": NOW - timedelta(hours=1),
        "closes_at": NOW + timedelta(days=7),
        "time_limit_min": 20,
        "pass_mark": 60,
    }
    return ExamIn(**{**data, **overrides})


def join_in(code: str, student_no: str = "2026001", **overrides: Any) -> Any:
    from fanzha.exams.schemas import JoinIn

    return JoinIn(
        **{"code": code, "school": "东区大学", "class_name": "计科1班", "student_no": student_no, **overrides}
    )

"""The public check page: verdicts in plain words, nothing typed is kept, only feedback is."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.detect.models import Appeal

FRAUD = "【公安局】您涉嫌洗钱，请立即将资金转入安全账户 http://gov-safe.top 配合调查，不得告诉家人"
BANK = "【工商银行】您尾号1234的账户11月20日支出500.00元，余额3000.00元。"


def test_a_fraud_message_is_flagged_with_reasons(client: TestClient) -> None:
    r = client.post("/check", data={"kind": "text", "text": FRAUD})
    assert r.status_code == 200
    assert "疑似诈骗" in r.text and "安全账户" in r.text
    assert "冒充公检法及政府机关" in r.text
    assert "96110" in r.text


def test_a_bank_notice_passes(client: TestClient) -> None:
    r = client.post("/check", data={"kind": "text", "text": BANK})
    assert "未发现明显的诈骗特征" in r.text
    assert "疑似诈骗" not in r.text


def test_the_verdict_says_which_register_judged_the_text(client: TestClient) -> None:
    r = client.post("/check", data={"kind": "text", "text": BANK})
    assert "按短信的写法判断（自动识别）" in r.text
    r = client.post("/check", data={"kind": "phone", "text": "13800138000"})
    assert "的写法判断" not in r.text


def test_checking_stores_nothing(client: TestClient, session: Session) -> None:
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    client.post("/check", data={"kind": "text", "text": FRAUD})
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert session.scalar(select(func.count()).select_from(Appeal)) == 0


def test_wrong_verdict_feedback_keeps_the_verdict_not_the_text(client: TestClient, session: Session) -> None:
    page = client.post("/check", data={"kind": "text", "text": FRAUD}).text
    assert 'name="verdict" value="fraud"' in page
    r = client.post(
        "/check/feedback", data={"kind": "text", "verdict": "fraud", "fraud_type": "impersonate_authority"}
    )
    assert "谢谢您的反馈" in r.text
    row = session.scalars(select(Appeal)).one()
    assert (row.input_kind, row.verdict, row.fraud_type, row.expected) == (
        "text", "fraud", "impersonate_authority", "not_fraud"
    )  # fmt: skip
    assert FRAUD not in str(vars(row))


def test_empty_input_names_what_is_missing(client: TestClient) -> None:
    r = client.post("/check", data={"kind": "phone", "text": " "}, headers={"Accept": "text/html"})
    assert r.status_code == 422 and "电话号码" in r.text

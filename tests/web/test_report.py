"""The public report form: a citizen's report becomes a warning, with its evidence files."""

import re

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.warnings.models import EarlyWarning, ReportFile, WarningAction
from tests.factories import World
from tests.web.test_console import HTML, browser_login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _report(client: TestClient, files: list[tuple[str, tuple[str, bytes, str]]], **fields: str) -> Response:
    data = {
        "text": "有人自称客服说要退款，让我下载会议软件共享屏幕",
        "suspect_phone": "950-1234-5678",
        **fields,
    }
    return client.post("/report", data=data, files=files, headers=HTML)


def test_a_report_becomes_a_citizen_warning_with_its_files(
    client: TestClient, world: World, session: Session, app: object
) -> None:
    r = _report(
        client, [("files", ("chat.png", PNG, "image/png"))], reporter_phone="13700001111", urgent="true"
    )
    assert r.status_code == 200 and "举报已受理" in r.text
    w = session.scalars(select(EarlyWarning).where(EarlyWarning.source == "citizen")).one()
    assert w.level == "high" and w.victim_phone == "13700001111"
    assert {"kind": "phone", "value": "950-1234-5678"} in w.evidence
    stored = session.scalars(select(ReportFile).where(ReportFile.warning_id == w.id)).one()
    assert stored.data == PNG
    anonymous = client.get(f"/warnings/{w.id}/files/{stored.id}", headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303
    boss = TestClient(app)  # type: ignore[arg-type]
    browser_login(boss, "commander")
    assert "chat.png" in boss.get(f"/warnings/{w.id}", headers=HTML).text
    assert boss.get(f"/warnings/{w.id}/files/{stored.id}").content == PNG


def test_a_bad_file_stores_nothing(client: TestClient, world: World, session: Session) -> None:
    r = _report(client, [("files", ("run.exe", b"MZ", "application/x-msdownload"))])
    assert r.status_code == 422
    assert "只接受图片、PDF 或文本文件" in r.text
    assert session.scalar(select(func.count()).select_from(EarlyWarning)) == 0
    assert session.scalar(select(func.count()).select_from(ReportFile)) == 0


def test_report_needs_text(client: TestClient, world: World) -> None:
    r = client.post("/report", data={"text": "  "}, headers=HTML)
    assert r.status_code == 422 and "举报内容" in r.text


def test_a_flood_from_one_address_gets_a_chinese_429_page(app: object, world: World) -> None:
    flood = TestClient(app, client=("203.0.113.77", 40000))  # type: ignore[arg-type]
    answers = [flood.post("/report", data={"text": " "}, headers=HTML).status_code for _ in range(25)]
    assert answers[:20] == [422] * 20 and set(answers[20:]) == {429}
    r = flood.post("/report", data={"text": "又一条"}, headers=HTML)
    assert r.status_code == 429 and "提交过于频繁" in r.text and "96110" in r.text
    assert int(r.headers["Retry-After"]) > 0
    neighbour = TestClient(app, client=("203.0.113.78", 40000))  # type: ignore[arg-type]
    assert neighbour.post("/report", data={"text": " "}, headers=HTML).status_code == 422


def _receipt(page: str) -> str:
    match = re.search(r'id="receipt">(\d{4}) (\d{4})<', page)
    assert match, page
    return match.group(1) + match.group(2)


def test_bad_input_comes_back_as_typed_with_each_field_named(
    client: TestClient, world: World, session: Session
) -> None:
    """Issue 12: text "x" with phone "abc" became a medium-level warning."""
    typed = {"text": "x", "reporter_phone": "abc", "suspect_url": "http://", "address": "阳光路 12 号"}
    r = client.post("/report", data=typed, headers=HTML)
    assert r.status_code == 422
    assert "举报内容：请至少写 6 个字" in r.text and "您的联系电话：请填写 11 位手机号" in r.text
    assert "对方发来的链接：网址格式不正确" in r.text
    assert 'value="abc"' in r.text and ">x</textarea>" in r.text and 'value="阳光路 12 号"' in r.text
    assert session.scalar(select(func.count()).select_from(EarlyWarning)) == 0


def test_a_report_carries_the_detectors_verdict_and_a_grouped_receipt(
    client: TestClient, world: World, session: Session
) -> None:
    message = "我是京东客服，您的订单异常，我们将为您退款，请提供银行卡号"
    r = _report(client, [], text=message, reporter_phone="139 1234 5678")
    assert r.status_code == 200
    receipt = _receipt(r.text)
    w = session.scalars(select(EarlyWarning).where(EarlyWarning.source == "citizen")).one()
    assert w.source_id == receipt and w.state != "held" and w.victim_phone == "13912345678"
    assert w.level == "medium" and w.fraud_type == "fake_customer_service"
    verdict = session.scalars(
        select(WarningAction).where(WarningAction.warning_id == w.id, WarningAction.kind == "verdict")
    ).one()
    assert verdict.result.startswith("疑似诈骗（风险") and "冒充电商物流客服" in verdict.note
    status = client.get("/report/status", params={"no": f"{receipt[:4]} {receipt[4:]}"}, headers=HTML)
    assert status.status_code == 200 and "已受理" in status.text
    assert "13912345678" not in status.text and "139" not in status.text and "客服" not in status.text


def test_a_report_with_nothing_to_act_on_is_held_for_review(
    app: object, world: World, session: Session
) -> None:
    resident = TestClient(app, client=("198.51.100.7", 40000))  # type: ignore[arg-type]
    r = resident.post("/report", data={"text": "我想问一下这个情况怎么办"}, headers=HTML)
    assert r.status_code == 200 and "工作人员将先审核" in r.text
    w = session.scalars(select(EarlyWarning).where(EarlyWarning.source == "citizen")).one()
    assert w.state == "held" and w.level == "low"
    status = resident.get("/report/status", params={"no": _receipt(r.text)}, headers=HTML)
    assert "正在审核" in status.text

    officer = TestClient(app)  # type: ignore[arg-type]
    csrf = browser_login(officer, "analyst")
    page = officer.get("/reports/review", headers=HTML)
    assert f'id="held-{w.id}"' in page.text and "未检出诈骗特征" in page.text
    assert officer.get("/reports/review/count").text == "1"
    refused = officer.post(
        f"/warnings/{w.id}/dismiss",
        data={"csrf_token": csrf, "reason": "", "back": "/reports/review"},
        headers=HTML,
    )
    assert refused.status_code == 422 and "理由" in refused.text
    done = officer.post(f"/reports/review/{w.id}/admit", data={"csrf_token": csrf}, headers=HTML)
    assert done.status_code == 200 and "已放行" in done.text
    session.refresh(w)
    assert w.state == "received"
    assert "已受理，正在分派" in resident.get("/report/status", params={"no": w.source_id}, headers=HTML).text


def test_dissuaders_do_not_see_the_review_queue(app: object, world: World) -> None:
    dissuader = TestClient(app)  # type: ignore[arg-type]
    browser_login(dissuader, "dissuader")
    assert dissuader.get("/reports/review", headers=HTML).status_code == 403
    assert "/reports/review" not in dissuader.get("/", headers=HTML).text


def test_an_unknown_receipt_number_says_so(client: TestClient, world: World) -> None:
    r = client.get("/report/status", params={"no": "1234 5678"}, headers=HTML)
    assert r.status_code == 404 and "受理编号：未找到" in r.text


def test_public_pages_give_110_and_96110_as_numbers_to_call(client: TestClient, world: World) -> None:
    for path in ("/report", "/report/status", "/privacy"):
        text = client.get(path, headers=HTML).text
        assert 'href="tel:96110"' in text, path
    assert 'href="tel:110"' in client.get("/report", headers=HTML).text
    checked = client.post(
        "/check", data={"kind": "text", "text": "我是公安局的，你涉嫌洗钱，把钱转到安全账户"}, headers=HTML
    )
    assert 'href="tel:110"' in checked.text and 'href="tel:96110"' in checked.text

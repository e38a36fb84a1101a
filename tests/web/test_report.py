"""The public report form: a citizen's report becomes a warning, with its evidence files."""

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.warnings.models import EarlyWarning, ReportFile
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

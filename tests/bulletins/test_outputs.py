"""One bulletin, many outputs: the API's JSON, the console page, the PDF, CSV, XLSX and the CLI
all show the same numbers; the demo city's latest monthly bulletin is rendered for a person."""

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session

from fanzha.bulletins import render
from fanzha.bulletins.periods import PeriodKind, latest_complete
from fanzha.bulletins.schemas import Bulletin
from fanzha.bulletins.service import bulletin_for
from fanzha.core.principal import system_principal
from tests.demo_city import DemoCity
from tests.factories import World

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def _expected_texts(b: Bulletin) -> list[str]:
    """Every headline number, change and rate as it must read in each output."""
    texts = [render.figure(m.value) for m in b.headline]
    texts += [m.mom_text for m in b.headline] + [m.yoy_text for m in b.headline]
    texts += [r.text for r in b.rates] + [b.top4_share_text]
    texts += [f"{k.name}" for k in b.children] + [render.figure(k.values["loss_amount"]) for k in b.children]
    return texts


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_api_page_and_pdf_show_the_same_numbers(session: Session, history: World, login) -> None:  # type: ignore[no-untyped-def]
    stats = login("stats")
    data = stats.get("/api/v1/bulletins/369900/2026-10")
    assert data.status_code == 200, data.text
    b = Bulletin.model_validate(data.json())
    assert data.json()["headline"][1]["value"] == "134200.50"  # money is exact in JSON
    page = stats.get("/bulletins", params={"node": "369900", "period": "2026-10"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    pdf = stats.get("/api/v1/bulletins/369900/2026-10/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bulletin-test-history-369900-2026-10.pdf").write_bytes(pdf.content)
    for expected in _expected_texts(b):
        assert expected in page.text, expected
        assert expected in text, expected
    assert "134,200.50" in text and "同比上升25.0%" in text and "环比上升150.0%" in text
    assert "电信网络诈骗防范打击工作通报" in text and "2026年10月" in text


def test_spreadsheets_hold_the_underlying_tables(session: Session, history: World, login) -> None:  # type: ignore[no-untyped-def]
    stats = login("stats")
    raw = stats.get("/api/v1/bulletins/369900/2026-10/csv")
    assert raw.status_code == 200 and "attachment" in raw.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(raw.text.lstrip("\ufeff"))))
    cases_row = next(r for r in rows if r and r[0] == "发案数")
    assert cases_row[2:7] == ["5", "2", "+150.0%", "4", "+25.0%"]
    assert next(r for r in rows if r and r[0] == "rebate_task")[2:5] == ["2", "1200.00", "40.0%"]
    book = load_workbook(io.BytesIO(stats.get("/api/v1/bulletins/369900/2026-10/xlsx").content))
    assert book.sheetnames == ["指标", "诈骗类型", "受害群体与年龄", "预警来源", "下级单位排名"]
    loss = next(r for r in book["指标"].iter_rows(values_only=True) if r[0] == "损失金额")
    assert loss[2] == pytest.approx(134200.50) and loss[6] == "+3255.0%"
    kids = list(book["下级单位排名"].iter_rows(values_only=True))
    assert [r[1] for r in kids[1:]] == ["东区", "西区"]


def test_scope_permission_and_bad_input(session: Session, history: World, login, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    police_a = login("police_a")  # station A: may see its own station, not station B or the city
    assert police_a.get("/api/v1/bulletins/369901001/2026-10").json()["headline"][0]["value"] == 3
    assert police_a.get("/api/v1/bulletins/369901002/2026-10").status_code == 404
    assert police_a.get("/api/v1/bulletins/369900/2026-10").status_code == 404
    assert login("bank_icbc").get("/api/v1/bulletins/369900/2026-10").status_code == 403
    assert client.get("/api/v1/bulletins/369900/2026-10").status_code == 401
    bad = login("stats").get("/api/v1/bulletins/369900/2026-13")
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "period"
    assert login("stats").get("/api/v1/bulletins/369900/2026-10/docx").status_code == 422


def test_demo_city_latest_month_renders_for_a_person(demo_city: DemoCity) -> None:
    assert demo_city.built.returncode == 0, demo_city.built.stderr
    period = latest_complete(PeriodKind.MONTH, demo_city.now)
    with demo_city.session() as s:
        b = bulletin_for(s, system_principal(), demo_city.city(s).code, period.key, now=demo_city.now)
    pdf = render.render_pdf(b)
    assert render.figure(b.measure("cases").value) in _pdf_text(pdf)
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"bulletin-{b.node_code}-{b.period_key}.pdf"
    target.write_bytes(pdf)
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF is kept, no PNG preview")
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(target), str(target.with_suffix(""))], check=True)
    assert list(ARTIFACTS.glob(f"bulletin-{b.node_code}-{b.period_key}-*.png"))

"""Recording a contact shows its code once: on the warning's contact form and in the API answer."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import World
from tests.warnings.factories import add_gazetteer, make_warning


def test_the_api_returns_the_code_and_the_sms_text_for_a_contact(
    login, session: Session, world: World
) -> None:  # type: ignore[no-untyped-def]
    add_gazetteer(session, world)
    w = make_warning(session, world)
    police: TestClient = login("police_a")
    police.post(f"/api/v1/warnings/{w.id}/claim")
    note = police.post(f"/api/v1/warnings/{w.id}/actions", json={"kind": "note", "note": "家属在场"}).json()
    assert note["verification_code"] is None and note["sms_text"] is None
    sms = police.post(f"/api/v1/warnings/{w.id}/actions", json={"kind": "sms", "result": "已发送"}).json()
    code = sms["verification_code"]
    assert len(code) == 6 and code.isdigit() and f"核验码{code}" in sms["sms_text"]
    assert sms["sms_text"].startswith("【甲派出所】紧急提醒")  # a high-risk rebate-task warning
    assert "刷单" in sms["sms_text"]


def test_the_console_shows_the_code_on_the_contact_form_and_the_lookups(
    login, client: TestClient, session: Session, world: World
) -> None:  # type: ignore[no-untyped-def]
    add_gazetteer(session, world)
    w = make_warning(session, world)
    police: TestClient = login("police_a")
    police.post(f"/warnings/{w.id}/claim")
    page = police.post(f"/warnings/{w.id}/act", data={"kind": "call", "result": "已接通"})
    assert page.status_code == 200 and 'id="verification-code"' in page.text
    code = page.text.split('<strong class="code">')[1][:6]
    assert "尚未核验" in police.get(f"/warnings/{w.id}").text
    assert code not in police.get(f"/warnings/{w.id}").text  # shown once
    answer = client.post("/verify", data={"code": code})
    assert "这是甲派出所 社区民警" in answer.text and "的劝阻联系（电话）" in answer.text
    assert "当事人已核验 1 次" in police.get(f"/warnings/{w.id}").text

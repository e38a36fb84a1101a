"""The public exam pages without a browser: join, answers kept across reloads, submit, certificate."""

import json
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fanzha.core.timeutil import utcnow
from fanzha.exams import certificate, service
from fanzha.exams import repository as repo
from fanzha.exams.models import Exam
from tests.exams.factories import exam_in, stock_bank
from tests.factories import World


def _open_exam(session: Session, world: World) -> Exam:
    stock_bank(session, world.principals["prevention"])
    now = utcnow()
    return service.create_exam(
        session,
        exam_in(opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=1)),
        world.principals["prevention"],
    )


def _join(client: TestClient, code: str, student_no: str = "2026001") -> str:
    r = client.post(
        "/exam/join",
        data={"code": code, "school": "东区大学", "class_name": "计科1班", "student_no": student_no},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/exam/sheet", r.text
    sheet = client.get("/exam/sheet")
    assert sheet.status_code == 200
    found = re.search(r'name="key" value="([0-9a-f]{32})"', sheet.text)
    assert found is not None
    return found.group(1)


def test_candidate_answers_reloads_submits_and_gets_a_verifiable_certificate(
    client: TestClient, session: Session, world: World
) -> None:
    exam = _open_exam(session, world)
    form = client.get(f"/exam?code={exam.code}")
    assert "东区大学" in form.text and "学号" in form.text
    key = _join(client, exam.code)
    attempt_id = int(client.cookies["fanzha_exam"].split(".")[0])
    right = {
        item.position: [i for i, o in enumerate(item.order) if o in version.answer]
        for item, version, _ in repo.items_with_versions(session, attempt_id)
    }
    one, *rest = sorted(right)
    r = client.post(  # the form's own button, for a browser without scripts
        "/exam/answer", data={"key": key, "position": one, "choice": right[one]}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == f"/exam/sheet#q{one}"
    batch = json.dumps({str(p): right[p] for p in rest})
    r = client.post(
        "/exam/answers", data={"key": key, "answers": batch}, headers={"Accept": "application/json"}
    )
    assert r.status_code == 200 and r.json()["saved"] == rest, r.text
    reloaded = client.get("/exam/sheet")
    assert reloaded.text.count(" checked") == sum(
        len(v.answer) for _, v, _ in repo.items_with_versions(session, attempt_id)
    )
    done = client.post("/exam/submit", data={"key": key}, follow_redirects=False)
    assert done.headers["location"] == "/exam/result"
    result = client.get("/exam/result")
    assert "100 分 · 合格" in result.text and "解析：" in result.text
    assert client.get("/exam/sheet", follow_redirects=False).headers["location"] == "/exam/result"
    pdf = client.get("/exam/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    code = re.search(r'id="certificate-code">([A-Z0-9-]{19})<', result.text)
    assert code is not None
    shown = client.get(f"/exam/verify?code={code.group(1).lower()}")
    assert shown.status_code == 200 and "证书有效" in shown.text and "20***01" in shown.text
    forged = code.group(1)[:-1] + ("A" if code.group(1)[-1] != "A" else "B")
    refused = client.get(f"/exam/verify?code={forged}")
    assert refused.status_code == 404 and "查无此证书" in refused.text
    assert certificate.verify(session, code.group(1)).score == 100


def test_forms_without_the_attempt_key_or_cookie_are_refused(
    client: TestClient, session: Session, world: World
) -> None:
    exam = _open_exam(session, world)
    key = _join(client, exam.code)
    assert (
        client.post("/exam/answer", data={"key": "0" * 32, "position": 1, "choice": [0]}).status_code == 403
    )
    batch = {"key": "0" * 32, "answers": '{"1": [0]}'}
    assert client.post("/exam/answers", data=batch).status_code == 403
    broken = client.post("/exam/answers", data={"key": key, "answers": "{1: [0"})
    assert broken.status_code == 422 and "作答数据格式不正确" in broken.json()["error"]["message"]
    stranger = TestClient(client.app)
    assert stranger.post("/exam/submit", data={"key": key}).status_code == 403
    assert stranger.get("/exam/sheet", follow_redirects=False).headers["location"] == "/exam"


def test_join_errors_are_shown_on_the_form(client: TestClient, session: Session, world: World) -> None:
    exam = _open_exam(session, world)
    r = client.post("/exam/join", data={"code": exam.code, "school": "东区大学", "class_name": "1班"})
    assert r.status_code == 422 and "请填写学号" in r.text
    unknown = client.get("/exam?code=ZZZZZZ")
    assert "考试码不存在" in unknown.text


def test_a_failed_candidate_sees_the_wrong_answers_and_no_certificate(
    client: TestClient, session: Session, world: World
) -> None:
    exam = _open_exam(session, world)
    key = _join(client, exam.code)
    client.post("/exam/submit", data={"key": key})
    result = client.get("/exam/result")
    assert (
        "0 分 · 未合格" in result.text
        and "答错的题目（6 道）" in result.text
        and "你的答案：<strong>未作答" in result.text
    )
    assert client.get("/exam/certificate.pdf").status_code == 404

"""The exam API end to end: an officer builds the bank and an exam; a candidate joins, answers, submits."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fanzha.core.timeutil import utcnow
from fanzha.exams import bank
from fanzha.exams import repository as repo
from fanzha.exams.files import write_csv
from tests.exams.factories import exam_in, join_in, stock_bank
from tests.factories import World


def _exam_body(**overrides: object) -> dict[str, object]:
    now = utcnow()
    return exam_in(
        opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=1), **overrides
    ).model_dump(mode="json")


def test_officer_imports_bank_creates_exam_and_candidate_submits(
    login, client: TestClient, session: Session, world: World
) -> None:  # type: ignore[no-untyped-def]
    officer = login("prevention")
    stock_bank(session, world.principals["prevention"])
    csv = write_csv(
        bank.FILE_COLUMNS,
        [
            [
                "",
                "判断题",
                "other",
                "general",
                "1",
                "approved",
                "验证码可以告诉“客服”。",
                *[""] * 6,
                "B",
                "验证码就是钱包钥匙。",
            ]
        ],
    )
    imported = officer.post("/api/v1/exams/questions/import", files={"file": ("q.csv", csv, "text/csv")})
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"created": 1, "edited": 0}
    created = officer.post("/api/v1/exams", json=_exam_body())
    assert created.status_code == 201, created.text
    code = created.json()["code"]
    joined = client.post("/api/v1/public/exams/join", json=join_in(code).model_dump())
    assert joined.status_code == 200, joined.text
    attempt_id, token = joined.json()["attempt_id"], joined.json()["token"]
    headers = {"X-Exam-Token": token}
    right = {
        item.position: [i for i, o in enumerate(item.order) if o in version.answer]
        for item, version, _ in repo.items_with_versions(session, attempt_id)
    }
    one, *rest = sorted(right)
    r = client.put(
        f"/api/v1/public/exams/attempts/{attempt_id}/answers/{one}",
        json={"choices": right[one]},
        headers=headers,
    )
    assert r.status_code == 204, r.text
    batch = {str(p): right[p] for p in rest}
    r = client.put(
        f"/api/v1/public/exams/attempts/{attempt_id}/answers", json={"answers": batch}, headers=headers
    )
    assert r.status_code == 204, r.text
    r = client.put(
        f"/api/v1/public/exams/attempts/{attempt_id}/answers", json={"answers": {"0": [0]}}, headers=headers
    )
    assert r.status_code == 422, r.text
    done = client.post(f"/api/v1/public/exams/attempts/{attempt_id}/submit", headers=headers)
    assert done.status_code == 200 and done.json()["score"] == 100
    again = client.post(f"/api/v1/public/exams/attempts/{attempt_id}/submit", headers=headers)
    assert again.status_code == 409 and "已交卷" in again.json()["error"]["message"]
    forged = client.post(
        f"/api/v1/public/exams/attempts/{attempt_id}/submit", headers={"X-Exam-Token": "x" * 30}
    )
    assert forged.status_code == 403


def test_bad_exam_and_question_bodies_name_the_field(login, world: World) -> None:  # type: ignore[no-untyped-def]
    officer = login("prevention")
    r = officer.post("/api/v1/exams", json={**_exam_body(), "schools": [], "pass_mark": 120})
    assert r.status_code == 422
    assert {"pass_mark"} <= {f["field"] for f in r.json()["error"]["fields"]}
    q = officer.post(
        "/api/v1/exams/questions",
        json={
            "kind": "single",
            "fraud_type": "rebate_task",
            "stem": "x",
            "options": ["a", "b"],
            "answer": "C",
            "explanation": "y",
        },
    )
    assert q.status_code == 422 and "“C”不是有效选项" in q.json()["error"]["message"]
    assert login("police_a").post("/api/v1/exams", json=_exam_body()).status_code == 403


def test_export_downloads_csv_and_xlsx(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    stock_bank(session, world.principals["prevention"], per_kind=1)
    officer = login("prevention")
    csv = officer.get("/api/v1/exams/questions/export.csv")
    assert csv.status_code == 200 and csv.content.startswith("\ufeffcode,kind".encode())
    xlsx = officer.get("/api/v1/exams/questions/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"

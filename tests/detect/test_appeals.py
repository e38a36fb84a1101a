"""Appeals against public verdicts: consent decides whether the text is kept; analysts review a
queue grouped by rule; reviewed appeals become training rows and list entries, with an audit trail."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.core.errors import Conflict, Forbidden
from fanzha.core.timeutil import utcnow
from fanzha.detect import appeals
from fanzha.detect.corpus import load
from fanzha.detect.models import Appeal
from fanzha.detect.rules import RULES
from fanzha.detect.service import detector_for
from tests.factories import World

FRAUD = "【公安局】您涉嫌洗钱，请立即将资金转入安全账户 http://gov-safe.top 配合调查，不得告诉家人"
SAFE_ACCOUNT = next(r.label for r in RULES if "安全账户" in r.label)
NORMAL_FLAGGED = "妈，我换了新号，这是我新微信，有空加一下"


def _appeal_from_page(client: TestClient, text: str, consent: bool) -> None:
    """Check a text on the public page, then press "这个结果不对" with what the page sent."""
    page = client.post("/check", data={"kind": "text", "text": text}).text
    verdict = "fraud" if 'name="verdict" value="fraud"' in page else "not_fraud"
    signals = [s.split('"')[0] for s in page.split('name="signals" value="')[1:]]
    data: dict[str, object] = {"kind": "text", "verdict": verdict, "signals": signals, "text": text}
    if consent:
        data["consent"] = "true"
    thanks = client.post("/check/feedback", data=data).text
    assert "谢谢您的反馈" in thanks


def test_with_consent_the_text_reaches_the_review_queue(
    client: TestClient, session: Session, world: World
) -> None:
    _appeal_from_page(client, FRAUD, consent=True)
    row = session.scalars(select(Appeal)).one()
    assert row.text == FRAUD and row.status == "pending" and row.expected == "not_fraud"
    assert SAFE_ACCOUNT in row.signals  # the rules that fired, by name
    groups = appeals.queue(session, world.principals["analyst"])
    assert [a.id for g in groups for a in g.appeals] == [row.id]
    assert groups[0].signal == row.signals[0]


def test_without_consent_no_text_is_kept(client: TestClient, session: Session) -> None:
    _appeal_from_page(client, FRAUD, consent=False)
    row = session.scalars(select(Appeal)).one()
    assert row.text is None and row.verdict == "fraud"
    assert FRAUD not in json.dumps({k: str(v) for k, v in vars(row).items()}, ensure_ascii=False)


def test_signals_that_are_not_rule_names_are_dropped(session: Session) -> None:
    row = appeals.record(session, "text", "fraud", None, ["转账到 6222 0000 1111 2222", "forged"], None)
    assert row.signals == []


def test_only_reviewers_decide_and_only_once_with_an_audit_entry(session: Session, world: World) -> None:
    row = appeals.record(session, "text", "fraud", "rebate_task", [], NORMAL_FLAGGED)
    with pytest.raises(Forbidden):
        appeals.decide(session, row.id, True, "", world.principals["police_a"])
    appeals.decide(session, row.id, True, "家人换号，正常", world.principals["analyst"])
    with pytest.raises(Conflict, match="已复核"):
        appeals.decide(session, row.id, False, "", world.principals["analyst"])
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "detect.appeal_review")).one()
    assert entry.object_id == str(row.id) and entry.after["label"] == "not_fraud"


def test_a_reviewed_appeal_appears_in_the_training_export(
    session: Session, world: World, tmp_path: Path
) -> None:
    upheld = appeals.record(session, "text", "fraud", "rebate_task", [], NORMAL_FLAGGED)
    rejected = appeals.record(session, "text", "fraud", "impersonate_authority", [], FRAUD)
    appeals.record(session, "text", "fraud", None, [], "还没复核的内容")
    appeals.record(session, "text", "fraud", None, [], None)
    analyst = world.principals["analyst"]
    appeals.decide(session, upheld.id, True, "", analyst)
    appeals.decide(session, rejected.id, False, "", analyst)
    assert appeals.training_rows(session) == [
        {"text": NORMAL_FLAGGED, "label": "normal"},
        {"text": FRAUD, "label": "fraud", "fraud_type": "impersonate_authority"},
    ]
    out = tmp_path / "appeals.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in appeals.training_rows(session)))
    assert [(e.text, e.is_fraud) for e in load(out)] == [(NORMAL_FLAGGED, False), (FRAUD, True)]


def test_reviewed_numbers_join_the_detectors_lists(app: FastAPI, session: Session, world: World) -> None:
    analyst = world.principals["analyst"]
    bad = appeals.record(session, "phone", "not_fraud", None, [], "170-0000-9999")
    good = appeals.record(session, "phone", "fraud", None, [], "0799-86660330")
    appeals.decide(session, bad.id, True, "", analyst)
    appeals.decide(session, good.id, True, "", analyst)
    detector = detector_for(session)
    assert detector.reputation.lookup_black("17000009999") == f"申诉复核 #{bad.id}"
    assert detector.reputation.lookup_white("079986660330") == f"申诉复核 #{good.id} 确认正常"


def test_figures_count_weeks_share_upheld_and_time_to_review(session: Session, world: World) -> None:
    analyst = world.principals["analyst"]
    rows = [appeals.record(session, "text", "fraud", None, [], None) for _ in range(3)]
    for row in rows:
        row.at = utcnow() - timedelta(hours=10)
    appeals.decide(session, rows[0].id, True, "", analyst)
    appeals.decide(session, rows[1].id, False, "", analyst)
    f = appeals.figures(session, analyst)
    assert sum(n for _, n in f.per_week) == 3 and f.reviewed == 2 and f.upheld_share == 0.5
    assert f.median_review_hours is not None and 9.9 < f.median_review_hours < 10.1


def test_the_review_page_groups_and_decides(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    row = appeals.record(session, "text", "fraud", None, [SAFE_ACCOUNT], FRAUD)
    analyst: TestClient = login("analyst")
    page = analyst.get("/appeals").text
    assert SAFE_ACCOUNT in page and f'id="appeal-{row.id}"' in page and "安全账户" in page
    r = analyst.post(f"/appeals/{row.id}/decision", data={"upheld": "false", "note": "确为诈骗"})
    assert r.status_code == 200 and f'id="appeal-{row.id}"' not in r.text and "已复核 1 条" in r.text
    assert login("police_a").get("/appeals").status_code == 403

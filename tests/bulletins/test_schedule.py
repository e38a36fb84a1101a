"""The schedule issues each ended day, week and month once per city/district and keeps it."""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from fanzha.bulletins import service
from fanzha.bulletins.models import StoredBulletin
from fanzha.bulletins.periods import Period
from fanzha.core.vocab import FraudType
from tests.bulletins.history import A1, add_cases, local
from tests.factories import World

# Monday 2 November 2026, 01:00 in Shanghai: 1 November, week 2026-W44 and October have ended.
NOW = local(2026, 11, 2, 1)


def test_due_lists_every_ended_period_for_city_and_districts(session: Session, world: World) -> None:
    due = {(node.code, period.key) for node, period in service.due(session, NOW)}
    assert due == {(code, key) for code in ("369900", "369901", "369902")
                   for key in ("2026-11-01", "2026-W44", "2026-10")}  # fmt: skip


def test_tick_issues_what_is_due_once_and_keeps_it(
    session: Session, history: World, monkeypatch: pytest.MonkeyPatch, login
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(service, "MAX_PER_TICK", 2)  # each tick is bounded; the next one goes on
    assert service.tick(session, NOW) == 2
    assert len(service.due(session, NOW)) == 7
    assert service.tick(session, NOW) == 2
    assert len(service.due(session, NOW)) == 5

    issued = login("stats").get("/api/v1/bulletins/issued").json()
    # Shortest periods first: the three days, then the city's week.
    assert {(i["node_code"], i["period_key"]) for i in issued} == {
        ("369900", "2026-11-01"),
        ("369901", "2026-11-01"),
        ("369902", "2026-11-01"),
        ("369900", "2026-W44"),
    }
    week = next(i for i in issued if i["period_key"] == "2026-W44")
    stored = session.get(StoredBulletin, week["id"])
    assert stored is not None and stored.generated_by == "system:0:bulletin-schedule"
    live = service.bulletin_for(session, history.principals["stats"], week["node_code"], week["period_key"])
    assert stored.figures["headline"][0]["value"] == live.measure("cases").value == 2
    pdf = login("stats").get(f"/api/v1/bulletins/issued/{week['id']}.pdf")
    assert pdf.status_code == 200 and pdf.content == stored.pdf
    assert "电信网络诈骗防范打击工作通报" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    # Station A's officer does not see the city's or districts' issued bulletins.
    assert login("police_a").get("/api/v1/bulletins/issued").json() == []
    assert login("police_a").get(f"/api/v1/bulletins/issued/{week['id']}.pdf").status_code == 404


def test_an_issued_bulletin_stays_as_issued(session: Session, history: World) -> None:
    city = history.node("369900")
    stored = service.issue(session, city, Period.parse("2026-10"), NOW, "test")
    add_cases(session, [(A1, local(2026, 10, 9), FraudType.OTHER, "5.00", None, None)])  # a late registration
    assert stored.figures["headline"][0]["value"] == 5
    live = service.bulletin_for(session, history.principals["stats"], "369900", "2026-10")
    assert live.measure("cases").value == 6
    assert ("369900", "2026-10") not in {(n.code, p.key) for n, p in service.due(session, NOW)}

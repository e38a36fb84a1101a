"""Series show suspects' phones and accounts masked, like the clue page: the API, the list and
series pages, the case panel and operations' target-package form; a permitted reveal shows them
whole and writes one audit entry, a reader without the permission is refused."""

from sqlalchemy.orm import Session

from fanzha.audit.service import history_of
from tests.clues.factories import case_with
from tests.factories import World

FULL = ("6222020077778888", "6222-0200-7777-8888", "6222 0200 7777 8888", "13955556666", "139 5555 6666")


def _reveals(session: Session, series_id: int) -> int:
    return [e.action for e in history_of(session, "series", str(series_id))].count("pii.reveal")


def test_series_are_masked_everywhere_and_a_reveal_is_audited(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    first = case_with(session, world, ("bank_account", "6222 0200 7777 8888"), ("phone", "13955556666"))
    second = case_with(session, world, ("bank_account", "6222-0200-7777-8888"), ("phone", "139 5555 6666"))
    analyst = login("analyst")
    (link,) = analyst.get(f"/api/v1/series/by-case/{first}").json()
    series_id = link["series_id"]
    shown = {
        "api detail": analyst.get(f"/api/v1/series/{series_id}").text,
        "api list": analyst.get("/api/v1/series").text,
        "api by case": str(link),
        "series page": analyst.get(f"/series/{series_id}").text,
        "series list": analyst.get("/series").text,
        "case panel": analyst.get(f"/series/by-case/{second}").text,
        "package form": analyst.get(f"/operations/packages/new?series_id={series_id}").text,
    }
    for where, text in shown.items():
        assert not [v for v in FULL if v in text], where
    assert "139****6666" in shown["series page"] and "6222 **** **** 8888" in shown["package form"]
    assert 'href="?reveal=true"' in shown["series page"] and _reveals(session, series_id) == 0

    revealed = analyst.get(f"/api/v1/series/{series_id}?reveal=true").json()
    assert {i["value"] for i in revealed["identifiers"]} == {"6222020077778888", "13955556666"}
    assert "6222-0200-7777-8888" in {e["raw"] for e in revealed["edges"]}
    assert _reveals(session, series_id) == 1
    assert "13955556666" in analyst.get(f"/series/{series_id}?reveal=true").text
    assert _reveals(session, series_id) == 2
    stats = login("stats")  # reads series, may not reveal
    assert stats.get(f"/api/v1/series/{series_id}").status_code == 200
    assert stats.get(f"/api/v1/series/{series_id}?reveal=true").status_code == 403
    assert _reveals(session, series_id) == 2

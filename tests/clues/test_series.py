"""Series (串并案): cases sharing an identifier however it is written fall in one series; a new
case shows at once which series it joins and, when it bridges two, says through what."""

import pytest
from sqlalchemy.orm import Session

from fanzha.clues import service
from fanzha.clues.schemas import SeriesQuery
from fanzha.core.errors import NotFound
from tests.clues.factories import case_with
from tests.factories import World


def _series(session: Session, world: World, case_id: int) -> int | None:
    links = service.series_for_case(session, world.principals["commander"], case_id)
    return links[0].series_id if links else None


def test_account_written_three_ways_links_and_a_phone_chains_a_third(session: Session, world: World) -> None:
    a = case_with(session, world, ("bank_account", "6222 0200 1234 5678"))
    b = case_with(session, world, ("bank_account", "6222-0200-1234-5678"), ("phone", "13911112222"))
    c = case_with(session, world, ("phone", "+86 139-1111-2222"))
    d = case_with(session, world, ("bank_account", "６２２２０２００１２３４５６７８"), node="369902001001")
    lone = case_with(session, world, ("phone", "13700000000"), ("bank_account", "6228480000000001"))
    ids = {x: _series(session, world, x) for x in (a, b, c, d)}
    assert len(set(ids.values())) == 1 and None not in ids.values()
    assert _series(session, world, lone) not in ids.values()
    detail = service.get_series(session, world.principals["commander"], ids[a] or 0, reveal=True)
    assert {(m.kind, m.record_id) for m in detail.members} == {("case", x) for x in (a, b, c, d)}
    assert detail.totals.cases == 4 and len(detail.totals.places) == 2
    account = next(i for i in detail.identifiers if i.kind == "bank_account")
    assert account.value == "6222020012345678" and len(account.records) == 3
    assert len(detail.edges) == 5


def test_a_case_bridging_two_series_merges_them_and_names_the_bridge(session: Session, world: World) -> None:
    a1 = case_with(session, world, ("phone", "13900000001"), ("app", "金融宝"))
    case_with(session, world, ("app", " 金融宝 "))
    b1 = case_with(session, world, ("bank_account", "6222000011112222"))
    case_with(session, world, ("bank_account", "6222 0000 1111 2222"))
    first, second = _series(session, world, a1), _series(session, world, b1)
    assert first != second
    bridge = case_with(session, world, ("phone", "139 0000 0001"), ("bank_account", "6222-0000-1111-2222"))
    links = service.series_for_case(session, world.principals["commander"], bridge)
    assert len(links) == 1 and links[0].case_count == 5
    merged = links[0].series_id
    assert {v.value for v in links[0].via} == {"139****0001", "6222 **** **** 2222"}
    detail = service.get_series(session, world.principals["commander"], merged, reveal=True)
    (merge,) = detail.merges
    assert merge.via is not None and merge.via.value in {"13900000001", "6222000011112222"}
    assert merge.via.value in merge.text and {merge.from_id, merge.into_id} == {first, second}
    # The absorbed series' id still opens the merged one.
    absorbed = merge.from_id
    assert service.get_series(session, world.principals["commander"], absorbed).id == merged


def test_official_numbers_and_hubs_link_nothing(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = case_with(session, world, ("phone", "95588"))
    b = case_with(session, world, ("phone", "95588"))
    assert _series(session, world, a) is None and _series(session, world, b) is None
    monkeypatch.setenv("FANZHA_SERIES_HUB_DEGREE", "2")
    from fanzha.core.config import get_settings

    get_settings.cache_clear()
    try:
        first = [case_with(session, world, ("app", "某热门APP")) for _ in range(2)]
        late = case_with(session, world, ("app", "某热门app"))
        assert _series(session, world, first[0]) == _series(session, world, first[1]) is not None
        assert _series(session, world, late) is None
    finally:  # the cached settings must not keep the low cap for the tests that follow
        monkeypatch.delenv("FANZHA_SERIES_HUB_DEGREE")
        get_settings.cache_clear()


def test_a_station_sees_series_touching_its_cases_only(session: Session, world: World) -> None:
    a = case_with(session, world, ("wechat", "scam_boss"))
    case_with(session, world, ("wechat", "SCAM_BOSS"), node="369901002001")
    other = case_with(session, world, ("qq", "123456"), node="369901002001")
    case_with(session, world, ("qq", "123 456"), node="369901002001")
    shared = _series(session, world, a)
    theirs = _series(session, world, other)
    police_a = world.principals["police_a"]
    seen = {s.id for s in service.list_series(session, police_a, SeriesQuery())}
    assert shared in seen and theirs not in seen
    with pytest.raises(NotFound):
        service.get_series(session, police_a, theirs or 0)
    detail = service.get_series(session, police_a, shared or 0)
    assert sorted(m.readable for m in detail.members) == [False, True]
    found = service.list_series(session, police_a, SeriesQuery(identifier="Scam_Boss"))
    assert [s.id for s in found] == [shared]

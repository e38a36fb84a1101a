"""Accounts a trace reaches go into the series index (through the clues service): two cases
whose money reaches the same account fall in one series, which shows the traced accounts; a
case whose money goes elsewhere stays apart."""

from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.clues import service as clues
from fanzha.clues.models import RecordKind
from fanzha.funds.importer import import_statement
from fanzha.funds.store import TransactionStore
from tests.cases.factories import case_in
from tests.factories import World

HEADER = "account,counterparty_account,bank,direction,amount,balance,time,channel,counterparty_name\n"
MULE = "6222000099990000"
# Two victims' money goes through a first-level account each into the same mule account; a
# third victim's money goes elsewhere.
CHAIN = [
    ("6222000000000001", "6222000011110001", "5000.00", "2026-11-01T01:00:00+00:00"),
    ("6222000011110001", MULE, "4000.00", "2026-11-01T02:00:00+00:00"),
    ("6222000000000002", "6222000011110002", "3000.00", "2026-11-01T03:00:00+00:00"),
    ("6222000011110002", MULE, "2500.00", "2026-11-01T04:00:00+00:00"),
    ("6222000000000003", "6222000011110003", "3000.00", "2026-11-01T03:00:00+00:00"),
]
SINCE = "2026-11-01T08:00:00+08:00"


def _case(session: Session, world: World, phone: str) -> int:
    body = case_in("369901001001", suspect_identifiers=[{"kind": "phone", "value": phone}])
    return cases.register_case(session, body, world.principals["police_a"]).id


def _series(session: Session, world: World, case_id: int) -> int | None:
    links = clues.series_for_case(session, world.principals["commander"], case_id)
    return links[0].series_id if links else None


def test_traces_join_cases(login, session: Session, world: World, store: TransactionStore) -> None:  # type: ignore[no-untyped-def]
    lines = [f"{a},{b},ICBC,out,{amt},,{t},网银,\n" for a, b, amt, t in CHAIN]
    import_statement(store, (HEADER + "".join(lines)).encode(), "chain.csv", "test")
    first, second, apart = (_case(session, world, p) for p in ("13800001111", "13800002222", "13800003333"))
    assert _series(session, world, first) != _series(session, world, second)  # nothing shared yet
    police = login("police_a")
    for case_id, victim in ((first, "6222000000000001"), (apart, "6222000000000003")):
        body = {"account": victim, "since": SINCE, "case_id": case_id}
        assert police.post("/api/v1/funds/trace", json=body).status_code == 200
    # The console's trace page only reads; its 记入串并案 button records the second case's trace.
    query = {"case_id": second, "account": "6222000000000002", "since": "2026-11-01T08:00"}
    page = police.get("/funds/trace", params=query)
    assert page.status_code == 200 and 'action="/funds/trace/series"' in page.text
    assert _series(session, world, first) != _series(session, world, second)
    recorded = police.post("/funds/trace/series", data=query, follow_redirects=False)
    assert recorded.status_code == 303
    assert "2 个下游账户" in police.get(recorded.headers["location"]).text

    joined = _series(session, world, first)
    assert joined is not None and joined == _series(session, world, second)
    assert _series(session, world, apart) != joined
    detail = clues.get_series(session, world.principals["commander"], joined, reveal=True)
    traced = {m.record_id for m in detail.members if m.kind == RecordKind.TRACED_ACCOUNT}
    assert traced == {first, second} and detail.totals.cases == 2
    mule = next(i for i in detail.identifiers if i.value == MULE)
    assert {kind for kind, _ in mule.records} == {RecordKind.TRACED_ACCOUNT.value}
    assert len(mule.records) == 2

"""Tracing a victim's money on a hand-built chain: exact FIFO and proportional figures."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
from sqlalchemy.orm import Session

from fanzha.funds.graph import GraphIndex, index_for
from fanzha.funds.importer import import_statement
from fanzha.funds.store import TransactionStore
from fanzha.funds.trace import TraceParams, cents_to_yuan, trace
from tests.cases.factories import case_in
from tests.factories import World

SINCE = datetime(2026, 11, 1, tzinfo=UTC)
HEADER = "account,counterparty_account,bank,direction,amount,balance,time,channel,counterparty_name\n"
# Victim V pays 10,000 into A, where 10,000 of someone else's money (X) arrived first. A pays
# 15,000 to B; B pays 6,000 to C, then 4,000 to D (a line of D's statement: "in" from B);
# C pays 50 to E (below the minimum); B paid F before any of the victim's money arrived.
CHAIN = [
    ("X", "A", "ICBC", "out", "10000.00", "2026-11-01T01:00:00+00:00"),
    ("V", "A", "ICBC", "out", "10000.00", "2026-11-01T02:00:00+00:00"),
    ("A", "B", "ICBC", "out", "15000.00", "2026-11-01T03:00:00+00:00"),
    ("B", "C", "CCB", "out", "6000.00", "2026-11-01T04:00:00+00:00"),
    ("D", "B", "CCB", "in", "4000.00", "2026-11-01T05:00:00+00:00"),
    ("C", "E", "CCB", "out", "50.00", "2026-11-01T06:00:00+00:00"),
    ("B", "F", "CCB", "out", "1000.00", "2026-11-01T00:30:00+00:00"),
]


def _load(store: TransactionStore) -> GraphIndex:
    lines = [f"{a},{b},{bank},{d},{amt},,{t},网银,\n" for a, b, bank, d, amt, t in CHAIN]
    import_statement(store, (HEADER + "".join(lines)).encode(), "chain.csv", "test")
    return index_for(store)


def _flows(index: GraphIndex, rule: str, **kw: int) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    result = trace(index, TraceParams("V", SINCE, rule, **kw))  # type: ignore[arg-type]
    return {
        a.account: tuple(cents_to_yuan(x) for x in (a.received, a.sent, a.remaining)) for a in result.accounts
    }  # type: ignore[misc]


def test_fifo_attributes_oldest_money_first(store: TransactionStore) -> None:
    flows = _flows(_load(store), "fifo", min_cents=10_000)
    # A pays X's 10,000 first, then 5,000 of V's; B pays V's 5,000 (oldest) to C, nothing to D.
    assert flows["A"] == (Decimal("10000.00"), Decimal("5000.00"), Decimal("5000.00"))
    assert flows["B"] == (Decimal("5000.00"), Decimal("5000.00"), Decimal("0.00"))
    assert flows["C"] == (Decimal("5000.00"), Decimal("0.00"), Decimal("4950.00"))
    assert "D" not in flows and "F" not in flows


def test_proportional_attributes_by_share(store: TransactionStore) -> None:
    flows = _flows(_load(store), "proportional", min_cents=10_000)
    # A holds 20,000 (half V's), pays 15,000 → 7,500 of V's. B pays 6,000 of 15,000 → 3,000,
    # then 4,000 of the 9,000 left (4,500 V's) → 2,000. C pays 25 of V's 3,000 on to E.
    assert flows["A"] == (Decimal("10000.00"), Decimal("7500.00"), Decimal("2500.00"))
    assert flows["B"] == (Decimal("7500.00"), Decimal("5000.00"), Decimal("2500.00"))
    assert flows["C"] == (Decimal("3000.00"), Decimal("0.00"), Decimal("2975.00"))
    assert flows["D"] == (Decimal("2000.00"), Decimal("0.00"), Decimal("2000.00"))


def test_truncation_is_marked_where_a_bound_cut(store: TransactionStore) -> None:
    index = _load(store)
    hops = trace(index, TraceParams("V", SINCE, "fifo", max_hops=2, min_cents=10_000))
    marked = {a.account: a.truncated for a in hops.accounts if a.truncated}
    assert marked == {"C": {"hops": 500_000}}
    small = trace(index, TraceParams("V", SINCE, "fifo", max_hops=4, min_cents=10_000))
    assert {a.account: a.truncated for a in small.accounts if a.truncated} == {"C": {"min_amount": 5_000}}
    window = trace(index, TraceParams("V", SINCE, "fifo", window_s=int(2.5 * 3600), min_cents=10_000))
    assert {a.account: a.truncated for a in window.accounts if a.truncated} == {"A": {"time": 1_000_000}}
    assert window.truncated


def test_only_later_transfers_are_followed() -> None:
    accounts = ["V", "A", "B"]
    t0 = int(SINCE.timestamp())
    # A → B happens before V's money reaches A, so none of it is the victim's.
    arrays = [np.array(v, dtype=np.int64) for v in ([0, 1], [1, 2], [t0 + 100, t0 + 50], [100_000, 100_000])]
    result = trace(GraphIndex.from_arrays(accounts, *arrays), TraceParams("V", SINCE))
    assert [a.account for a in result.accounts] == ["V", "A"]


def test_api_exports_and_turns_top_accounts_into_requests(  # type: ignore[no-untyped-def]
    login, session: Session, world: World, store: TransactionStore
) -> None:
    from fanzha.cases import service as cases

    _load(store)
    case = cases.register_case(session, case_in(), world.principals["police_a"])
    session.commit()
    client = login("police_a")
    body = {"account": "V", "since": SINCE.isoformat(), "rule": "fifo", "min_amount": "100.00"}
    as_json = client.post("/api/v1/funds/trace", json=body)
    assert as_json.status_code == 200, as_json.text
    assert json.loads(as_json.text)["ranked"] == ["A", "C"]
    svg = client.post("/api/v1/funds/trace?fmt=svg", json=body)
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<svg" in svg.text
    csv_text = client.post("/api/v1/funds/trace?fmt=csv", json=body).text
    assert csv_text.splitlines()[1] == "A,ICBC,1,10000.00,5000.00,5000.00,"
    made = client.post("/api/v1/funds/trace/requests", json={**body, "case_id": case.id, "top": 2})
    assert made.status_code == 201, made.text
    created = made.json()["created"]
    assert [(r["account"], r["bank_code"], r["amount"], r["status"]) for r in created] == [
        ("A", "ICBC", "5000.00", "requested"),
        ("C", "CCB", "4950.00", "requested"),
    ]

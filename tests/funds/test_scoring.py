"""Mule scores rank a pass-through account above ordinary ones and say why."""

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from fanzha.funds.graph import GraphIndex
from fanzha.funds.importer import COLUMNS, import_statement
from fanzha.funds.scoring import score_accounts, score_all
from fanzha.funds.store import TransactionStore
from tests.factories import World

ACCOUNTS = ["A", "B", "C", "D", "E", "F"]


def _line(src: str, dst: str, amount: str, when: str, direction: str = "out") -> str:
    return f"{src},{dst},ICBC,{direction},{amount},,{when},,\n"


def test_pass_through_account_ranks_first_with_explanation(store: TransactionStore) -> None:
    lines = []
    for k in range(8):  # M collects from 8 people at night and passes it all on within the hour
        lines.append(_line(f"P{k}", "M", "5000.00", f"2026-11-0{1 + k % 5}T01:{10 + k}:00+08:00"))
        lines.append(_line("M", f"Q{k}", "4990.00", f"2026-11-0{1 + k % 5}T01:{40 + k}:00+08:00"))
    for k in range(8):  # an ordinary account: salary in, bills out over weeks
        lines.append(_line("EMPLOYER", "N", "8123.45", f"2026-10-{10 + k}T10:00:00+08:00"))
        lines.append(_line("N", f"SHOP{k}", "312.17", f"2026-10-{11 + k}T19:00:00+08:00"))
    import_statement(store, (",".join(COLUMNS) + "\n" + "".join(lines)).encode(), "s.csv", "test")
    scores = {s.account: s for s in score_all(store, case_accounts=["Q3"])}
    ranked = sorted(scores, key=lambda a: -scores[a].score)
    assert ranked[0] == "M"
    assert scores["M"].score > scores["N"].score
    why = {c.feature: c for c in scores["M"].contributions}
    assert why["fast_out"].value == 1.0 and why["night"].value == 1.0
    assert why["case_link"].value == 0.5  # traded with a case's suspect account
    assert scores["Q3"].contributions[0].feature == "case_link"


def test_api_scores_one_account_as_the_list_does(login, world: World, store: TransactionStore) -> None:  # type: ignore[no-untyped-def]
    lines = [_line(f"P{k}", "M", "5000.00", f"2026-11-01T01:{10 + k}:00+08:00") for k in range(6)]
    lines += [_line("M", f"Q{k}", "4990.00", f"2026-11-01T01:{40 + k}:00+08:00") for k in range(6)]
    import_statement(store, (",".join(COLUMNS) + "\n" + "".join(lines)).encode(), "s.csv", "test")
    client = login("police_a")
    listed = {s["account"]: s for s in client.get("/api/v1/funds/mule-scores?top=100").json()}
    one = client.get("/api/v1/funds/mule-scores", params={"account": "M"}).json()
    assert one == [listed["M"]] and one[0]["score"] > listed["P0"]["score"]
    assert client.get("/api/v1/funds/mule-scores", params={"account": "NOPE"}).json() == []
    # The list is kept between requests, until statements are imported.
    more = [_line(f"R{k}", "NEW", "5000.00", f"2026-11-02T01:{10 + k}:00+08:00") for k in range(9)]
    import_statement(store, (",".join(COLUMNS) + "\n" + "".join(more)).encode(), "more.csv", "test")
    assert "NEW" in {s["account"] for s in client.get("/api/v1/funds/mule-scores?top=100").json()}


statements = st.lists(
    st.tuples(
        st.sampled_from(ACCOUNTS),
        st.sampled_from(ACCOUNTS),
        st.sampled_from(["out", "in"]),
        st.sampled_from([100_00, 5_000_00, 1_234_56, 99_99]),
        st.integers(0, 60 * 24),  # hours into a 60-day span: nights, quick pass-through, dormancy
    ).filter(lambda line: line[0] != line[1]),
    min_size=1,
    max_size=30,
)


@settings(max_examples=40, deadline=None)
@example([("A", "B", "out", 100_00, 0), ("C", "D", "out", 100_00, 59 * 24)], {"A"}, set())  # horizon: C's
@given(
    statements,
    st.sets(st.sampled_from([*ACCOUNTS, "ABSENT"])),
    st.sets(st.sampled_from([*ACCOUNTS, "ABSENT"])),
)
def test_scoring_some_accounts_gives_their_whole_store_scores(
    lines: list[tuple[str, str, str, int, int]], wanted: set[str], named: set[str]
) -> None:
    """The trace page and the API score only the accounts they show; each must get the score the
    whole-store computation gives it (features, case links, the store-wide "new account" horizon)."""
    start = datetime(2026, 9, 1, tzinfo=UTC)
    rows = [
        _line(a, b, f"{cents / 100:.2f}", (start + timedelta(hours=h)).isoformat(), direction)
        for a, b, direction, cents, h in lines
    ]
    with tempfile.TemporaryDirectory() as tmp:
        store = TransactionStore(Path(tmp) / "tx.duckdb")
        import_statement(store, (",".join(COLUMNS) + "\n" + "".join(rows)).encode(), "s.csv", "test")
        everyone = score_all(store, named)
        some = score_accounts(GraphIndex.from_store(store), wanted, named)
    assert some == [s for s in everyone if s.account in wanted]

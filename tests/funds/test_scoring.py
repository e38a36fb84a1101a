"""Mule scores rank a pass-through account above ordinary ones and say why."""

from fanzha.funds.importer import COLUMNS, import_statement
from fanzha.funds.scoring import score_all
from fanzha.funds.store import TransactionStore


def _line(src: str, dst: str, amount: str, when: str) -> str:
    return f"{src},{dst},ICBC,out,{amount},,{when},,\n"


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

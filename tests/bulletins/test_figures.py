"""Case figures of a bulletin against hand-computed values from tests/bulletins/history.py."""

from decimal import Decimal

from sqlalchemy.orm import Session

from fanzha.bulletins.schemas import Bulletin
from fanzha.bulletins.service import bulletin_for
from fanzha.core.principal import system_principal
from fanzha.core.vocab import FraudType
from tests.bulletins.history import A1, B1, add_cases, local
from tests.factories import World

D = Decimal


def _bulletin(session: Session, node: str, period: str) -> Bulletin:
    return bulletin_for(session, system_principal(), node, period)


def test_month_totals_changes_and_breakdowns(session: Session, history: World) -> None:
    b = _bulletin(session, "369900", "2026-10")
    cases, loss = b.measure("cases"), b.measure("loss_amount")
    assert (cases.value, cases.previous, cases.last_year) == (5, 2, 4)
    assert (cases.mom_text, cases.yoy_text) == ("+150.0%", "+25.0%")
    assert (loss.value, loss.previous, loss.last_year) == (D("134200.50"), D("1200.00"), D("4000.00"))
    # (134200.50 − 1200) / 1200 = 110.83375 → +11083.4%; (134200.50 − 4000) / 4000 → +3255.0%
    assert (loss.mom_text, loss.yoy_text) == ("+11083.4%", "+3255.0%")
    assert cases.decline_streak == 0

    types = {t.code: (t.count, t.amount, t.share_text) for t in b.fraud_types}
    assert types["rebate_task"] == (2, D("1200.00"), "40.0%")
    assert types["romance"] == (1, D("80000.00"), "20.0%")
    assert types["fake_loan"] == (0, D("0.00"), "0.0%")
    # Ordered by cases, then losses: the top four are all five cases.
    assert [t.code for t in b.fraud_types[:4]] == ["rebate_task", "romance", "fake_investment",
                                                   "fake_customer_service"]  # fmt: skip
    assert b.top4_share_text == "100.0%"
    groups = {g.code: (g.count, g.share_text) for g in b.victim_groups}
    assert groups == {"student": (1, "20.0%"), "elderly": (1, "20.0%"), "young_mother": (1, "20.0%"),
                      "worker": (1, "20.0%"), "entrepreneur": (0, "0.0%"), "other": (0, "0.0%"),
                      "unknown": (1, "20.0%")}  # fmt: skip
    bands = {a.code: a.count for a in b.age_bands}
    assert bands == {"under_18": 0, "18_23": 1, "24_35": 1, "36_59": 1, "60_plus": 1, "unknown": 1}
    assert [c.loss_amount for c in b.notable_cases] == [D("80000.00"), D("50000.50"), D("3000.00"),
                                                        D("1000.00"), D("200.00")]  # fmt: skip
    assert (
        b.notable_cases[0].node_name == "和平村" and b.notable_cases[0].fraud_type_label == "网络婚恋、交友"
    )


def test_children_are_ranked(session: Session, history: World) -> None:
    b = _bulletin(session, "369900", "2026-10")
    east, west = b.children
    assert (east.name, east.values["cases"], east.values["loss_amount"]) == ("东区", 4, D("54200.50"))
    assert (west.name, west.values["cases"], west.values["loss_amount"]) == ("西区", 1, D("80000.00"))
    # Cases per 10,000 people: east 4 / 600, west 1 / 400.
    assert (east.cases_per_10k, west.cases_per_10k) == (D("66.67"), D("25.00"))
    assert (east.cases_yoy_text, west.cases_yoy_text) == ("+33.3%", "0.0%")
    assert (east.ranks["cases"], west.ranks["cases"]) == (1, 2)
    assert (east.ranks["loss_amount"], west.ranks["loss_amount"]) == (2, 1)
    station_a = _bulletin(session, "369901001", "2026-10")
    assert [(k.name, k.values["cases"]) for k in station_a.children] == [("阳光社区", 1), ("绿洲社区", 1)]
    assert [k.ranks["cases"] for k in station_a.children] == [1, 1]  # a tie shares the place
    assert _bulletin(session, A1, "2026-10").children == []  # a grid has no child units


def test_weeks_cross_months_and_years(session: Session, history: World) -> None:
    w44 = _bulletin(session, "369900", "2026-W44")  # 26 Oct – 1 Nov
    assert (w44.measure("cases").value, w44.measure("loss_amount").value) == (2, D("1199.00"))
    assert w44.measure("cases").previous == 1  # W43: the case of 20 October
    assert w44.measure("cases").mom_text == "+100.0%"
    w40 = _bulletin(
        session, "369900", "2026-W40"
    )  # 28 Sep – 4 Oct: the last second of September, first of October
    assert (w40.measure("cases").value, w40.measure("loss_amount").value) == (2, D("1700.00"))
    w53 = _bulletin(session, "369900", "2026-W53")  # 28 Dec 2026 – 3 Jan 2027
    assert (w53.measure("cases").value, w53.measure("cases").previous) == (1, 1)
    assert _bulletin(session, "369900", "2027").measure("cases").value == 1
    assert _bulletin(session, "369900", "2026-11").measure("cases").value == 1
    assert _bulletin(session, "369900", "2026-Q4").measure("cases").value == 5 + 1 + 1


def test_leap_day_compares_with_28_february(session: Session, history: World) -> None:
    day = _bulletin(session, "369900", "2024-02-29")
    cases = day.measure("cases")
    assert (cases.value, cases.last_year, cases.previous) == (1, 2, 0)
    assert (cases.yoy_text, cases.mom_text) == ("-50.0%", "—")
    assert day.last_year_key == "2023-02-28"


def test_an_empty_period_has_no_division_by_zero(session: Session, history: World) -> None:
    b = _bulletin(session, "369900", "2026-06")
    stock = {m.key: m.value for m in b.headline if m.key == "fraud_free_grids"}
    assert stock == {"fraud_free_grids": 4}  # no case anywhere: every grid is fraud-free
    for m in b.headline:
        if m.key in stock:
            continue
        assert m.value == 0 and m.mom is None and m.yoy is None and m.mom_text == m.yoy_text == "—"
    assert b.top4_share is None and b.top4_share_text == "—"
    assert all(t.share_text == "—" for t in b.fraud_types)
    assert all(r.text == "—" for r in b.rates)
    assert b.notable_cases == []
    assert all(k.cases_yoy_text == "—" and k.success_rate_text == "—" for k in b.children)


def test_consecutive_months_of_decline(session: Session, world: World) -> None:
    # Station B: July 4 cases, August 3, September 2, October 1 → three months of decline.
    rows = [(B1, local(2026, month, 10), FraudType.OTHER, "1.00", None, None)
            for month, n in [(7, 4), (8, 3), (9, 2), (10, 1)] for _ in range(n)]  # fmt: skip
    add_cases(session, rows)
    b = _bulletin(session, "369901002", "2026-10")
    assert b.measure("cases").decline_streak == 3
    assert b.measure("loss_amount").decline_streak == 3
    assert [p.cases for p in b.series[-5:]] == [0, 4, 3, 2, 1]
    assert _bulletin(session, "369901002", "2026-07").measure("cases").decline_streak == 0


def test_money_stopped_frozen_and_returned(session: Session, history: World) -> None:
    b = _bulletin(session, "369900", "2026-10")
    got = {m.key: (m.value, m.previous, m.mom_text) for m in b.headline}
    assert got["stop_payments"] == (2, 0, "—")
    assert got["stop_payment_amount"] == (D("32500.00"), D("0.00"), "—")
    assert got["freezes"] == (1, 1, "0.0%")  # September's freeze was carried out at 23:30 on 30 September
    assert got["frozen_accounts"] == (1, 1, "0.0%")
    assert got["frozen_amount"] == (D("30000.00"), D("20000.00"), "+50.0%")
    assert got["returned_amount"] == (D("20000.00"), D("0.00"), "—")  # November's return is not here
    east, west = b.children
    assert (east.values["stop_payments"], east.values["frozen_amount"], east.values["returned_amount"]) == (
        2, D("30000.00"), D("0.00"))  # fmt: skip
    assert (west.values["frozen_amount"], west.values["returned_amount"]) == (D("0.00"), D("20000.00"))
    assert (east.ranks["frozen_amount"], west.ranks["frozen_amount"]) == (1, 2)
    november = _bulletin(session, "369900", "2026-11")
    assert november.measure("returned_amount").value == D("30000.00")


def test_warnings_received_reached_closed_and_dissuaded(session: Session, history: World) -> None:
    b = _bulletin(session, "369900", "2026-10")
    got = {m.key: (m.value, m.previous) for m in b.headline}
    assert got["warnings_received"] == (5, 1)  # W4 was received on 30 September
    assert got["warnings_high"] == (2, 1)
    assert got["warnings_reached_in_time"] == (2, 1)
    assert got["warnings_closed"] == (
        4,
        0,
    )  # W4 closed on 1 October; W3 was a false alarm; W5 closed in November
    assert got["warnings_dissuaded"] == (3, 0)
    assert got["overdue_steps"] == (3, 0)
    rates = {r.key: (r.numerator, r.denominator, r.text) for r in b.rates}
    assert rates == {
        "in_time_rate": (2, 5, "40.0%"),
        "success_rate": (3, 4, "75.0%"),
        "exam_pass_rate": (0, 0, "—"),
        "exam_coverage": (0, 0, "—"),
    }
    sources = {s.source: s.by_level for s in b.warning_sources}
    assert sources["ministry"] == {"高危": 1, "中危": 0, "低危": 0}
    assert sources["96110"] == {"高危": 0, "中危": 1, "低危": 0}
    assert sources["bank"]["中危"] == 1 and sources["citizen"] == {"高危": 0, "中危": 0, "低危": 0}
    assert sum(s.total for s in b.warning_sources) == 5
    east, west = b.children
    assert [east.values[k] for k in ("warnings_received", "warnings_closed", "warnings_dissuaded")] == [
        4,
        3,
        2,
    ]
    assert (east.success_rate_text, west.success_rate_text) == ("66.7%", "100.0%")
    assert (east.ranks["success_rate"], west.ranks["success_rate"]) == (2, 1)
    assert (east.ranks["warnings_dissuaded"], west.ranks["warnings_dissuaded"]) == (1, 2)
    november = _bulletin(session, "369900", "2026-11")
    assert (november.measure("warnings_received").value, november.measure("warnings_closed").value) == (0, 1)

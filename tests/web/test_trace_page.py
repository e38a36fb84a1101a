"""资金查控 page: a built chain shows as a graph and a ranked table, truncation is marked, top → requests."""

import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.cases import service as cases
from fanzha.core.config import get_settings
from fanzha.funds.graph import GraphIndex
from fanzha.funds.importer import import_statement
from fanzha.funds.models import FundRequest
from fanzha.funds.store import TransactionStore
from fanzha.funds.trace import TraceParams, trace
from fanzha.web.trace import graph_option
from tests.cases.factories import case_in
from tests.factories import World
from tests.funds.test_trace import CHAIN, HEADER, SINCE
from tests.web.test_console import HTML, browser_login

# tests/funds/test_trace.py's chain starts 2026-11-01 00:00 UTC: 08:00 in Beijing.
QUERY = "account=V&since=2026-11-01T08:00&hops={hops}&hours=72&min_amount=100&rule=fifo"


@pytest.fixture
def chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TransactionStore:
    """Its own transaction store holding the hand-built chain of the trace tests."""
    monkeypatch.setattr(get_settings(), "funds_data_dir", tmp_path)
    store = TransactionStore()
    lines = [f"{a},{b},{bank},{d},{amt},,{t},网银,\n" for a, b, bank, d, amt, t in CHAIN]
    import_statement(store, (HEADER + "".join(lines)).encode(), "chain.csv", "test")
    return store


def _officer(app: FastAPI) -> tuple[TestClient, str]:
    client = TestClient(app)
    return client, browser_login(client, "police_a")


def test_trace_page_shows_the_chain_as_graph_and_ranked_table(
    app: FastAPI, world: World, chain: TransactionStore
) -> None:
    client, _ = _officer(app)
    r = client.get("/funds/trace?" + QUERY.format(hops=4), headers=HTML)
    assert r.status_code == 200, r.text
    ranked = r.text.split('id="ranked"')[1]
    # FIFO: 5,000.00 of the victim's money stays in A, 4,950.00 in C (50 went on to E, below the minimum).
    assert ranked.index("5,000.00") < ranked.index("4,950.00")
    assert re.search(r"<td>A</td><td>ICBC</td>", ranked) and re.search(r"<td>C</td><td>CCB</td>", ranked)
    option = json.loads(html.unescape(re.search(r"data-chart='([^']+)'", r.text).group(1)))  # type: ignore[union-attr]
    series = option["series"][0]
    assert {n["name"] for n in series["data"] if "category" in n} == {"V", "A", "B", "C"}
    assert {(e["source"], e["target"]) for e in series["links"]} == {("V", "A"), ("A", "B"), ("B", "C")}
    assert "低于最小金额" in r.text and 'id="truncated"' in r.text  # the 50 yuan to E was not followed
    assert 'href="/funds/trace/export?' in r.text


def test_truncation_by_hops_is_marked_in_graph_and_table(
    app: FastAPI, world: World, chain: TransactionStore
) -> None:
    client, _ = _officer(app)
    r = client.get("/funds/trace?" + QUERY.format(hops=2), headers=HTML)
    marks = r.text.split('id="truncated"')[1].split("</p>")[0]
    assert "C · 超出跳数上限 5,000.00" in marks
    option = json.loads(html.unescape(re.search(r"data-chart='([^']+)'", r.text).group(1)))  # type: ignore[union-attr]
    cut = [n for n in option["series"][0]["data"] if n.get("category") == 2]
    assert [n["name"] for n in cut] == ["C"] and "截断：超出跳数上限" in cut[0]["label"]["formatter"]


def test_unknown_account_is_explained_on_the_page(
    app: FastAPI, world: World, chain: TransactionStore
) -> None:
    client, _ = _officer(app)
    r = client.get("/funds/trace?account=NOPE&since=2026-11-01T08:00", headers=HTML)
    assert r.status_code == 422 and "已导入的流水中没有账户 NOPE" in r.text and 'id="trace-form"' in r.text


def test_case_accounts_are_offered_and_top_accounts_become_requests(
    app: FastAPI, world: World, session: Session, chain: TransactionStore
) -> None:
    case = cases.register_case(session, case_in("369901001001"), world.principals["police_a"])
    client, csrf = _officer(app)
    page = client.get(f"/funds/trace?case_id={case.id}", headers=HTML).text
    assert "6222020000001234567" in page and "案件嫌疑账户" in page
    (use,) = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "pii.use", AuditEntry.object_id == str(case.id))
    )  # the whole account was shown: that read is on the record
    assert "police_a" in use.actor and use.after["purpose"] == "funds.trace"
    assert 'value="2026-11-10T10:30"' in page  # the case's time, in Beijing time
    form = {
        "csrf_token": csrf,
        "case_id": str(case.id),
        "top": "2",
        "account": "V",
        "since": "2026-11-01T08:00",
        "hops": "4",
        "hours": "72",
        "min_amount": "100",
        "rule": "fifo",
    }
    r = client.post("/funds/trace/requests", data=form, headers=HTML)
    assert r.status_code == 200 and "已生成 2 条紧急止付申请" in r.text
    made = session.scalars(select(FundRequest).where(FundRequest.case_id == case.id)).all()
    assert {(m.account, m.bank_code, str(m.amount)) for m in made} == {
        ("A", "ICBC", "5000.00"),
        ("C", "CCB", "4950.00"),
    }
    assert all(m.status == "requested" for m in made)
    # Now the case names A and C too; the page starts from one the statements know.
    again = client.get(f"/funds/trace?case_id={case.id}", headers=HTML)
    chosen = re.search(r'name="account" list="case-accounts"[^>]* value="([^"]*)"', again.text)
    assert again.status_code == 200 and chosen and chosen.group(1) in {"A", "C"}
    assert "案件嫌疑账户，流水中无此账户" in again.text and "ICBC 紧急止付 #" in again.text


def test_export_downloads_the_svg(app: FastAPI, world: World, chain: TransactionStore) -> None:
    client, _ = _officer(app)
    r = client.get("/funds/trace/export?" + QUERY.format(hops=4) + "&fmt=svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert r.text.startswith("<svg") and "attachment" in r.headers["content-disposition"]


transfers = st.lists(
    st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(0, 72 * 3600), st.integers(1, 5_000_000)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(transfers, st.integers(1, 5), st.sampled_from(["fifo", "proportional"]))
def test_graph_draws_every_account_once_and_every_arrow_between_drawn_accounts(
    edges: list[tuple[int, int, int, int]], hops: int, rule: str
) -> None:
    """Whatever the flow (cycles, self-sends, cuts), the chart has one box per account and no loose arrow."""
    names = [f"62{i:04d}" for i in range(8)]
    src, dst, t, cents = (np.array(col, dtype=np.int64) for col in zip(*edges, strict=True))
    index = GraphIndex.from_arrays(names, src, dst, t + int(SINCE.timestamp()), cents)
    result = trace(index, TraceParams(names[int(src[0])], SINCE, rule, max_hops=hops))  # type: ignore[arg-type]
    series = graph_option(result)["series"][0]
    boxes = [n["name"] for n in series["data"] if "category" in n]
    assert sorted(boxes) == sorted(a.account for a in result.accounts) and len(set(boxes)) == len(boxes)
    drawn = {n["name"] for n in series["data"]}
    assert all(e["source"] in drawn and e["target"] in drawn for e in series["links"])
    cut = {n["name"] for n in series["data"] if n.get("category") == 2}
    assert cut == {a.account for a in result.accounts if a.truncated and a.hop > 0}
    json.dumps(graph_option(result))  # it goes into the page as JSON

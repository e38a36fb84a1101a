"""A monthly bulletin for the city node over 1,000,000 cases and 2,000,000 warnings (PostgreSQL).

Usage: python -m benchmarks.bench_bulletins [--reuse] [--rounds N] [--queries]
       postgresql+psycopg://postgres@127.0.0.1:5432/fz_bench_bulletins
The database is emptied, migrated and filled with the demo city (772 grids) plus the rows,
generated inside PostgreSQL (INSERT … SELECT generate_series) over the two years before the
demo's "now" (about 2 minutes). ``--reuse`` keeps the rows of an earlier run when they are all
there and only applies new migrations (new indexes are then built over the existing rows).
Either way the tables are vacuumed and analyzed (what autovacuum does after a bulk load), then
the bulletin's figures (everything the API returns) are computed several times; the PDF
rendering is timed separately. ``--queries`` adds one more computation that prints the time of
each SQL statement. Target: figures under 2 s.
"""

import argparse
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from benchmarks.common import machine, summary_ms
from fanzha.bulletins import figures, render
from fanzha.bulletins.periods import Period
from fanzha.cases.models import Case
from fanzha.cli import use_database
from fanzha.core.db import get_engine, new_session
from fanzha.demo.builder import build_demo
from fanzha.demo.city import CITY_CODE
from fanzha.jurisdiction import repository as tree
from fanzha.jurisdiction.models import Node
from fanzha.migrations.runner import upgrade
from fanzha.warnings.models import EarlyWarning

# A fixed "now", so every run measures the same city and history.
DEMO_NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

CASES = 1_000_000
WARNINGS = 2_000_000
SPAN_MINUTES = 730 * 24 * 60  # two years before the demo's now
# Row g happens at an even step through the two years (plus up to an hour of jitter), so rows
# lie in the table roughly in time order, as records arriving day by day do.
AT = (
    f"(:now - interval '{SPAN_MINUTES} minutes'"
    f" + ((g::bigint * {SPAN_MINUTES}) / :rows + (g::bigint * 7919) % 60) * interval '1 minute')"
)

# Grids numbered 0..n-1, so row g goes to grid (g * 7) % n and every grid gets its share.
GRIDS = (
    "(SELECT row_number() OVER (ORDER BY path) - 1 AS k, id, path FROM jurisdiction_nodes WHERE level = 4)"
)
TYPES = "(ARRAY['rebate_task','fake_customer_service','fake_investment','fake_loan','fake_credit_repair'," \
        "'fake_shopping','impersonate_authority','impersonate_acquaintance','game_trading','romance'," \
        "'impersonate_military','other'])"  # fmt: skip
GROUPS = "(ARRAY['student','elderly','young_mother','worker','entrepreneur','other'])"
CASES_SQL = f"""
INSERT INTO cases (case_no, occurred_at, node_id, node_path, fraud_type, tags, loss_amount, victim_age,
                   victim_group, summary, status, created_at, created_by)
SELECT 'BENCH-' || g, {AT}, n.id, n.path,
       {TYPES}[1 + (g * 13) % 12], '[]', ((g * 37) % 200000) / 4.0, 12 + (g * 11) % 75,
       {GROUPS}[1 + (g * 5) % 6], '', 'registered', :now, 'bench'
FROM generate_series(0, :rows - 1) AS g JOIN {GRIDS} AS n ON n.k = (g * 7) % :grids
"""
LEVELS = "(ARRAY['high','medium','low'])"
SOURCES = "(ARRAY['ministry','province','city','12381','96110','bank','operator','citizen'])"
OUTCOMES = "(ARRAY['dissuaded','dissuaded','dissuaded','not_reached','false_alarm','refused','defrauded'])"
# Received over the same two years; contacted 0–39 minutes and closed 10 minutes–24 hours later.
WARNINGS_SQL = f"""
INSERT INTO warnings_items (source, source_id, issued_at, received_at, level, level_rank, fraud_type,
                            tags, evidence, text, state, node_id, node_path, route_reason, outcome_note,
                            version, contact_due_at, close_due_at, first_contact_at, closed_at, outcome,
                            contact_overdue_at)
SELECT {SOURCES}[1 + g % 8], 'BENCH-' || g, t, t, {LEVELS}[1 + g % 3], g % 3, {TYPES}[1 + (g * 13) % 12],
       '[]', '[]', '', 'closed', n.id, n.path, '', '', 1,
       t + interval '30 minutes', t + interval '24 hours', t + (g % 40) * interval '1 minute',
       t + (10 + (g * 17) % 1430) * interval '1 minute', {OUTCOMES}[1 + (g * 3) % 7],
       CASE WHEN g % 40 >= 30 THEN t + interval '30 minutes' END
FROM (SELECT g, {AT} AS t FROM generate_series(0, :rows - 1) AS g) AS x
JOIN {GRIDS} AS n ON n.k = (x.g * 7) % :grids
"""


def _fill(session: Session) -> None:
    grids = len(tree.subtree(session, "/", max_level=4)) - len(tree.subtree(session, "/", max_level=3))
    params = {"now": DEMO_NOW, "grids": grids}
    t = time.perf_counter()
    session.execute(text(CASES_SQL), {**params, "rows": CASES})
    print(f"  inserted {CASES:,} cases in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    session.execute(text(WARNINGS_SQL), {**params, "rows": WARNINGS})
    print(f"  inserted {WARNINGS:,} warnings in {time.perf_counter() - t:.1f} s")


def _generated(session: Session) -> bool:
    """Whether an earlier run's rows are all there (then ``--reuse`` keeps them)."""
    bench = "BENCH-%"
    cases = session.scalar(select(func.count()).select_from(Case).where(Case.case_no.like(bench)))
    warnings = session.scalar(
        select(func.count()).select_from(EarlyWarning).where(EarlyWarning.source_id.like(bench))
    )
    return (cases, warnings) == (CASES, WARNINGS)


def _prepare(url: str, reuse: bool) -> None:
    use_database(url)
    if reuse:
        upgrade(url)
        with new_session() as session:
            if _generated(session):
                print("  reusing the rows of an earlier run (migrations applied)")
                return
        print("  no complete earlier run to reuse: generating")
    with get_engine().begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(url)
    with new_session() as session:
        build_demo(session, now=DEMO_NOW)
        _fill(session)
        session.commit()


def _vacuum() -> None:
    """Set the visibility map and statistics, as autovacuum does after a bulk load; without it
    PostgreSQL cannot answer from an index alone."""
    t = time.perf_counter()
    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(f"  VACUUM ANALYZE in {time.perf_counter() - t:.1f} s")


def _print_queries(session: Session, city: Node, period: Period) -> None:
    """One more computation, printing each statement's time (slowest first)."""
    timings: list[tuple[float, str]] = []

    def before(conn: Any, *_: Any) -> None:
        conn.info["bench_t"] = time.perf_counter()

    def after(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        timings.append((time.perf_counter() - conn.info["bench_t"], " ".join(statement.split())))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        figures.build(session, city, period, DEMO_NOW)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    print(f"  {len(timings)} statements, {sum(t for t, _ in timings) * 1000:.0f} ms in the database:")
    for seconds, statement in sorted(timings, reverse=True)[:8]:
        print(f"    {seconds * 1000:7.1f} ms  {statement[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's rows")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--queries", action="store_true", help="print each statement's time once")
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        parser.error("usage: python -m benchmarks.bench_bulletins postgresql+psycopg://…/fz_bench_bulletins")
    print(f"bench_bulletins on PostgreSQL; {machine()}")
    _prepare(args.url, args.reuse)
    _vacuum()
    period = Period.parse("2026-10")
    samples = []
    with new_session() as session:
        city = tree.node_by_code(session, CITY_CODE)
        assert city is not None
        for _ in range(args.rounds):
            t = time.perf_counter()
            bulletin = figures.build(session, city, period, DEMO_NOW)
            samples.append(time.perf_counter() - t)
        if args.queries:
            _print_queries(session, city, period)
        t = time.perf_counter()
        pdf = render.render_pdf(bulletin)
        pdf_s = time.perf_counter() - t
    cases, received = bulletin.measure("cases").value, bulletin.measure("warnings_received").value
    print(f"  city {city.code} month {period.key}: {cases:,} cases, {received:,} warnings received, "
          f"{len(bulletin.children)} districts")  # fmt: skip
    print(f"  figures (all of the bulletin's data): {summary_ms(samples)}")
    print(f"  PDF rendering once figures exist: {pdf_s * 1000:.0f} ms ({len(pdf):,} bytes)")


if __name__ == "__main__":
    main()

"""Full recompute of the series: connected components of the record—identifier graph, on DuckDB
(embedded, one machine) or Spark (local mode here, a cluster for a province), same output.

Algorithm (both engines): min-label propagation with pointer jumping over the bipartite graph of
links between records and non-hub identifiers. Every record starts labelled with its own id.
Each round: an identifier takes the least label of its records; a record the least label of its
identifiers; then each record takes the label of its label (jumping halves long chains). Labels
only decrease and stay inside the component, and the least record of a component never changes,
so at the fixpoint every record carries its component's least record id. Rounds are O(log of
the component's diameter) in practice; no GraphFrames jar is needed.

Applying the result keeps series ids stable: a component keeps the old series id most of its
records had; a series no longer kept points (``merged_into``) at where most of its records went.
"""

import tempfile
from collections import Counter
from datetime import datetime

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.clues.index import lock_index
from fanzha.clues.models import IdentifierLink, RecordKind, Series, SeriesIdentifier, SeriesRecord
from fanzha.core.config import get_settings
from fanzha.core.principal import Principal

Links = tuple[np.ndarray, np.ndarray]  # (record row ids, identifier ids), one entry per link


def linking_edges(session: Session) -> Links:
    """The links through identifiers that are no hub (hub flag, or named by more records than
    ``series_hub_degree``)."""
    cap = get_settings().series_hub_degree
    usable = select(SeriesIdentifier.id).where(
        SeriesIdentifier.hub.is_(False), SeriesIdentifier.degree <= cap
    )
    rows = session.execute(
        select(IdentifierLink.record_row_id, IdentifierLink.identifier_id).where(
            IdentifierLink.identifier_id.in_(usable)
        )
    ).all()
    arr = np.array(rows, dtype=np.int64).reshape(-1, 2)
    return arr[:, 0].copy(), arr[:, 1].copy()


def components_duckdb(links: Links) -> dict[int, int]:
    """record row id → least record row id of its component."""
    import duckdb

    con = duckdb.connect()
    con.register("edges", {"r": links[0], "i": links[1]})
    con.execute("CREATE TABLE links AS SELECT DISTINCT r, i FROM edges")
    con.execute("CREATE TABLE lab AS SELECT DISTINCT r, r AS l FROM links")
    while True:
        con.execute("""
            CREATE OR REPLACE TABLE nl AS
            WITH il AS (SELECT i, min(l) AS m FROM links JOIN lab USING (r) GROUP BY i),
                 rl AS (SELECT r, min(m) AS l FROM links JOIN il USING (i) GROUP BY r)
            SELECT a.r, least(a.l, b.l) AS l FROM rl a JOIN rl b ON a.l = b.r
        """)
        changed = con.execute("SELECT count(*) FROM nl JOIN lab USING (r) WHERE nl.l <> lab.l").fetchone()
        con.execute("CREATE OR REPLACE TABLE lab AS SELECT * FROM nl")
        if not changed or changed[0] == 0:
            break
    found = con.execute("SELECT r, l FROM lab").fetchnumpy()
    return dict(zip(found["r"].tolist(), found["l"].tolist(), strict=True))


def components_spark(links: Links, master: str = "local[2]") -> dict[int, int]:
    """The same algorithm in Spark DataFrames (local mode, or a cluster master). The edges go in
    and the labels come out as Parquet files written and read by DuckDB, not as Python rows."""
    import duckdb
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as f

    spark = (
        SparkSession.builder.master(master)
        .appName("fanzha-series")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    con = duckdb.connect()
    try:
        with tempfile.TemporaryDirectory() as folder:
            con.register("edges", {"r": links[0], "i": links[1]})
            con.execute(f"COPY (SELECT * FROM edges) TO '{folder}/edges.parquet' (FORMAT parquet)")
            edges = spark.read.parquet(f"{folder}/edges.parquet").distinct().cache()
            lab = edges.select("r").distinct().withColumn("l", f.col("r")).localCheckpoint()
            while True:
                il = edges.join(lab, "r").groupBy("i").agg(f.min("l").alias("m"))
                rl = edges.join(il, "i").groupBy("r").agg(f.min("m").alias("l"))
                jumped = (
                    rl.alias("a")
                    .join(rl.alias("b"), f.col("a.l") == f.col("b.r"))
                    .select(f.col("a.r").alias("r"), f.least(f.col("a.l"), f.col("b.l")).alias("l"))
                    .localCheckpoint()
                )
                changed = (
                    jumped.join(lab.withColumnRenamed("l", "old"), "r")
                    .where(f.col("l") != f.col("old"))
                    .count()
                )
                lab = jumped
                if changed == 0:
                    break
            lab.write.parquet(f"{folder}/labels")
            found = con.execute(f"SELECT r, l FROM read_parquet('{folder}/labels/*.parquet')").fetchnumpy()
        return dict(zip(found["r"].tolist(), found["l"].tolist(), strict=True))
    finally:
        con.close()
        spark.stop()


def apply(session: Session, labels: dict[int, int], now: datetime) -> int:
    """Write components as series, keeping ids where the members agree; returns the series count."""
    old = dict(session.execute(select(SeriesRecord.id, SeriesRecord.series_id)).all())
    members: dict[int, list[int]] = {}
    for row_id, label in labels.items():
        members.setdefault(label, []).append(row_id)
    taken: set[int] = set()
    target: dict[int, int] = {}
    fresh: list[tuple[int, Series]] = []
    for label, rows in sorted(members.items(), key=lambda kv: -len(kv[1])):
        votes = Counter(o for r in rows if (o := old.get(r)) is not None and o not in taken)
        if votes:
            sid = min(votes, key=lambda o: (-votes[o], o))
            taken.add(sid)
            target[label] = sid
        else:
            new = Series(created_at=now, updated_at=now)
            session.add(new)
            fresh.append((label, new))
    session.flush()
    target.update({label: s.id for label, s in fresh})
    series_of = {r: target[label] for r, label in labels.items()}
    kinds = dict(session.execute(select(SeriesRecord.id, SeriesRecord.kind)).all())
    changed = [{"id": r, "series_id": series_of.get(r)} for r, s in old.items() if series_of.get(r) != s]
    if changed:
        session.execute(update(SeriesRecord), changed)
    counts = Counter(series_of.values())
    cases = Counter(s for r, s in series_of.items() if kinds.get(r) == RecordKind.CASE.value)
    gone_to: dict[int, Counter[int]] = {}
    for r, s in old.items():
        if s is not None and s not in taken and r in series_of:
            gone_to.setdefault(s, Counter())[series_of[r]] += 1
    for series in session.scalars(select(Series)):
        if series.id in counts:
            series.record_count, series.case_count = counts[series.id], cases[series.id]
            series.merged_into = None
        elif series.merged_into is None or series.id in gone_to:
            series.record_count = series.case_count = 0
            went = gone_to.get(series.id)
            series.merged_into = went.most_common(1)[0][0] if went else None
        series.updated_at = now
    ident_series = dict(
        session.execute(
            select(IdentifierLink.identifier_id, IdentifierLink.record_row_id).order_by(
                IdentifierLink.record_row_id
            )
        ).all()
    )
    hubs = set(session.scalars(select(SeriesIdentifier.id).where(SeriesIdentifier.hub.is_(True))))
    session.execute(
        update(SeriesIdentifier),
        [{"id": i, "series_id": None if i in hubs else series_of.get(r)} for i, r in ident_series.items()],
    )
    session.flush()
    return len(members)


def recompute(session: Session, engine: str, actor: Principal, now: datetime) -> int:
    """Recompute every series with ``engine`` (``duckdb`` or ``spark``) and write it; audited.
    Holds the index's write lock throughout, so no case is indexed between the read and the write."""
    lock_index(session)
    links = linking_edges(session)
    labels = components_spark(links) if engine == "spark" else components_duckdb(links)
    count = apply(session, labels, now)
    audit.record(
        session, actor.actor, "series.recompute", "series", "all", None, {"engine": engine, "series": count}
    )
    return count

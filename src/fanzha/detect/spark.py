"""Screening on Apache Spark for operator-scale batches (billions of messages a day).

The same per-row parsing and the same ``screen_chunk`` as the single-process path run inside
each Spark partition, so the output is identical line for line; Spark supplies the
distribution, retries and storage. Locally: ``fanzha screen IN.jsonl -o OUT_DIR --engine spark``;
on a cluster, submit with ``--master yarn`` (or ``spark://…``) and HDFS/S3 paths.
"""

import json
import os
import sys
from collections.abc import Iterable, Iterator

from fanzha.detect.detector import Detector
from fanzha.detect.screening import CHUNK, Row, parse_jsonl_line, screen_chunk


def _screen_partition(lines: Iterable[tuple[str, int]]) -> Iterable[tuple[int, str]]:
    detector = Detector.default()
    rows: list[Row] = []
    for line, index in lines:
        row = parse_jsonl_line(index + 1, line)
        if row is not None:
            rows.append(row)
        if len(rows) >= CHUNK:
            yield from _emit(rows, detector)
            rows = []
    yield from _emit(rows, detector)


def _emit(rows: list[Row], detector: Detector) -> Iterator[tuple[int, str]]:
    for row, result in zip(rows, screen_chunk(rows, detector), strict=True):
        yield row.line, json.dumps(result, ensure_ascii=False)


def screen_on_spark(source: str, output_dir: str, master: str = "local[2]") -> int:
    """Screen a JSONL file into ``output_dir`` (ordered part files); returns the row count."""
    from pyspark.sql import SparkSession

    # Local workers must run this interpreter (the one with fanzha installed); a cluster
    # sets PYSPARK_PYTHON to its own environment.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    spark = (
        SparkSession.builder.master(master)
        .appName("fanzha-screen")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    try:
        lines = spark.sparkContext.textFile(source).zipWithIndex()
        results = lines.mapPartitions(_screen_partition).sortByKey().values()
        results.saveAsTextFile(output_dir)
        return int(results.count())
    finally:
        spark.stop()

"""Crash safety: SIGKILL the server during bulk intake; every acknowledged warning survives once.

Runs on the suite's database kind: a temporary SQLite file, or, when FANZHA_TEST_DATABASE_URL
names PostgreSQL, a scratch database created on that server and dropped afterwards (the server
process commits for real, so it cannot use the suite's rolled-back test transaction).
"""

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.core import db
from fanzha.warnings.models import EarlyWarning
from tests.server import free_port, start_server, world_database
from tests.warnings.factories import item

BATCH = 300


def _count_by_source_id(url: str) -> dict[str, int]:
    engine = db.make_engine(url)
    with Session(engine) as s:
        counts = dict(
            s.execute(select(EarlyWarning.source_id, func.count()).group_by(EarlyWarning.source_id)).all()
        )
    engine.dispose()
    return {str(k): int(v) for k, v in counts.items()}


@pytest.fixture
def server_db(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A separate, committed database with the test world; returns (url, intake key)."""
    with world_database(tmp_path, "crash") as pair:
        yield pair


def test_sigkill_during_bulk_intake_loses_no_acknowledged_warning(server_db: tuple[str, str]) -> None:
    url, key = server_db
    port = free_port()
    headers = {"Authorization": f"Bearer {key}"}
    batches = [[item(source="ministry", source_id=f"CRASH-{b}-{i}") for i in range(BATCH)] for b in range(40)]
    acked: list[int] = []
    unacked: list[int] = []
    proc = start_server(url, port)

    def post_all() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as client:
            for b, batch in enumerate(batches):
                try:
                    res = client.post("/api/v1/warnings/batch", json=batch)
                except httpx.HTTPError:
                    unacked.extend(range(b, len(batches)))
                    return
                if res.is_success:
                    acked.append(b)
                else:
                    unacked.append(b)

    poster = threading.Thread(target=post_all)
    poster.start()
    while len(acked) < 4 and poster.is_alive():
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    poster.join()
    assert acked and unacked, "the kill must land in the middle of the intake"
    stored = _count_by_source_id(url)
    for batch in batches:  # one transaction per batch: all of it or none of it
        assert sum(stored.get(w["source_id"], 0) for w in batch) in (0, BATCH)

    proc = start_server(url, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as client:
            resent: list[dict[str, Any]] = client.post(
                "/api/v1/warnings/batch", json=batches[unacked[0]]
            ).json()["items"]
    finally:
        proc.terminate()
        proc.wait()
    assert all(r["status"] in ("created", "existing") for r in resent)
    counts = _count_by_source_id(url)
    for b in acked:
        assert all(counts.get(w["source_id"]) == 1 for w in batches[b]), f"batch {b} lost or doubled"
    assert all(n == 1 for n in counts.values())

"""With the database down, every request answers 503 in the one error shape (JSON for the API
and probes, the Chinese error page for the console) and the log stays short: one line per kind
of failure per interval, no traceback per request."""

import os
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from tests.server import free_port, start_server

REQUESTS = 200


def _unreachable_database(tmp_path: Path) -> str:
    """A database URL of the suite's kind that cannot be opened: nothing listens on the
    PostgreSQL port; the SQLite "file" is a folder (a missing file is refused at start as a
    configuration error, a database that is down is not)."""
    suite = os.environ.get("FANZHA_TEST_DATABASE_URL", "")
    if suite.startswith("postgresql"):
        return make_url(suite).set(host="127.0.0.1", port=free_port()).render_as_string(hide_password=False)
    (tmp_path / "fanzha.db").mkdir()
    return f"sqlite:///{tmp_path / 'fanzha.db'}"


def test_database_down_gives_503s_and_a_short_log(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    port = free_port()
    proc = start_server(_unreachable_database(tmp_path), port, log)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            ready = client.get("/ready")
            page = client.get(
                "/", headers={"Accept": "text/html"}, cookies={"fanzha_session": "some-session"}
            )
            api = client.get("/api/v1/warnings", headers={"Authorization": "Bearer some-key"})
            storm = [client.get("/ready").status_code for _ in range(REQUESTS)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert ready.status_code == 503
    assert ready.json()["error"]["code"] == "database_unavailable"
    assert page.status_code == 503
    assert "数据库暂时不可用" in page.text and "<html" in page.text
    assert api.status_code == 503 and "数据库暂时不可用" in api.json()["error"]["message"]
    assert storm == [503] * REQUESTS
    text = log.read_text()
    assert "Traceback" not in text
    assert text.count("database unavailable") <= 2

"""PostgreSQL goes away while the server is serving, then comes back: meanwhile every request
answers 503 in the one error shape and the log stays short; afterwards the same process serves
again without a restart (its pool drops the dead connections)."""

import contextlib
import os
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.server import free_port, start_server, world_database
from tests.warnings.factories import item

pytestmark = pytest.mark.skipif(
    not os.environ.get("FANZHA_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="a database server that can go away: PostgreSQL only",
)
REQUESTS = 100


def _hang_up(s: socket.socket) -> None:
    with contextlib.suppress(OSError):  # the other side may have gone already
        s.shutdown(socket.SHUT_RDWR)


class Cable:
    """A TCP relay on 127.0.0.1 in front of the database server that the test can pull out
    (open connections are cut, new ones refused) and plug back in on the same port."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream, self.port = upstream, free_port()
        self._open: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.plug_in()

    def plug_in(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def pull_out(self) -> None:
        assert self._listener is not None
        _hang_up(self._listener)  # wakes the accept() blocked on it; close() alone would not
        self._listener.close()
        for s in self._open:
            _hang_up(s)
            s.close()
        self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # pulled out
            server = socket.create_connection(self.upstream)
            self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            _hang_up(s)


def _post(client: httpx.Client, source_id: str) -> httpx.Response:
    return client.post("/api/v1/warnings", json=item(source_id=source_id))


def test_postgres_going_away_midway_gives_503s_then_recovers_without_restart(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with world_database(tmp_path, "outage") as (url, key):
        real = make_url(url)
        cable = Cable((real.host or "127.0.0.1", real.port or 5432))
        through = real.set(host="127.0.0.1", port=cable.port).render_as_string(hide_password=False)
        port = free_port()
        proc = start_server(through, port, log)
        try:
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=20) as c:
                before = [_post(c, f"UP-{i}").status_code for i in range(5)]
                cable.pull_out()
                down = _post(c, "DOWN-0")
                ready = c.get("/ready")
                storm = [_post(c, f"DOWN-{i}").status_code for i in range(1, REQUESTS)]
                health = c.get("/health")
                cable.plug_in()
                deadline, again = time.monotonic() + 30, 0
                while time.monotonic() < deadline and (again := c.get("/ready").status_code) != 200:
                    time.sleep(0.5)
                after = _post(c, "BACK-0")
        finally:
            proc.terminate()
            proc.wait(timeout=15)
            cable.pull_out()
    assert before == [201] * 5
    assert down.status_code == 503 and "数据库暂时不可用" in down.json()["error"]["message"]
    assert ready.status_code == 503 and ready.json()["error"]["code"] == "database_unavailable"
    assert set(storm) == {503}
    assert health.status_code == 200  # liveness does not depend on the database
    assert again == 200 and after.status_code == 201, after.text
    text = log.read_text()
    assert "Traceback" not in text
    assert text.count("database unavailable") <= 3

"""A server killed outright while it renders bulletins leaves no render process behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")

# A stand-in for the server: it starts the render pool as bulletins.tick does, has its worker
# report its pid, and then waits to be killed.
SERVER = """
import os, sys, time
from fanzha.bulletins.service import render_pool
pool = render_pool()
print(pool.submit(os.getpid).result(), flush=True)
time.sleep(600)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has exited and waits only to be reaped


def test_the_render_worker_exits_when_its_server_is_killed() -> None:
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        worker = int(server.stdout.readline())
        assert worker != server.pid and _running(worker)
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        deadline = time.monotonic() + 15
        while _running(worker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _running(worker), "the render worker outlived its killed server"
    finally:
        server.kill()
        if "worker" in locals() and _running(worker):
            os.kill(worker, signal.SIGKILL)

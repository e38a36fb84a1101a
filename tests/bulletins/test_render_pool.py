"""A server killed outright while it renders bulletins leaves no render process behind, whether its
worker was already running or had not started yet."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc (Linux)")

# A stand-in for the server: it starts the render pool as bulletins.tick does and hands it a task,
# then is killed: after the worker has answered, or at once (the worker still starting).
SERVER = """
import os, signal, sys, time
from fanzha.bulletins.service import render_pool
pool = render_pool()
task = pool.submit(os.getpid)
if sys.argv[1] == "answered":
    task.result()
os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive_with(marker: str) -> list[int]:
    """Processes (not zombies) started with ``marker`` in their environment."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker.encode() not in (proc / "environ").read_bytes():
                continue
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if state != "Z":
            found.append(int(proc.name))
    return found


@pytest.mark.parametrize("killed", ["answered", "starting"])
def test_no_render_worker_outlives_its_killed_server(killed: str) -> None:
    marker = f"FANZHA_RENDER_POOL_TEST={uuid.uuid4().hex}"
    key, value = marker.split("=")
    env = {**os.environ, key: value}
    server = subprocess.run([sys.executable, "-c", SERVER, killed], env=env, timeout=60)
    assert server.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 30
    while (left := _alive_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "a render worker outlived its killed server"

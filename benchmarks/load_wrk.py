"""benchmarks/bench_load.py with ``--driver wrk``: the single POSTs come from wrk (Debian's ``wrk``
package) running benchmarks/load_warnings.lua, at 0.04–0.07 ms of client CPU a request instead of
the Python client's 5–7 ms, so that the server and PostgreSQL get the cores. Each request is due
at a fixed instant (open loop) and its latency runs from that instant to its answer.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from benchmarks.exams_wrk import WrkRun, _children_cpu_s, read_run

SCRIPT = Path(__file__).with_name("load_warnings.lua")


def write_bodies(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in items))
    return path


def start(
    base: str, key: str, bodies: Path, rate: float, seconds: float, connections: int
) -> subprocess.Popen[bytes]:
    """wrk sending the lines of ``bodies`` at ``rate``/s from ``connections`` connections (one
    thread: wrk's own CPU is a few percent of one core at 500/s) for ``seconds``."""
    exe = shutil.which("wrk")
    if exe is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    cmd = [exe, "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "30s"]
    cmd += ["-s", str(SCRIPT), base, "--", str(bodies), "1"]
    env = {**os.environ, "LOAD_WRK_KEY": key, "LOAD_WRK_RATE": f"{rate:g}"}
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)


def finish(proc: subprocess.Popen[bytes]) -> WrkRun:
    """Waits for wrk and reads the line its done() prints: latencies are from the due instants."""
    cpu = _children_cpu_s()
    out, _ = proc.communicate()
    return read_run(out.decode(), proc.returncode, "load_wrk ", _children_cpu_s() - cpu)

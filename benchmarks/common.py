"""Helpers every benchmark uses: machine description, percentile summaries, resending HTTP requests."""

import argparse
import os
import platform
import statistics
from pathlib import Path
from typing import Any

import httpx

RETRIES = 3
ROOT = Path(__file__).resolve().parent.parent


def trees_parser(child_args: int) -> argparse.ArgumentParser:
    """Arguments of a benchmark that runs this checkout, and ``--against`` another, in child
    processes (``--child``, hidden, with ``child_args`` values) against the database ``url``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--against", type=Path, help="another checkout of fanzha to compare with")
    parser.add_argument("--child", nargs=child_args, help=argparse.SUPPRESS)
    return parser


def tree_env(tree: Path) -> dict[str, str]:
    """The environment of a child process running ``tree``'s code with this checkout's benchmarks."""
    return {**os.environ, "PYTHONPATH": f"{tree / 'src'}{os.pathsep}{ROOT}"}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    system = f"{platform.system()} {platform.machine()}"
    return f"{system}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def summary_ms(samples_s: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples_s)

    def p(q: float) -> float:
        return ms[min(len(ms) - 1, int(q * len(ms)))]

    return f"median {statistics.median(ms):.2f} ms, p95 {p(0.95):.2f} ms, p99 {p(0.99):.2f} ms (n={len(ms)})"


async def send(c: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> tuple[httpx.Response, int]:
    """The response and how many times the request was sent again: a kept-alive connection that
    the server closed as the request left (uvicorn's keep-alive timeout fires late on a loaded
    machine) fails with a transport error, and the page too sends again what was not answered."""
    for retry in range(RETRIES + 1):
        try:
            return await c.request(method, url, **kwargs), retry
        except httpx.TransportError:
            if retry == RETRIES:
                raise
    raise AssertionError("unreachable")

"""What ``fanzha --help`` and ``fanzha check`` import: start-up time is the imports (measured in
benchmarks/bench_cli.py); these tests keep the heavy ones out of the two commands people run most."""

import os
import subprocess
import sys

HEAVY_FOR_CHECK = {"sklearn", "scipy", "sqlalchemy", "fastapi", "starlette", "alembic", "pydantic_settings"}
PROBE = """
import sys
from fanzha.cli import run
status = run(sys.argv[1:])
print("\\nIMPORTED", " ".join(sorted({m.split(".")[0] for m in sys.modules})))
sys.exit(status)
"""


def _imported(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=os.environ, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.rsplit("IMPORTED", 1)[1].split())


def test_check_classifies_without_scikit_learn_or_database_code() -> None:
    imported = _imported("check", "您的银行卡涉嫌洗钱，请转入安全账户")
    assert "fanzha" in imported and "numpy" in imported  # it did classify
    assert not imported & HEAVY_FOR_CHECK


def test_help_loads_neither_the_detector_nor_the_database() -> None:
    assert not _imported("--help") & (HEAVY_FOR_CHECK | {"numpy"})

"""Settings live in one place: core/config.py reads the environment, docs/settings.md lists it all."""

import ast
import re
from pathlib import Path

from fanzha.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "src" / "fanzha" / "core" / "config.py"


def _environment_reads(path: Path) -> list[str]:
    """``os.environ[...]`` / ``.get`` / ``getenv`` reads and settings classes in one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if ast.unparse(node.value) == "os.environ":
                found.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
        elif isinstance(node, ast.Call) and ast.unparse(node.func) in {"os.environ.get", "os.getenv"}:
            found.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
        elif isinstance(node, ast.ClassDef) and any("BaseSettings" in ast.unparse(b) for b in node.bases):
            found.append(f"{path.name}:{node.lineno} class {node.name}")
    return found


def test_only_core_config_reads_the_environment() -> None:
    reads = [
        read
        for path in sorted((ROOT / "src" / "fanzha").rglob("*.py"))
        if path != CONFIG
        for read in _environment_reads(path)
    ]
    assert reads == [], "read settings through fanzha.core.config.Settings"


def test_the_checker_sees_each_kind_of_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import os\nfrom pydantic_settings import BaseSettings\n"
        "a = os.environ['FANZHA_X']\nb = os.environ.get('FANZHA_Y')\nc = os.getenv('FANZHA_Z')\n"
        "class Extra(BaseSettings):\n    x: int = 1\n"
        "os.environ['FANZHA_W'] = '1'\n",
        encoding="utf-8",
    )
    assert len(_environment_reads(bad)) == 4


def test_every_setting_is_documented() -> None:
    documented = set(
        re.findall(r"^\| `(FANZHA_[A-Z0-9_]+)`", (ROOT / "docs" / "settings.md").read_text(), re.M)
    )
    prefix = Settings.model_config.get("env_prefix", "")
    assert prefix == "FANZHA_"
    variables = {f"{prefix}{name.upper()}" for name in Settings.model_fields}
    assert sorted(variables - documented) == [], "add a row to docs/settings.md"
    assert sorted(documented - variables) == [], "docs/settings.md lists a setting that does not exist"

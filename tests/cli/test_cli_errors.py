"""Every ``fanzha`` command, run against a missing or an unmigrated database, answers with one
Chinese line naming the fix — never a traceback — and creates no database file."""

import re
from pathlib import Path

import pytest
import typer
from typer._click import Command, Context
from typer.core import TyperGroup

from fanzha.cli import LAZY, app, run, use_database
from fanzha.core.clitools import explain

# Commands that do not read the database (the detector; tracing reads the transaction store):
# they answer with their own result or input error.
NO_DATABASE = {"check", "screen", "detect train", "detect eval", "detect compare", "funds trace"}
# Commands that create the database: not run here.
CREATING = {"db upgrade", "demo"}


def _args(tmp: Path) -> dict[str, list[str]]:
    table = tmp / "t.csv"
    table.write_text(
        "text,label\n您的银行卡涉嫌洗钱，请转入安全账户,impersonate_authority\n", encoding="utf-8"
    )
    lines = tmp / "w.jsonl"
    lines.write_text('{"source": "ministry"}\n', encoding="utf-8")
    return {
        "audit verify": [],
        "bulletin": ["--node", "369900", "--period", "2026-10"],
        "check": ["您的银行卡涉嫌洗钱，请转入安全账户"],
        "detect train": ["--data", str(tmp / "missing.csv")],
        "detect eval": ["--data", str(tmp / "missing.csv")],
        "detect compare": ["--data", str(tmp / "missing.csv"), "--against", str(tmp / "missing.npz")],
        "detect appeals-export": ["--output", str(tmp / "appeals.jsonl")],
        "exams import": [str(table)],
        "exams export": [str(tmp / "bank.csv")],
        "exams results": ["1", str(tmp / "results.csv")],
        "funds import": [str(table)],
        "funds trace": ["6222020200112233445", "--since", "2026-01-01"],
        "funds tick": [],
        "clues list": [],
        "clues import": [str(table)],
        "clues tick": [],
        "series index": [],
        "series recompute": ["--engine", "duckdb"],
        "operations list": [],
        "operations briefing": ["1", "--out", str(tmp / "b.pdf")],
        "operations conclude": ["1"],
        "keys create": ["feed", "--unit-id", "1", "--scope", "warnings.intake"],
        "keys revoke": ["1"],
        "screen": [str(table), "--output", str(tmp / "out.jsonl")],
        "serve": ["--port", "1"],
        "tick": [],
        "jobs": [],
        "tree import": [str(table)],
        "tree export": [],
        "users create": [
            "u1",
            "--role",
            "commander",
            "--unit-id",
            "1",
            "--display-name",
            "甲",
            "--password",
            "pw",
        ],
        "prevention import-targets": [str(table)],
        "prevention aim": [],
        "prevention push run": [],
        "warnings import": [str(lines)],
        "warnings tick": [],
        "warnings feedback": ["--source", "ministry", "--output", str(tmp / "f.jsonl")],
        "warnings norm": ["--node", "369900", "--level", "high", "--contact", "5", "--close", "60"],
    }


def _leaves(command: Command, path: tuple[str, ...] = ()) -> list[str]:
    if not isinstance(command, TyperGroup):
        return [" ".join(path)]
    ctx = Context(command)
    found = []
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        assert sub is not None
        found += _leaves(sub, (*path, name))
    return found


def test_the_table_names_every_command(tmp_path: Path) -> None:
    assert set(_leaves(typer.main.get_command(app))) == set(_args(tmp_path)) | CREATING


@pytest.mark.parametrize("state", ["missing", "unmigrated"])
def test_every_command_against_an_empty_database_says_what_to_do(
    state: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "fanzha.db"
    if state == "unmigrated":
        db.touch()
    monkeypatch.setenv("FANZHA_DATABASE_URL", f"sqlite:///{db}")
    use_database(None)
    try:
        for name, args in _args(tmp_path).items():
            status = run([*name.split(), *args])
            out, err = capsys.readouterr()
            assert "Traceback" not in out + err, name
            if name in NO_DATABASE:
                continue
            assert status == 2, (name, out, err)
            assert err.strip().count("\n") == 0 and err.startswith("错误："), (name, err)
            assert "fanzha db upgrade" in err, (name, err)
            assert db.exists() == (state == "unmigrated"), name
    finally:
        monkeypatch.undo()
        use_database(None)


def test_usage_errors_are_chinese_lines(capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        ("check",): "缺少参数",
        ("demo", "--scale", "50"): "应不大于 19",
        ("funds", "trace", "1", "--since", "tomorrow"): "应是时间",
        (
            "warnings",
            "norm",
            "--node",
            "1",
            "--level",
            "huge",
            "--contact",
            "1",
            "--close",
            "1",
        ): "不是可选值",
        ("nonsense",): "没有命令",
        ("audit", "verify", "--bogus"): "没有选项",
    }
    for args, expected in cases.items():
        assert run(list(args)) == 2
        _out, err = capsys.readouterr()
        assert expected in err and err.startswith("错误：") and err.strip().count("\n") == 0, (args, err)
        assert "--help" in err


def test_a_missing_input_file_is_named_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.jsonl"
    for args in (["detect", "eval", "--data", str(missing)], ["detect", "train", "--data", str(missing)]):
        assert run(args) != 0
        _out, err = capsys.readouterr()
        assert err == f"错误：找不到文件或目录：{missing}（检查路径是否写对）\n", (args, err)


def test_an_unreadable_file_is_named_in_chinese() -> None:
    message, status = explain(PermissionError(13, "Permission denied", "/srv/feed.csv"))
    assert (message, status) == ("没有权限读写：/srv/feed.csv（检查文件权限，或换一个可写的位置）", 1)


def test_help_is_chinese_and_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：fanzha") and "显示本帮助并退出" in out
    assert "Show this message" not in out and "Usage" not in out
    for name, entry in LAZY.items():
        assert re.search(rf"^  {re.escape(name)} +{re.escape(entry.help)}$", out, re.MULTILINE), name

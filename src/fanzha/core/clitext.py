"""Chinese for the words Typer (and the click copy it ships) prints itself.

Typer builds help pages and usage errors with English text of its own: help headings and
the help option through a formatter, ``[default: …]``/``[required]`` through ``gettext``,
errors as formatted English sentences. ``install`` gives the help pages a formatter and a
``gettext`` lookup in Chinese; ``translate_error`` rewrites an error's sentence. A message
missing here stays in English rather than failing.
"""

import re
from collections.abc import Sequence
from typing import Any

import typer.core
from typer._click import core as click_core
from typer._click.formatting import HelpFormatter

WORDS = {
    "Usage: ": "用法：",
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "Aborted!": "已取消。",
    "Missing command.": "缺少子命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
}

# Typer's error sentences (typer/_click, typer/_coercion, typer/_param_types), most specific first.
ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in (
        (r"Missing argument '?([^'.]+)'?\.", r"缺少参数 \1。"),
        (r"Missing option '?([^'.]+)'?\.", r"缺少选项 \1。"),
        (r"Missing parameter:? '?([^'.]+)'?\.?", r"缺少参数 \1。"),
        (r"No such option: (\S+?)\.?(?= |$)", r"没有选项 \1。"),
        (r"Got unexpected extra arguments? ?(?:\(s\))? ?\((.*)\)", r"多余的参数（\1）"),
        (r"Invalid value for (.+?): ", r"\1 的值无效："),
        (r"Value (.+) is not a valid (\w+)\.", r"\1 不是有效的 \2。"),
        (r"(.+) is not one of (.+)\.", r"\1 不是可选值，可选：\2。"),
        (r"(.+) is not in the range (.+)\.", r"\1 不在范围 \2 内。"),
        (r"(?:File|Path|Directory) (.+) does not exist\.", r"\1 不存在。"),
        (r"(?:File|Path) (.+) is a directory\.", r"\1 是目录，需要文件。"),
        (r"Option (.+) requires an argument\.", r"选项 \1 需要一个值。"),
        (r"Option (.+) does not take a value\.", r"选项 \1 不接受取值。"),
        (r"\.? ?Did you mean (.+)\?", r"。是否想输入 \1？"),
        (r"No such command (.+)\.", r"没有命令 \1。"),
        # Typer checks values with pydantic, whose messages are English too.
        (r"Input should be less than or equal to (\S+)", r"应不大于 \1"),
        (r"Input should be greater than or equal to (\S+)", r"应不小于 \1"),
        (r"Input should be less than (\S+)", r"应小于 \1"),
        (r"Input should be greater than (\S+)", r"应大于 \1"),
        (r"Input should be a valid datetime.*", r"应是时间，如 2026-11-20 或 2026-11-20T09:00:00"),
        (r"Input should be a valid date\b.*", r"应是日期，如 2026-11-20"),
        (r"Input should be a valid integer.*", r"应是整数"),
        (r"Input should be a valid number.*", r"应是数字"),
        (r"Missing command\.", r"缺少子命令。"),
    )
]


def translate(text: str) -> str:
    return WORDS.get(text, text)


def translate_error(message: str) -> str:
    for pattern, replacement in ERRORS:
        message = pattern.sub(replacement, message)
    return message


class ChineseHelpFormatter(HelpFormatter):
    """Help pages with Chinese headings and help-option text."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, translate(prefix or "Usage: "))

    def write_heading(self, heading: str) -> None:
        super().write_heading(translate(heading))

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().write_dl([(term, translate(text)) for term, text in rows], *args, **kwargs)


def install() -> None:
    """Chinese help pages for every command (contexts are made by Typer's own click copy)."""
    click_core.Context.formatter_class = ChineseHelpFormatter
    typer.core._ = translate  # type: ignore[attr-defined,assignment]

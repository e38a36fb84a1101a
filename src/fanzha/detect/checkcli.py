"""``fanzha check``: one message classified and explained, without touching a database, so the
command starts in well under a second (no SQLAlchemy, FastAPI, SciPy or scikit-learn to import)."""

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from fanzha.core.console import console, err_console
from fanzha.core.vocab import TechniqueTag
from fanzha.detect.detector import Detector, Verdict
from fanzha.detect.registers import REGISTER_LABELS, REGISTERS, parse_register

ModelOpt = Annotated[Path | None, typer.Option("--model", help="模型文件（默认使用内置模型）")]


def detector_for(model: Path | None) -> Detector:
    if model is not None and not model.is_file():
        err_console.print(f"[bold red]错误：[/]模型文件不存在：{model}")
        raise typer.Exit(2)
    return Detector.from_file(model) if model else Detector.default()


def render(text: str, verdict: Verdict) -> None:
    marked = Text(text)
    for r in verdict.reasons:
        marked.stylize("bold red on yellow" if r.raises_risk else "bold green", r.start, r.end)
    if verdict.is_fraud:
        label = verdict.fraud_type.label if verdict.fraud_type else "诈骗"
        console.print(f"[bold red]⚠ 疑似诈骗[/]  类型：[bold]{label}[/]  风险：{verdict.risk:.0%}")
    else:
        console.print(f"[bold green]✓ 未发现诈骗特征[/]  风险：{verdict.risk:.0%}")
    console.print(marked)
    if verdict.register:
        how = "（自动推断）" if verdict.register_inferred else ""
        console.print(f"按{REGISTER_LABELS[verdict.register]}判断{how}")
    if verdict.tags:
        console.print("手法：" + "、".join(TechniqueTag(t).label for t in verdict.tags))
    for r in verdict.reasons:
        mark = "[red]↑[/]" if r.raises_risk else "[green]↓[/]"
        console.print(f"  {mark} {r.text}：「{r.evidence}」")


def check(
    text: Annotated[str, typer.Argument(help="要检查的短信、聊天记录或通话内容；写 - 则从标准输入读入")],
    model: ModelOpt = None,
    register: Annotated[
        str | None,
        typer.Option("--register", help=f"文体：{'/'.join(REGISTERS)}（不给则自动推断）"),
    ] = None,
) -> None:
    """检查一条消息是否为诈骗，并说明理由。"""
    try:
        known = parse_register(register)
    except ValueError as exc:
        err_console.print(f"[bold red]错误：[/]--register {exc}")
        raise typer.Exit(2) from exc
    if text == "-":  # a message piped in, or too long or multi-line for the command line
        text = sys.stdin.read().strip()
    if not text.strip():
        err_console.print("[bold red]错误：[/]要检查的内容为空：请给出消息文本，或用 - 从标准输入读入")
        raise typer.Exit(2)
    detector = detector_for(model)
    render(text, detector.classify([text], [known])[0])

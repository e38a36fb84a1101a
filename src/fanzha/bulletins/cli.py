"""``fanzha bulletin --node CODE --period 2026-10``: a bulletin in the terminal or as a file."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fanzha.bulletins import render, service
from fanzha.bulletins.periods import PERIOD_HELP
from fanzha.core.clitools import command_session, console, err_console
from fanzha.core.principal import system_principal

_WRITERS = {".pdf", ".csv", ".xlsx", ".json"}


def bulletin(
    node: Annotated[str, typer.Option("--node", help="辖区节点代码，如 369900")],
    period: Annotated[str, typer.Option("--period", help=PERIOD_HELP)],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="写入文件：.pdf、.csv、.xlsx 或 .json；省略则打印摘要")
    ] = None,
) -> None:
    """生成某辖区某周期的通报（发案、损失、预警劝阻、止付冻结、排名）。"""
    if out is not None and out.suffix.lower() not in _WRITERS:
        err_console.print(
            f"[bold red]错误：[/]--out：不支持的文件类型“{out.suffix}”，应为 .pdf、.csv、.xlsx 或 .json"
        )
        raise typer.Exit(2)
    with command_session() as session:
        b = service.bulletin_for(session, system_principal(), node, period)
    if out is None:
        table = Table(title=f"{b.node_name}（{b.node_code}）{b.period_label} 通报")
        for column in ("指标", "本期", "环比", "同比", "连续下降"):
            table.add_column(column)
        for m in b.headline:
            table.add_row(
                f"{m.label}（{m.unit}）",
                render.figure(m.value),
                m.mom_text,
                m.yoy_text,
                "" if m.decline_streak is None else f"{m.decline_streak} 期",
            )
        for r in b.rates:
            table.add_row(r.label, r.text, "", "", "")
        console.print(table)
        return
    suffix = out.suffix.lower()
    if suffix == ".json":
        out.write_text(b.model_dump_json(indent=2), encoding="utf-8")
    elif suffix == ".csv":
        out.write_text(render.to_csv(b), encoding="utf-8")
    else:
        out.write_bytes(render.render_pdf(b) if suffix == ".pdf" else render.to_xlsx(b))
    console.print(f"已写入 {out}")

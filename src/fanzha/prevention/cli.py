"""``fanzha prevention``: import target registers, print the aiming list, run the push outbox."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fanzha.core.clitools import command_session, console
from fanzha.core.principal import system_principal
from fanzha.core.timeutil import utcnow
from fanzha.prevention import aiming, outbox, targets

app = typer.Typer(help="精准宣防：导入宣防对象、精准滴灌研判、群推送发送", no_args_is_help=True)


@app.command("import-targets")
def import_targets(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV 或 XLSX（列见 docs/prevention.md）")
    ],
) -> None:
    """导入各警格的住户数与重点人群、场所；任一行有错则整体不写入，并列出行号和字段。"""
    with command_session() as session:
        rows = targets.rows_from_file(file.read_bytes(), file.name)
        result = targets.import_targets(session, rows, system_principal(name="cli"))
    console.print(f"[green]完成[/]：新增 {result.created} 条，更新 {result.updated} 条")


@app.command("aim")
def aim(
    days: Annotated[int, typer.Option(help="统计最近多少天")] = 30,
    limit: Annotated[int, typer.Option(help="列出多少条")] = 20,
) -> None:
    """精准滴灌：列出案件上升的警格、人群和诈骗类型，附排序理由。"""
    with command_session() as session:
        lines = aiming.aim(session, "/", utcnow(), days, limit)
    table = Table("排名", "分值", "理由")
    for line in lines:
        table.add_row(str(line.rank), f"{line.score:g}", line.reason)
    console.print(table)


push_app = typer.Typer(help="群推送发件箱", no_args_is_help=True)
app.add_typer(push_app, name="push")


@push_app.command("run")
def push_run() -> None:
    """立即发送一轮到期的群推送（失败的按退避重试，超过次数的进入死信列表）。"""
    with command_session() as session:
        result = outbox.run_outbox(session, utcnow())
    console.print(
        f"送达 {result.sent} 条，失败待重试 {result.failed} 条，"
        f"进入死信 {result.dead} 条，限流顺延 {result.deferred} 条"
    )

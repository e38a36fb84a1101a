"""``fanzha operations``: list joint operations, export a briefing PDF, confirm a result."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fanzha.core.clitools import command_session, console
from fanzha.core.principal import system_principal
from fanzha.core.timeutil import format_local, utcnow
from fanzha.operations import briefing, service
from fanzha.operations.models import OperationStatus
from fanzha.operations.schemas import ConcludeIn, OperationQuery

app = typer.Typer(help="收网行动：列出行动、导出简报、确认战果", no_args_is_help=True)
CLI = system_principal(name="cli")


@app.command("list")
def list_operations(
    status: Annotated[OperationStatus | None, typer.Option(help="planned / live / concluded")] = None,
) -> None:
    """列出收网行动及战果。"""
    with command_session() as session:
        table = Table("编号", "行动", "统一收网时间", "状态", "目标", "抓获", "捣毁窝点", "破案")
        for o in service.list_operations_out(session, CLI, OperationQuery(status=status)):
            solved = sum(1 for c in o.cases if c.solved_here)
            row = [o.code, o.title, format_local(o.strike_at), o.status_label, str(len(o.targets))]
            table.add_row(*row, str(o.arrests), str(o.dens_destroyed), str(solved))
    console.print(table)


@app.command("briefing")
def export_briefing(
    operation_id: int,
    out: Annotated[Path, typer.Option("--out", "-o", help="PDF 文件路径")],
) -> None:
    """导出行动简报 PDF（个人信息脱敏）。"""
    with command_session() as session:
        shown = service.operation_out(session, service.get_operation(session, operation_id, CLI), CLI)
        out.write_bytes(briefing.render_pdf(shown, CLI.name, utcnow(), masked=True))
    console.print(f"[green]已导出[/] {out}")


@app.command("conclude")
def conclude(operation_id: int, note: Annotated[str, typer.Option(help="战果说明")] = "") -> None:
    """确认战果：关联案件标记破案、串并案线索办结（全部成功或全部不变）。"""
    with command_session() as session:
        o = service.operation_out(
            session, service.conclude(session, operation_id, ConcludeIn(result_note=note), CLI), CLI
        )
        solved = sum(1 for c in o.cases if c.solved_here)
    console.print(
        f"[green]已确认[/] {o.code}：抓获 {o.arrests} 人，捣毁窝点 {o.dens_destroyed} 个，破案 {solved} 起"
    )

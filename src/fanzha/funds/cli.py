"""``fanzha funds``: import statements, trace a victim's money, run the expiry check."""

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fanzha.core.clitools import command_session, console, fail
from fanzha.core.config import get_settings
from fanzha.core.errors import FanzhaError, ValidationFailed, field_errors
from fanzha.core.timeutil import utcnow
from fanzha.funds import export, service
from fanzha.funds.graph import index_for
from fanzha.funds.importer import import_statement
from fanzha.funds.schemas import TraceIn
from fanzha.funds.store import TransactionStore
from fanzha.funds.trace import REASON_LABELS, cents_to_yuan, trace

app = typer.Typer(help="止付冻结与资金查控：导入流水、追踪资金、到期检查", no_args_is_help=True)


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV 或 XLSX 流水文件")],
) -> None:
    """导入银行流水（字段见 docs/funds.md）；重复行自动忽略，有错误的文件整体不写入。"""
    store = TransactionStore()
    columns = (
        TextColumn("导入 {task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} 行"),
        TimeElapsedColumn(),
    )
    with command_session() as session, Progress(*columns, console=console) as progress:
        task = progress.add_task(file.name, total=None)
        result = import_statement(
            store,
            file.read_bytes(),
            file.name,
            "system:0:cli",
            lambda n: progress.update(task, completed=n),
            session,
        )
    console.print(
        f"[green]完成[/]：读取 {result.rows_read:,} 行，新增 {result.rows_added:,} 行，"
        f"重复忽略 {result.duplicates:,} 行（批次 {result.batch}）"
    )


@app.command("trace")
def trace_cmd(
    account: Annotated[str, typer.Argument(help="受害人账户")],
    since: Annotated[datetime, typer.Option(help="从何时开始（受害人首次转账前），按显示时区理解")],
    rule: Annotated[str, typer.Option(help="fifo（先进先出）或 proportional（按比例）")] = "fifo",
    hops: Annotated[int, typer.Option(help="最多跟踪几层")] = 4,
    hours: Annotated[float, typer.Option(help="时间窗口（小时）")] = 72,
    min_amount: Annotated[str, typer.Option(help="最小金额（元）")] = "100.00",
    out: Annotated[Path | None, typer.Option(help="导出文件：.json / .csv / .svg")] = None,
) -> None:
    """从受害人账户向下游追踪资金，列出可能仍有留存的账户。"""
    when = since if since.tzinfo else since.replace(tzinfo=get_settings().tz)
    try:
        data = TraceIn.model_validate(
            {
                "account": account,
                "since": when,
                "rule": rule,
                "max_hops": hops,
                "window_hours": hours,
                "min_amount": min_amount,
            }
        )
        result = trace(index_for(TransactionStore()), data.params())
    except ValidationError as err:
        raise fail(ValidationFailed("参数有误", field_errors(err.errors()))) from err
    except FanzhaError as err:
        raise fail(err) from err
    table = Table("账户", "银行", "层级", "可能留存（元）", "截断")
    for a in result.ranked()[:20]:
        cuts = "；".join(REASON_LABELS[r] for r in a.truncated)
        table.add_row(a.account, a.bank or "—", str(a.hop), str(cents_to_yuan(a.remaining)), cuts)
    console.print(table)
    if out is not None:
        if out.suffix == ".svg":
            out.write_text(export.to_svg(result), encoding="utf-8")
        elif out.suffix == ".csv":
            out.write_text(export.to_csv(result), encoding="utf-8-sig")
        else:
            out.write_text(json.dumps(export.to_json(result), ensure_ascii=False, indent=1), encoding="utf-8")
        console.print(f"已导出：{out}")


@app.command("tick")
def tick_cmd() -> None:
    """立即检查一次止付/冻结到期：到期的标记为已到期，临近到期的发出一次提醒。"""
    with command_session() as session:
        result = service.tick(session, utcnow())
    console.print(f"到期 {result.expired} 条，新发出到期提醒 {result.warned} 条")

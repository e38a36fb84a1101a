"""``fanzha clues`` (list, tick) and ``fanzha series`` (recompute, index)."""

from pathlib import Path
from typing import Annotated

import typer

from fanzha.clues import inputs, recompute, service, workflow
from fanzha.clues.schemas import ClueQuery
from fanzha.clues.tick import tick
from fanzha.core.clitools import command_session, console
from fanzha.core.principal import system_principal
from fanzha.core.timeutil import to_local, utcnow

clues_app = typer.Typer(help="线索：列表、超时升级")
series_app = typer.Typer(help="串并案：增量索引、全量重算")
CLI = system_principal(name="cli")


@clues_app.command("list")
def list_clues(
    state: Annotated[str | None, typer.Option(help="状态：judging / verifying / closed")] = None,
    overdue: Annotated[bool, typer.Option(help="只列超时的")] = False,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
) -> None:
    """列出线索（号码、账号等个人信息已脱敏）。"""
    with command_session() as session:
        query = ClueQuery(state=state, overdue=True if overdue else None, limit=limit)
        for c in workflow.list_clues(session, CLI, query):
            out = workflow.to_out(session, c, CLI)
            late = "超时" if out.overdue else ""
            console.print(
                f"#{out.id} {out.level_label} {out.kind_label} {out.value} {out.state_label} "
                f"{out.node_name} 时限 {to_local(out.due_at):%m-%d %H:%M} {late}"
            )


@clues_app.command("import")
def import_file(path: Annotated[Path, typer.Argument(help="线索文件（.csv 或 .xlsx，首行为表头）")]) -> None:
    """导入线索文件：按来源编号幂等，任一行有错则整体不写入并逐行说明。"""
    if not path.is_file():
        console.print(f"找不到文件 {path}，请检查路径")
        raise typer.Exit(2)
    with command_session() as session:
        report = inputs.import_file(session, path.read_bytes(), path.name, CLI)
    console.print(f"新建线索 {len(report.created)} 条；已导入过 {len(report.existing)} 条")


@clues_app.command("tick")
def tick_once() -> None:
    """执行一次线索超时标记与升级（服务器内也会定时执行）。"""
    with command_session() as session:
        report = tick(session, utcnow(), limit=None)
    console.print(f"新超时 {report.overdue} 条；升级 {report.escalated} 条")


@series_app.command("index")
def index() -> None:
    """把新登记的案件、预警和止付冻结编入串并索引（服务器内也会定时执行）。"""
    with command_session() as session:
        done = 0
        while (n := service.index_new_records(session, utcnow())) > 0:
            done += n
    console.print(f"编入 {done} 条记录")


@series_app.command("recompute")
def recompute_all(
    engine: Annotated[str, typer.Option(help="duckdb（单机）或 spark（本地模式/集群）")] = "duckdb",
) -> None:
    """全量重算串并案（连通分量），保留已有串并案编号。"""
    if engine not in ("duckdb", "spark"):
        console.print("engine 只能是 duckdb 或 spark")
        raise typer.Exit(2)
    with command_session() as session:
        count = recompute.recompute(session, engine, CLI, utcnow())
    console.print(f"重算完成（{engine}）：{count} 个连通分量")

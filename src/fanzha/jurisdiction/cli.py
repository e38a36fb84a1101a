"""``fanzha tree import|export``."""

from pathlib import Path
from typing import Annotated

import typer

from fanzha.core.clitools import command_session, console, err_console
from fanzha.jurisdiction import service

app = typer.Typer(help="辖区树（四级平台）")


def _format_of(path: Path) -> str:
    return "json" if path.suffix.lower() == ".json" else "csv"


@app.command("import")
def import_tree(
    file: Annotated[Path, typer.Argument(help="CSV（列 code,name,level,parent_code,population）或 JSON")],
) -> None:
    """导入辖区节点；任何一行有误则整体不写入。"""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err_console.print(f"[bold red]错误：[/]无法读取文件 {file}：{exc}")
        raise typer.Exit(2) from exc
    with command_session() as session:
        rows = service.rows_from_text(text, _format_of(file))
        nodes = service.import_nodes(session, rows, "cli")
    console.print(f"[green]已导入 {len(nodes)} 个节点[/]")


@app.command("export")
def export_tree(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="输出文件；省略则打印")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv 或 json")] = "csv",
) -> None:
    """导出整棵辖区树。"""
    if output is not None:
        fmt = _format_of(output)
    with command_session() as session:
        text = service.rows_to_text(service.export_rows(session, "/"), fmt)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"已写入 {output}")

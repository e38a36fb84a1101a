"""``fanzha audit verify``."""

import typer

from fanzha.audit import service
from fanzha.core.clitools import command_session, console, err_console

app = typer.Typer(help="审计日志")


@app.command("verify")
def verify() -> None:
    """校验审计哈希链；若有记录被改动或删除，指出第一条断裂的记录。"""
    with command_session() as session:
        report = service.verify_chain(session)
    if report.ok:
        console.print(f"[green]审计链完整[/]：已校验 {report.checked} 条记录")
        return
    err_console.print(
        f"[bold red]审计链断裂[/]：记录 #{report.broken_at}（此前 {report.checked} 条完好）— {report.reason}"
    )
    raise typer.Exit(1)
